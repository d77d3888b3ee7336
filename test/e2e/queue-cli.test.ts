import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { adapterPackage, assertBuilt, cli, parseJson, tempProject, writeJsonConfig } from './cli-harness.js';
import { startFakeProvider, type FakeProvider } from './queue-fake-provider.js';

const ADAPTER = fileURLToPath(new URL('./queue-loopback-adapter.mjs', import.meta.url));

let dir: string;
let provider: FakeProvider;
beforeAll(() => assertBuilt());
afterEach(async () => {
  await provider?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function setup() {
  provider = await startFakeProvider(1);
  dir = tempProject('integrations-queue-cli-');
  writeJsonConfig(dir, {
    adapters: [adapterPackage(dir, 'queue-loopback-adapter', ADAPTER)],
    integrations: {
      pay: { adapter: 'loopback-pay', config: { baseUrl: provider.url }, retry: { maxAttempts: 1 }, queue: { maxAttempts: 2 } },
      sms: { adapter: 'loopback-pay', config: { baseUrl: provider.url }, timeoutMs: 400, retry: { maxAttempts: 1 } },
      // Nothing listens on port 9: the connection is refused, the request provably never left.
      down: { adapter: 'loopback-pay', config: { baseUrl: 'http://127.0.0.1:9' }, retry: { maxAttempts: 1 } },
    },
  });
  return (args: string[]) => cli(args, { cwd: dir });
}

describe('queue commands (built CLI)', () => {
  it('enqueue, list, drain with its exit codes, show, cancel, retry, purge, stats', async () => {
    const run = await setup();
    const queued = await run(['run', 'pay', 'charge', '--payload', '{"reference":"o-1","amount":10}', '--queue', '--json']);
    expect(queued.code, queued.stderr).toBe(0);
    const first = parseJson<Record<string, unknown>>(queued.stdout);
    expect(first).toMatchObject({ ok: true, queued: true, jobId: 1, integration: 'pay', operation: 'charge', priority: 0, maxAttempts: 2, duplicate: false });
    expect(first.idempotencyKey).toMatch(/^[0-9a-f]{64}$/);

    const plain = await run(['run', 'pay', 'charge', '--payload', '{"reference":"bad","amount":-1}', '--queue', '--priority', '7']);
    expect(plain.stdout).toBe('2\n');
    expect(plain.stderr).toMatch(/queued as job 2/);
    expect((await run(['run', 'pay', 'charge', '--payload', '{"reference":"x","amount":1}', '--queue', '--priority', '11'])).code).toBe(2);
    expect((await run(['run', 'pay', 'charge', '--payload', '{"reference":"x"}', '--queue'])).code).toBe(2);
    expect((await run(['run', 'pay', 'charge', '--payload', '{"reference":"late","amount":1}', '--queue', '--delay', '1h'])).stdout).toBe('3\n');

    const listed = parseJson<Record<string, unknown>[]>((await run(['queue', 'list', '--json'])).stdout);
    expect(listed.map((j) => j.id)).toEqual([3, 2, 1]);
    expect(Object.keys(listed[0]).sort()).toEqual(['attempts', 'id', 'integration', 'lastError', 'operation', 'priority', 'runAt', 'status']);

    // Job 2 is refused by the provider: dead at once, and the exit code says so.
    const drained = await run(['queue', 'drain', '--json']);
    expect(drained.code, drained.stderr).toBe(1);
    expect(parseJson(drained.stdout)).toMatchObject({ claimed: 2, succeeded: 1, retried: 0, dead: 1, unknown: 0, skipped: 0 });
    expect(provider.effects.size).toBe(1);

    const shown = parseJson<Record<string, any>>((await run(['queue', 'show', '2', '--json'])).stdout);
    expect(shown).toMatchObject({ id: 2, status: 'dead', priority: 7, payload: { reference: 'bad', amount: -1 }, lastError: { category: 'INVALID_REQUEST' } });
    expect(shown.history).toMatchObject([{ attempt: 1, outcome: 'dead', error: { category: 'INVALID_REQUEST', message: 'provider answered 400' } }]);
    expect((await run(['queue', 'show', '2'])).stdout).toMatch(/#1 .* dead .*INVALID_REQUEST: provider answered 400/);

    // Nothing due now: a second drain is a quiet success.
    const idle = await run(['queue', 'drain']);
    expect(idle.code).toBe(0);
    expect(idle.stdout).toMatch(/no due jobs/);

    expect((await run(['queue', 'cancel', '3', '--yes'])).code).toBe(0);
    const refused = await run(['queue', 'cancel', '1']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/job 1 is succeeded; only pending jobs can be cancelled/);

    const retried = parseJson<{ retried: number[] }>((await run(['queue', 'retry', '--dead', '--json'])).stdout);
    expect(retried.retried).toEqual([2]);
    expect(parseJson<{ status: string }[]>((await run(['queue', 'list', '--status', 'pending', '--json'])).stdout).map((j) => j.status)).toEqual(['pending']);

    const purged = parseJson<{ deleted: number }>((await run(['queue', 'purge', '--status', 'succeeded', '--older-than', '0s', '--force', '--yes', '--json'])).stdout);
    expect(purged.deleted).toBe(1);
    expect((await run(['queue', 'purge', '--status', 'pending', '--older-than', '1d'])).code).toBe(2);

    const stats = parseJson<Record<string, any>>((await run(['queue', 'stats', '--json'])).stdout);
    expect(stats.byStatus).toMatchObject({ pending: 1, succeeded: 0, cancelled: 1 });
    expect(stats.byIntegration).toEqual([{ integration: 'pay', pending: 1, leased: 0, succeeded: 0, dead: 0, unknown: 0, cancelled: 1 }]);
    expect(stats.due).toBe(1);
  });

  it('an unsafe call that times out ends unknown, is never re-sent, and reconcile settles it from the provider', async () => {
    const run = await setup();
    await run(['run', 'sms', 'send', '--payload', '{"reference":"stall-1","text":"hi"}', '--queue']);
    const drained = await run(['queue', 'drain', '--integration', 'sms', '--json']);
    expect(drained.code, drained.stderr).toBe(0);
    expect(parseJson(drained.stdout)).toMatchObject({ claimed: 1, unknown: 1, dead: 0 });
    expect((await run(['queue', 'drain', '--json'])).stdout).toMatch(/"claimed": 0/);
    expect(provider.messages.get('stall-1')).toBe(1);

    const reconciled = await run(['queue', 'reconcile', '--json']);
    expect(reconciled.code, reconciled.stderr).toBe(0);
    expect(parseJson(reconciled.stdout)).toEqual([{ id: 1, integration: 'sms', operation: 'send', status: 'succeeded', detail: 'the provider reports sent' }]);
    expect(provider.messages.get('stall-1')).toBe(1);

    // One the provider never saw: reconcile settles it dead, so it can be retried.
    await run(['run', 'sms', 'send', '--payload', '{"reference":"stall-2"}', '--queue']);
    await run(['queue', 'drain', '--json']);
    provider.messages.delete('stall-2');
    const notFound = parseJson<{ status: string }[]>((await run(['queue', 'reconcile', '--json'])).stdout);
    expect(notFound).toMatchObject([{ id: 2, status: 'dead' }]);
  });

  it('queue-on-failure keeps a transient failure as a job; circuits open, fail run fast, show in health, and reset by hand', async () => {
    const run = await setup();
    const kept = await run(['run', 'down', 'charge', '--payload', '{"reference":"o-9","amount":5}', '--queue-on-failure', '--json']);
    expect(kept.code, kept.stderr).toBe(0);
    expect(parseJson(kept.stdout)).toMatchObject({ ok: false, queued: true, jobId: 1, error: { category: 'NETWORK_ERROR', retryable: true } });
    // Without the flag the same failure is a temporary-failure exit.
    expect((await run(['run', 'down', 'charge', '--payload', '{"reference":"o-10","amount":5}'])).code).toBe(5);

    expect((await run(['circuit', 'open', 'pay', '--for', '1h'])).code).toBe(0);
    const fast = await run(['run', 'pay', 'charge', '--payload', '{"reference":"o-11","amount":5}', '--json']);
    expect(fast.code).toBe(4);
    expect(fast.stderr).toMatch(/CIRCUIT_OPEN/);
    expect(provider.total()).toBe(0);

    const health = await run(['health', 'pay', '--json']);
    expect(health.code).toBe(4);
    expect(parseJson(health.stdout)).toMatchObject([{ name: 'pay', status: 'degraded', circuit: 'open' }]);

    const status = parseJson<{ name: string; state: string }[]>((await run(['circuit', 'status', '--json'])).stdout);
    expect(status.find((c) => c.name === 'pay')?.state).toBe('open');
    expect((await run(['circuit', 'reset', 'pay'])).stdout).toMatch(/pay: circuit closed \(was open\)/);
    expect((await run(['run', 'pay', 'charge', '--payload', '{"reference":"o-11","amount":5}'])).code).toBe(0);
    expect((await run(['circuit', 'reset', 'nope'])).code).toBe(2);
  });
});
