/**
 * The queue's promises under real processes and a real SQLite file: the
 * built CLI's `queue drain`, killed with SIGKILL mid-run or racing another
 * drain, against a loopback provider that honours idempotency keys.
 */
import { rmSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from './cli-harness.js';
import { startFakeProvider, type FakeProvider } from './queue-fake-provider.js';
import { finalState, project as makeProject, seed, startDrain, until, type Project } from './queue-process-harness.js';

let current: Project | undefined;
let provider: FakeProvider;

beforeAll(() => assertBuilt());
afterEach(async () => {
  await provider?.close();
  if (current) rmSync(current.dir, { recursive: true, force: true });
  current = undefined;
});

function project(): Project {
  current = makeProject(provider);
  return current;
}

describe('queue drain as real processes', () => {
  it('kill -9 mid-run loses nothing: the next drain finishes every job, re-sending only what was in flight, with its original key', async () => {
    provider = await startFakeProvider(1);
    const p = project();
    const { db } = p;
    const keys = await seed(db, 500);

    const first = startDrain(p);
    await until(() => provider.total() >= 120, 'the first drain to be under way');
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    const sentBeforeKill = provider.total();
    expect(sentBeforeKill).toBeLessThan(500);

    const second = startDrain(p);
    const result = await second.done;
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { claimed: number; succeeded: number; dead: number };
    expect(summary.dead).toBe(0);

    const { jobs, abandoned } = await finalState(db);
    expect(jobs).toHaveLength(500);
    expect(jobs.every((j) => j.status === 'succeeded')).toBe(true);
    // Every job's effect happened exactly once, under the key it was enqueued with.
    expect(provider.effects.size).toBe(500);
    expect([...provider.effects.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(provider.effects.keys())).toEqual(new Set(keys.values()));
    // Only jobs the killed drain held (in flight or fetched ahead) were taken again; only those could be sent twice.
    const sentTwice = [...provider.requests].filter(([, n]) => n > 1).map(([key]) => key);
    const heldAtKill = new Set([...abandoned].map((id) => keys.get(id)));
    for (const key of sentTwice) expect(heldAtKill.has(key)).toBe(true);
    expect(abandoned.size).toBeGreaterThan(0);
    expect(abandoned.size).toBeLessThanOrEqual(16);
  });

  it('two drains started together over 1,000 jobs never run a job twice', async () => {
    provider = await startFakeProvider(1);
    const p = project();
    const { db } = p;
    const keys = await seed(db, 1_000);

    const [a, b] = [startDrain(p), startDrain(p)];
    const [ra, rb] = await Promise.all([a.done, b.done]);
    expect(ra.code, ra.stderr).toBe(0);
    expect(rb.code, rb.stderr).toBe(0);
    const claimed = [ra, rb].map((r) => (JSON.parse(r.stdout) as { claimed: number }).claimed);
    // Both did real work: the race was real.
    expect(Math.min(...claimed)).toBeGreaterThan(0);

    const { jobs, attempts, owners } = await finalState(db);
    expect(jobs.every((j) => j.status === 'succeeded')).toBe(true);
    // No job was ever held by both drains, and every attempt is one request.
    expect([...owners.values()].every((o) => o.size === 1)).toBe(true);
    const totalAttempts = [...attempts.values()].reduce((a, b) => a + b, 0);
    expect(claimed[0] + claimed[1]).toBe(totalAttempts);
    expect(provider.total()).toBe(totalAttempts);
    // On an idle machine that is one attempt each; a loaded one may time a call out and retry it with the same key.
    expect(totalAttempts).toBeLessThan(1_010);
    expect(provider.effects.size).toBe(1_000);
    expect([...provider.effects.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(provider.requests.keys())).toEqual(new Set(keys.values()));
  });

  it('SIGTERM stops claiming, finishes the calls in flight, gives back the rest and exits 0', async () => {
    provider = await startFakeProvider(40);
    const p = project();
    const { db } = p;
    await seed(db, 200);
    const drain = startDrain(p, 4);
    await until(() => provider.total() >= 8, 'the drain to be under way');
    drain.child.kill('SIGTERM');
    const result = await drain.done;
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { succeeded: number; skipped: number; stoppedBy: string };
    expect(summary.stoppedBy).toBe('signal');

    const { jobs, attempts } = await finalState(db);
    const succeeded = jobs.filter((j) => j.status === 'succeeded');
    const pending = jobs.filter((j) => j.status === 'pending');
    expect(succeeded.length).toBe(summary.succeeded);
    expect(succeeded.length + pending.length).toBe(200);
    expect(pending.length).toBeGreaterThan(0);
    // What it had fetched but not started went back without spending an attempt.
    expect(pending.every((j) => j.attempts === 0 && attempts.get(j.id) === 0)).toBe(true);
    // Every call that went out was finished and recorded.
    expect(provider.effects.size).toBe(succeeded.length);
  });
});
