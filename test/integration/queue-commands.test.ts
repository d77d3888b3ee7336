/**
 * The queue's command wiring in-process (main() with injected IO and a
 * ManualClock) on the bundled mock adapter: queueOnFailure from the config,
 * scheduling flags, redaction in `queue show`, the live progress line.
 */
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { projectWithConfig, runCli } from '../unit/cli-fixture.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const T0 = Date.UTC(2026, 0, 1);
const charge = (reference: string, extra: Record<string, unknown> = {}) => JSON.stringify({ amount: 10, currency: 'KES', reference, ...extra });

function project(integration: Record<string, unknown>) {
  dir = projectWithConfig({ integrations: { pay: { adapter: 'mock', retry: { maxAttempts: 1 }, ...integration } } });
  const clock = new ManualClock(T0);
  const cli = (args: string[], extra: { stderrIsTTY?: boolean } = {}) => runCli(args, { cwd: dir as string, clock, ...extra });
  return { cli, clock };
}

describe('queue commands in-process', () => {
  it('queueOnFailure in the config keeps a transient failure as a job with the same key, due when the provider said', async () => {
    const { cli } = project({ config: { failures: ['RATE_LIMITED'], retryAfterMs: 45_000 }, queueOnFailure: true, queue: { maxAttempts: 3 } });
    const failed = await cli(['run', 'pay', 'charge', '--payload', charge('o-1'), '--json']);
    expect(failed.code, failed.stderr).toBe(0);
    const out = JSON.parse(failed.stdout) as Record<string, any>;
    expect(out).toMatchObject({ ok: false, queued: true, jobId: 1, maxAttempts: 3, runAt: new Date(T0 + 45_000).toISOString(), error: { category: 'RATE_LIMITED' } });
    const shown = JSON.parse((await cli(['queue', 'show', '1', '--json'])).stdout) as Record<string, any>;
    expect(shown).toMatchObject({ origin: 'on-failure', idempotencyKey: out.idempotencyKey, status: 'pending' });

    // A permanent failure is not queued: it is reported as the failure it is.
    const { cli: cli2 } = project({ config: { failures: ['INVALID_REQUEST'] }, queueOnFailure: true });
    const refused = await cli2(['run', 'pay', 'charge', '--payload', charge('o-2'), '--json']);
    expect(refused.code).toBe(1);
    expect(JSON.parse((await cli2(['queue', 'list', '--json'])).stdout)).toEqual([]);
  });

  it('schedules with --delay and --at on the injected clock, and refuses scheduling flags without --queue', async () => {
    const { cli } = project({});
    expect((await cli(['run', 'pay', 'charge', '--payload', charge('a'), '--queue', '--delay', '5m'])).stdout).toBe('1\n');
    expect((await cli(['run', 'pay', 'charge', '--payload', charge('b'), '--queue', '--at', '2026-03-01T08:00:00+03:00', '--max-attempts', '2'])).stdout).toBe('2\n');
    const jobs = JSON.parse((await cli(['queue', 'list', '--status', 'pending', '--json'])).stdout) as { id: number; runAt: string }[];
    expect(jobs).toEqual([
      expect.objectContaining({ id: 1, runAt: new Date(T0 + 300_000).toISOString() }),
      expect.objectContaining({ id: 2, runAt: '2026-03-01T05:00:00.000Z' }),
    ]);
    for (const args of [['--delay', '5m'], ['--priority', '3'], ['--at', '2026-03-01']]) {
      const bad = await cli(['run', 'pay', 'charge', '--payload', charge('c'), ...args, ...(args[0] === '--at' ? ['--queue'] : [])]);
      expect(bad.code, args.join(' ')).toBe(2);
    }
    // Nothing is due yet on the injected clock.
    expect(JSON.parse((await cli(['queue', 'drain', '--json'])).stdout)).toMatchObject({ claimed: 0 });
  });

  it('enqueueing the same call twice returns the first job', async () => {
    const { cli } = project({});
    const first = JSON.parse((await cli(['run', 'pay', 'charge', '--payload', charge('same'), '--queue', '--json'])).stdout) as Record<string, unknown>;
    const again = await cli(['run', 'pay', 'charge', '--payload', charge('same'), '--queue', '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ jobId: first.jobId, duplicate: true });
  });

  it('queue show redacts sensitive payload fields and the integration secrets', async () => {
    const { cli } = project({ config: { secretKey: 'sk_test_hunter2hunter2' }, sensitive: ['phone'] });
    await cli(['run', 'pay', 'charge', '--payload', charge('r-1', { phone: '+254700000001', note: 'key sk_test_hunter2hunter2' }), '--queue']);
    const text = (await cli(['queue', 'show', '1'])).stdout + (await cli(['queue', 'show', '1', '--json'])).stdout;
    expect(text).not.toContain('+254700000001');
    expect(text).not.toContain('sk_test_hunter2hunter2');
    expect(text).toContain('[REDACTED]');
  });

  it('shows a live progress line on a terminal and a one-line summary', async () => {
    const { cli } = project({});
    for (let i = 0; i < 3; i++) await cli(['run', 'pay', 'charge', '--payload', charge(`p-${i}`), '--queue']);
    const drained = await cli(['queue', 'drain'], { stderrIsTTY: true });
    expect(drained.code).toBe(0);
    expect(drained.stderr).toMatch(/draining: 3\/3 done/);
    expect(drained.stdout.trim().split('\n')).toHaveLength(1);
    expect(drained.stdout).toMatch(/^queue drain: 3 claimed in .*: 3 succeeded, 0 rescheduled, 0 dead, 0 unknown, 0 skipped/);
  });

  it('reconcile --as settles by hand and needs job ids', async () => {
    const { cli } = project({});
    expect((await cli(['queue', 'reconcile', '--as', 'dead'])).code).toBe(2);
    expect((await cli(['queue', 'reconcile', '7', '--as', 'dead'])).stderr).toMatch(/no job 7/);
    expect(JSON.parse((await cli(['queue', 'reconcile', '--json'])).stdout)).toEqual([]);
  });
});
