/**
 * Circuit breakers and Retry-After pauses across real processes: a drain
 * trips the circuit (or meets a 429) and a separate `run` process fails fast
 * without touching the provider, because the state lives in the store.
 */
import { rmSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from './cli-harness.js';
import { startFakeProvider, type FakeProvider } from './queue-fake-provider.js';
import { finalState, project, seed, startCli, startDrain, type Project } from './queue-process-harness.js';

let current: Project | undefined;
let provider: FakeProvider;

beforeAll(() => assertBuilt());
afterEach(async () => {
  await provider?.close();
  if (current) rmSync(current.dir, { recursive: true, force: true });
  current = undefined;
});

const json = <T>(text: string): T => JSON.parse(text) as T;

describe('shared resilience state between processes', () => {
  it('a drain opens the circuit after the configured failures and skips the rest; another process fails fast; a reset lets them through', async () => {
    provider = await startFakeProvider(1);
    const p = (current = project(provider, { circuit: { consecutiveFailures: 3, cooldownMs: '1h' } }));
    await seed(p.db, 10);
    provider.failNext(3, 503);

    const first = await startDrain(p, 1).done;
    expect(first.code, first.stderr).toBe(0);
    expect(json(first.stdout)).toMatchObject({ claimed: 3, retried: 3, dead: 0, skipped: 7 });
    let state = await finalState(p.db);
    expect(state.circuits).toMatchObject([{ integration: 'pay', state: 'open', consecutiveFailures: 3 }]);
    expect(state.jobs.filter((j) => j.attempts === 0)).toHaveLength(7);

    const fast = await startCli(p, ['run', 'pay', 'charge', '--payload', '{"reference":"now","amount":1}', '--json']).done;
    expect(fast.code).toBe(4);
    expect(fast.stderr).toMatch(/CIRCUIT_OPEN/);
    expect(provider.total()).toBe(3);
    const health = await startCli(p, ['health', 'pay', '--json']).done;
    expect(json(health.stdout)).toMatchObject([{ name: 'pay', circuit: 'open', status: 'degraded' }]);

    expect((await startCli(p, ['circuit', 'reset', 'pay']).done).code).toBe(0);
    const second = await startDrain(p, 4).done;
    expect(second.code, second.stderr).toBe(0);
    state = await finalState(p.db);
    // The seven skipped ones now; the three rescheduled ones when their backoff is due.
    expect(state.jobs.filter((j) => j.status === 'succeeded').length).toBeGreaterThanOrEqual(7);
    expect(state.jobs.every((j) => j.status === 'succeeded' || (j.status === 'pending' && j.attempts === 1))).toBe(true);
  });

  it("a 429 with Retry-After reschedules the job that long and pauses the integration for every process", async () => {
    provider = await startFakeProvider(1);
    const p = (current = project(provider));
    await seed(p.db, 3);
    provider.failNext(1, 429, { 'retry-after': '120' });
    const before = Date.now();
    const drained = await startDrain(p, 1).done;
    expect(drained.code, drained.stderr).toBe(0);
    expect(json(drained.stdout)).toMatchObject({ claimed: 1, retried: 1, succeeded: 0, skipped: 2 });
    const state = await finalState(p.db);
    const waiting = state.jobs.find((j) => j.attempts === 1);
    expect(waiting?.runAt).toBeGreaterThanOrEqual(before + 120_000);
    expect(state.circuits[0]?.pausedUntil).toBeGreaterThanOrEqual(before + 120_000);

    const paused = await startCli(p, ['run', 'pay', 'charge', '--payload', '{"reference":"now","amount":1}', '--json']).done;
    expect(paused.code).toBe(5);
    expect(paused.stderr).toMatch(/RATE_LIMITED/);
    expect(provider.total()).toBe(1);
  });
});
