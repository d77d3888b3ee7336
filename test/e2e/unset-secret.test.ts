import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cli, parseJson, tempProject, writeJsonConfig, type CliResult } from './cli-harness.js';

/**
 * Issue 10 §2: with only the M-Pesa integration's secret unset, everything
 * that does not use it works, and what does use it says which variable.
 */
const SECRET = { MPESA_CONSUMER_SECRET: 'cs-e2e-not-a-real-secret' };

let dir: string;
const run = (args: string[], env: Record<string, string> = {}): Promise<CliResult> => cli(args, { cwd: dir, env });

beforeAll(async () => {
  assertBuilt();
  dir = tempProject('integrations-unset-secret-');
  writeJsonConfig(dir, {
    integrations: {
      pay: {
        adapter: 'mpesa',
        config: {
          consumerKey: 'ck-e2e',
          consumerSecret: 'env:MPESA_CONSUMER_SECRET',
          shortcode: '174379',
          passkey: 'pk-e2e',
          callbackUrl: 'https://example.test/mpesa/callback',
          // Never reached: nothing of pay runs in these tests.
          baseUrl: 'http://127.0.0.1:9',
        },
        sensitive: ['phone'],
      },
      other: { adapter: 'mock' },
    },
  });
  // Queued while the secret was set: two jobs of pay, one of other.
  for (const reference of ['o-1', 'o-2']) {
    const payload = JSON.stringify({ amount: 10, phone: '254708374149', reference, description: 'order' });
    const queued = await run(['run', 'pay', 'charge', '--payload', payload, '--queue'], SECRET);
    expect(queued.code, queued.stderr).toBe(0);
  }
  expect((await run(['run', 'other', 'echo', '--payload', '{"queued":true}', '--queue'])).code).toBe(0);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('one unset environment variable (built CLI)', () => {
  it('run and test of the integration that needs it: exit 3 naming the variable; run of another works', async () => {
    const pay = await run(['run', 'pay', 'query', '--payload', '{"checkoutRequestId":"ws_CO_1"}']);
    expect(pay.code).toBe(3);
    expect(pay.stderr).toMatch(/^error: invalid config in .*integrations\.config\.json\n {2}- integrations\.pay\.config\.consumerSecret: environment variable MPESA_CONSUMER_SECRET is not set\n$/);
    expect(pay.stderr).not.toMatch(/looks like a bug|\n\s+at /);

    const test = await run(['test', 'pay']);
    expect(test.code).toBe(3);
    expect(test.stderr).toContain('MPESA_CONSUMER_SECRET is not set');

    const trigger = await run(['webhooks', 'trigger', 'pay']);
    expect(trigger.code).toBe(3);
    expect(trigger.stderr).toContain('MPESA_CONSUMER_SECRET is not set');

    const other = await run(['run', 'other', 'echo', '--payload', '{"hello":"world"}', '--json']);
    expect(other.code, other.stderr).toBe(0);
    expect(parseJson<Record<string, unknown>>(other.stdout)).toMatchObject({ ok: true, result: { hello: 'world' } });
  });

  it('health: the unresolved integration is unhealthy with the variable (exit 4), the other is checked; health of the other alone exits 0', async () => {
    const all = await run(['health', '--json']);
    expect(all.code, all.stderr).toBe(4);
    const reports = parseJson<{ name: string; status: string; message: string }[]>(all.stdout);
    expect(reports).toEqual([
      expect.objectContaining({ name: 'other', status: 'healthy', message: 'mock provider' }),
      expect.objectContaining({ name: 'pay', adapter: 'mpesa', status: 'unhealthy', message: 'MPESA_CONSUMER_SECRET is not set' }),
    ]);

    const table = await run(['health']);
    expect(table.code).toBe(4);
    expect(table.stdout).toMatch(/pay\s.*mpesa\s.*unhealthy\s.*MPESA_CONSUMER_SECRET is not set/);

    const named = await run(['health', 'pay', '--json']);
    expect(named.code).toBe(4);
    expect(parseJson(named.stdout)).toEqual([expect.objectContaining({ name: 'pay', status: 'unhealthy', message: 'MPESA_CONSUMER_SECRET is not set' })]);

    const other = await run(['health', 'other']);
    expect(other.code, other.stderr).toBe(0);
    expect(other.stdout).not.toContain('pay');
  });

  it('list shows the integration with its problem; logs tail, webhooks list and circuit status work', async () => {
    const listed = await run(['list', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(parseJson(listed.stdout)).toEqual([
      expect.objectContaining({ name: 'other', adapter: 'mock', enabled: true, problem: null }),
      expect.objectContaining({ name: 'pay', adapter: 'mpesa', kind: 'payment', enabled: true, problem: 'MPESA_CONSUMER_SECRET is not set' }),
    ]);
    const table = await run(['list']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/PROBLEM/);
    expect(table.stdout).toMatch(/pay\s.*mpesa\s.*MPESA_CONSUMER_SECRET is not set/);

    const tail = await run(['logs', 'tail', '--json']);
    expect(tail.code, tail.stderr).toBe(0);
    expect(tail.stdout).toContain('"integration":"other"');

    const hooks = await run(['webhooks', 'list']);
    expect(hooks.code, hooks.stderr).toBe(0);

    const circuits = await run(['circuit', 'status', '--json']);
    expect(circuits.code, circuits.stderr).toBe(0);
    expect(parseJson<{ name: string }[]>(circuits.stdout).map((c) => c.name)).toEqual(['other', 'pay']);
  });

  it('queue drain runs the other jobs and leaves the unresolved one\'s queued, untouched, with one warning line (exit 0)', async () => {
    const before = parseJson<{ id: number; integration: string; status: string; attempts: number }[]>((await run(['queue', 'list', '--json'])).stdout);
    expect(before.filter((j) => j.integration === 'pay').map((j) => [j.status, j.attempts])).toEqual([['pending', 0], ['pending', 0]]);

    const drained = await run(['queue', 'drain', '--json']);
    expect(drained.code, drained.stderr).toBe(0);
    expect(parseJson(drained.stdout)).toMatchObject({
      claimed: 1,
      succeeded: 1,
      dead: 0,
      skipped: 2,
      unresolved: [{ integration: 'pay', missing: ['MPESA_CONSUMER_SECRET'], jobs: 2 }],
    });
    expect(drained.stderr).toBe('warning: pay: MPESA_CONSUMER_SECRET is not set; 2 due jobs left queued, untouched\n');

    const after = parseJson<{ id: number; integration: string; status: string; attempts: number }[]>((await run(['queue', 'list', '--json'])).stdout);
    expect(after.filter((j) => j.integration === 'other').map((j) => j.status)).toEqual(['succeeded']);
    for (const job of after.filter((j) => j.integration === 'pay')) {
      const shown = parseJson<Record<string, any>>((await run(['queue', 'show', String(job.id), '--json'])).stdout);
      expect(shown).toMatchObject({ status: 'pending', attempts: 0, lastError: null, leaseOwner: null, history: [] });
      // Its configured sensitive paths still mask what is shown.
      expect(shown.payload).toMatchObject({ phone: '[REDACTED]', reference: expect.stringMatching(/^o-/) });
    }

    // Named on the command line, it is what was asked for: exit 3, still untouched.
    const named = await run(['queue', 'drain', '--integration', 'pay']);
    expect(named.code).toBe(3);
    expect(named.stderr).toBe('warning: pay: MPESA_CONSUMER_SECRET is not set; 2 due jobs left queued, untouched\n');

    // With the secret back, the same jobs run (here: refused connection, so they are rescheduled, not lost).
    const restored = await run(['queue', 'drain', '--json'], SECRET);
    expect(restored.stderr).not.toContain('warning');
    expect(parseJson(restored.stdout)).toMatchObject({ claimed: 2 });
  });
});
