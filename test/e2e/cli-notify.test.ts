import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAfricasTalkingSimulator, type AfricasTalkingSimulator } from '../../adapters/africastalking/simulator.js';
import { assertBuilt, cli, parseJson, tempProject, writeJsonConfig } from './cli-harness.js';

interface NotifyJson {
  delivered: boolean;
  channel: string | null;
  attempts: { channel: string; kind: string; ok: boolean; category?: string; message?: string; logId: number | null; durationMs: number; replayed?: boolean }[];
}

/** A loopback port nothing listens on: connecting is refused, so the send provably never left. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * `integrations notify` in the built CLI: Africa's Talking integrations, one
 * pointed at a dead port and one at a simulator running in this process.
 */
describe('integrations notify', () => {
  const dir = tempProject('integrations-notify-');
  const phone = '+254712345678';
  let sim: AfricasTalkingSimulator;
  let env: Record<string, string>;
  const run = (args: string[]) => cli(['notify', ...args], { cwd: dir, env });
  const sent = () => sim.received('/version1/messaging').map((r) => r.parsed as Record<string, string>);

  beforeAll(async () => {
    assertBuilt();
    sim = await startAfricasTalkingSimulator();
    const username = String(sim.config.username);
    env = { AT_API_KEY: String(sim.config.apiKey) };
    const at = (baseUrl: string) => ({ username, apiKey: 'env:AT_API_KEY', baseUrl });
    // One attempt each: the fall-through is what is under test, not the executor's backoff.
    const once = { maxAttempts: 1 };
    writeJsonConfig(dir, {
      store: { path: 'store.db' },
      integrations: {
        'sms-off': { adapter: 'africastalking', enabled: false, config: at(String(sim.url)), retry: once },
        // The breaker stays closed here however many tests hit it: these tests are about falling through.
        'sms-dead': { adapter: 'africastalking', config: at(`http://127.0.0.1:${await deadPort()}`), retry: once, circuit: { consecutiveFailures: 100 } },
        'sms-live': { adapter: 'africastalking', config: at(String(sim.url)), retry: once },
        // Opens on its first failure and stays open for the rest of the run.
        'sms-tripped': { adapter: 'africastalking', config: at(`http://127.0.0.1:${await deadPort()}`), retry: once, circuit: { consecutiveFailures: 1, cooldownMs: '1h' } },
        payments: { adapter: 'mock' },
      },
    });
  });

  afterAll(async () => {
    await sim?.close();
  });

  it('falls through a refused channel to the next one, which delivers: exit 0, --json lists both attempts', async () => {
    const res = await run(['--channels', 'sms-dead,sms-live', '--to', phone, '--message', 'Your order has shipped', '--json']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const out = parseJson<NotifyJson>(res.stdout);
    expect(out.delivered).toBe(true);
    expect(out.channel).toBe('sms-live');
    expect(out.attempts.map((a) => [a.channel, a.kind, a.ok, a.category ?? null])).toEqual([
      ['sms-dead', 'sms', false, 'NETWORK_ERROR'],
      ['sms-live', 'sms', true, null],
    ]);
    expect(out.attempts.every((a) => typeof a.logId === 'number')).toBe(true);
    expect(sent()).toEqual([expect.objectContaining({ to: phone, message: 'Your order has shipped' })]);
    expect(res.stdout).not.toContain(env.AT_API_KEY);
  });

  it('a repeat with the same --idempotency-key sends nothing twice', async () => {
    const args = ['--channels', 'sms-dead,sms-live', '--to', phone, '--message', 'Code 4411', '-k', 'otp-7', '--json'];
    const first = parseJson<NotifyJson>((await run(args)).stdout);
    const again = await run(args);
    expect(again.code).toBe(0);
    const second = parseJson<NotifyJson>(again.stdout);
    expect(first.attempts[1]).toMatchObject({ channel: 'sms-live', ok: true });
    expect(second.attempts[1]).toMatchObject({ channel: 'sms-live', ok: true, replayed: true });
    expect(sent().filter((m) => m.message === 'Code 4411')).toHaveLength(1);
  });

  it('a kind name stands for the first enabled integration of that kind; progress goes to stderr, the verdict to stdout', async () => {
    const before = sent().length;
    const res = await run(['--channels', 'sms,sms-live', '--to', phone, '--message', 'Kind lookup']);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe('delivered via sms-live\n');
    // "sms" skipped the disabled sms-off and took sms-dead, the next in config order.
    expect(res.stderr).toMatch(/^✗ sms-dead \(sms\) NETWORK_ERROR: .*\n✓ sms-live \(sms\) delivered \(/);
    expect(sent()).toHaveLength(before + 1);
  });

  it('when every channel fails: delivered false with every attempt, exit code of the last failure', async () => {
    sim.failNext({ kind: 'status', status: 401, body: 'The supplied authentication is invalid' }, 1, /messaging/);
    const res = await run(['--channels', 'sms-dead,sms-live', '--to', phone, '--message', 'Nobody hears this', '--json']);
    const out = parseJson<NotifyJson>(res.stdout);
    expect(out).toMatchObject({ delivered: false, channel: null });
    expect(out.attempts.map((a) => [a.channel, a.ok, a.category])).toEqual([
      ['sms-dead', false, 'NETWORK_ERROR'],
      ['sms-live', false, 'AUTHENTICATION_FAILED'],
    ]);
    // AUTHENTICATION_FAILED: the operation failed (1); the JSON error is alone on stderr.
    expect(res.code).toBe(1);
    expect(parseJson<{ error: { category: string; exitCode: number } }>(res.stderr).error).toMatchObject({ category: 'AUTHENTICATION_FAILED', exitCode: 1 });

    const refused = await run(['--channels', 'sms-dead', '--to', phone, '--message', 'Still nobody']);
    expect(refused.code).toBe(5);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/error: not delivered: the channel failed; last sms-dead: /);
  });

  it('an open circuit is one more reason to move on: the next channel delivers, alone it exits 4 (unavailable)', async () => {
    const args = ['--channels', 'sms-tripped,sms-live', '--to', phone, '--json'];
    const first = parseJson<NotifyJson>((await run([...args, '--message', 'Breaker one'])).stdout);
    expect(first.attempts.map((a) => [a.channel, a.ok, a.category ?? null])).toEqual([
      ['sms-tripped', false, 'NETWORK_ERROR'],
      ['sms-live', true, null],
    ]);
    const second = await run([...args, '--message', 'Breaker two']);
    expect(second.code).toBe(0);
    expect(parseJson<NotifyJson>(second.stdout).attempts.map((a) => [a.channel, a.ok, a.category ?? null])).toEqual([
      ['sms-tripped', false, 'CIRCUIT_OPEN'],
      ['sms-live', true, null],
    ]);
    const alone = await run(['--channels', 'sms-tripped', '--to', phone, '--message', 'Breaker three']);
    expect(alone.code).toBe(4);
    expect(alone.stderr).toMatch(/✗ sms-tripped \(sms\) CIRCUIT_OPEN: /);
  });

  it('usage errors (exit 2) before anything is sent: unknown channel, a payment integration, no recipient', async () => {
    const before = sent().length;
    const unknown = await run(['--channels', 'sms-live,whatsapp', '--to', phone, '--message', 'x']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown integration "whatsapp"; configured: sms-off, sms-dead, sms-live, sms-tripped, payments/);

    const payment = await run(['--channels', 'payments', '--to', phone, '--message', 'x']);
    expect(payment.code).toBe(2);
    expect(payment.stderr).toMatch(/"payments" is a payment integration/);

    const noRecipient = await run(['--channels', 'sms-live', '--message', 'x']);
    expect(noRecipient.code).toBe(2);
    expect(noRecipient.stderr).toContain('--to is required');

    const noMessage = await run(['--channels', 'sms-live', '--to', phone]);
    expect(noMessage.code).toBe(2);
    expect(sent()).toHaveLength(before);
  });
});
