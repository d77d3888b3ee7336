import { afterEach, describe, expect, it } from 'vitest';
import type { EnqueueInput } from '../../src/store/queue-types.js';
import { makeBench, type Bench } from './queue-fixture.js';

let bench: Bench;
afterEach(async () => bench?.close());

const T0 = Date.UTC(2026, 0, 1);

function job(overrides: Partial<EnqueueInput> = {}, n = Math.random()): EnqueueInput {
  return {
    integration: 'pay',
    operation: 'charge',
    payload: JSON.stringify({ reference: `r-${n}` }),
    tenant: null,
    idempotencyKey: `key-${n}`,
    correlationId: null,
    origin: 'enqueue',
    priority: 0,
    runAt: T0,
    maxAttempts: 3,
    now: T0,
    ...overrides,
  };
}

describe('queue store', () => {
  it('claims due jobs by priority, then oldest run_at, and never future ones', async () => {
    bench = makeBench();
    const q = bench.store.queue;
    const low = (await q.enqueue(job({ priority: 0, runAt: T0 - 5_000 }, 1))).job;
    const high = (await q.enqueue(job({ priority: 9, runAt: T0 }, 2))).job;
    const highOlder = (await q.enqueue(job({ priority: 9, runAt: T0 - 1_000 }, 3))).job;
    await q.enqueue(job({ priority: 10, runAt: T0 + 60_000 }, 4));
    const claimed = await q.claim({ owner: 'a', now: T0, leaseMs: 30_000, limit: 10 });
    expect(claimed.map((j) => j.id)).toEqual([highOlder.id, high.id, low.id]);
    expect(claimed.every((j) => j.status === 'leased' && j.leaseOwner === 'a' && j.leaseUntil === T0 + 30_000 && j.attempts === 1)).toBe(true);
  });

  it('never gives the same job to two connections claiming at once', async () => {
    bench = makeBench();
    for (let i = 0; i < 200; i++) await bench.store.queue.enqueue(job({}, i));
    const other = bench.openAnother();
    const seen = new Set<number>();
    for (let round = 0; round < 30; round++) {
      const [a, b] = await Promise.all([
        bench.store.queue.claim({ owner: 'a', now: T0, leaseMs: 30_000, limit: 7 }),
        other.queue.claim({ owner: 'b', now: T0, leaseMs: 30_000, limit: 7 }),
      ]);
      for (const j of [...a, ...b]) {
        expect(seen.has(j.id)).toBe(false);
        seen.add(j.id);
      }
    }
    expect(seen.size).toBe(200);
  });

  it('an enqueue with a live idempotency key returns the existing job', async () => {
    bench = makeBench();
    const first = await bench.store.queue.enqueue(job({ idempotencyKey: 'same' }));
    const again = await bench.store.queue.enqueue(job({ idempotencyKey: 'same', priority: 5 }));
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ created: false, job: { id: first.job.id, priority: 0 } });
  });

  it('an expired lease makes the job due again and marks the attempt abandoned', async () => {
    bench = makeBench();
    const { job: queued } = await bench.store.queue.enqueue(job());
    await bench.store.queue.claim({ owner: 'dead-drain', now: T0, leaseMs: 10_000, limit: 1 });
    expect(await bench.store.queue.claim({ owner: 'b', now: T0 + 9_999, leaseMs: 10_000, limit: 1 })).toEqual([]);
    const [again] = await bench.store.queue.claim({ owner: 'b', now: T0 + 10_000, leaseMs: 10_000, limit: 1 });
    expect(again).toMatchObject({ id: queued.id, attempts: 2, abandonedOwner: 'dead-drain', idempotencyKey: queued.idempotencyKey });
    const attempts = await bench.store.queue.attempts(queued.id);
    expect(attempts.map((a) => [a.attempt, a.owner, a.outcome])).toEqual([
      [1, 'dead-drain', 'abandoned'],
      [2, 'b', null],
    ]);
  });

  it("recovers the leases of a holder known to be dead without waiting for expiry", async () => {
    bench = makeBench();
    await bench.store.queue.enqueue(job());
    await bench.store.queue.claim({ owner: 'gone', now: T0, leaseMs: 600_000, limit: 1 });
    expect(await bench.store.queue.leaseOwners()).toEqual(['gone']);
    const [again] = await bench.store.queue.claim({ owner: 'b', now: T0 + 1, leaseMs: 10_000, limit: 1, deadOwners: ['gone'] });
    expect(again?.abandonedOwner).toBe('gone');
  });

  it('settles only under the lease holder; release gives the attempt back', async () => {
    bench = makeBench();
    const { job: queued } = await bench.store.queue.enqueue(job());
    await bench.store.queue.claim({ owner: 'a', now: T0, leaseMs: 10_000, limit: 1 });
    expect(await bench.store.queue.settle(queued.id, 'intruder', T0, { status: 'succeeded', result: null, logId: null })).toBe(false);
    expect(await bench.store.queue.settle(queued.id, 'a', T0 + 5, { status: 'released', runAt: T0 + 1_000 })).toBe(true);
    expect(await bench.store.queue.get(queued.id)).toMatchObject({ status: 'pending', attempts: 0, runAt: T0 + 1_000, leaseOwner: null });
    expect(await bench.store.queue.attempts(queued.id)).toEqual([]);

    await bench.store.queue.claim({ owner: 'a', now: T0 + 1_000, leaseMs: 10_000, limit: 1 });
    await bench.store.queue.settle(queued.id, 'a', T0 + 1_200, { status: 'retry', runAt: T0 + 9_000, error: { category: 'SERVER_ERROR', message: '503' }, logId: 7 });
    expect(await bench.store.queue.get(queued.id)).toMatchObject({ status: 'pending', attempts: 1, runAt: T0 + 9_000, lastErrorCategory: 'SERVER_ERROR', logId: 7 });
    await bench.store.queue.claim({ owner: 'a', now: T0 + 9_000, leaseMs: 10_000, limit: 1 });
    await bench.store.queue.settle(queued.id, 'a', T0 + 9_100, { status: 'succeeded', result: '{"id":"c1"}', logId: 8 });
    expect(await bench.store.queue.get(queued.id)).toMatchObject({ status: 'succeeded', attempts: 2, result: '{"id":"c1"}', lastError: null, finishedAt: T0 + 9_100 });
    expect((await bench.store.queue.attempts(queued.id)).map((a) => a.outcome)).toEqual(['retry', 'succeeded']);
  });

  it('renews only the leases the owner still holds', async () => {
    bench = makeBench();
    const a = (await bench.store.queue.enqueue(job({}, 1))).job;
    const b = (await bench.store.queue.enqueue(job({}, 2))).job;
    await bench.store.queue.claim({ owner: 'x', now: T0, leaseMs: 1_000, limit: 1 });
    await bench.store.queue.claim({ owner: 'y', now: T0, leaseMs: 1_000, limit: 1 });
    expect(await bench.store.queue.renew([a.id, b.id], 'x', T0 + 50_000, T0 + 500)).toBe(1);
    expect((await bench.store.queue.get(a.id))?.leaseUntil).toBe(T0 + 50_000);
    expect((await bench.store.queue.get(b.id))?.leaseUntil).toBe(T0 + 1_000);
  });

  it('retries dead and cancelled jobs only, cancels only pending ones, purges by age', async () => {
    bench = makeBench();
    const q = bench.store.queue;
    const dead = (await q.enqueue(job({}, 1))).job;
    const pending = (await q.enqueue(job({}, 2))).job;
    await q.claim({ owner: 'a', now: T0, leaseMs: 10_000, limit: 1 });
    await q.settle(dead.id, 'a', T0 + 10, { status: 'dead', error: { category: 'INVALID_REQUEST', message: 'bad card' }, logId: null });

    expect(await q.cancel(dead.id, T0)).toEqual({ ok: false, reason: `job ${dead.id} is dead; only pending jobs can be cancelled` });
    expect(await q.cancel(pending.id, T0 + 20)).toEqual({ ok: true });
    const { retried, refused } = await q.retry([dead.id, pending.id, 999], T0 + 30);
    expect(retried).toEqual([dead.id, pending.id]);
    expect(refused).toEqual([{ id: 999, reason: 'no such job' }]);
    expect(await q.get(dead.id)).toMatchObject({ status: 'pending', attempts: 0, runAt: T0 + 30 });
    expect((await q.retry([dead.id], T0 + 40)).refused[0]?.reason).toMatch(/pending/);

    await q.cancel(dead.id, T0 + 50);
    // What `queue purge` asks about is exactly what it then deletes.
    expect(await q.countPurgeable('cancelled', T0 + 50)).toBe(0);
    expect(await q.purge('cancelled', T0 + 50)).toBe(0);
    expect(await q.countPurgeable('dead', T0 + 51)).toBe(0);
    expect(await q.countPurgeable('cancelled', T0 + 51)).toBe(1);
    expect(await q.purge('cancelled', T0 + 51)).toBe(1);
    expect(await q.get(dead.id)).toBeUndefined();
  });

  it('counts by status and integration with the age of the oldest due job', async () => {
    bench = makeBench();
    await bench.store.queue.enqueue(job({ runAt: T0 - 60_000 }, 1));
    await bench.store.queue.enqueue(job({ runAt: T0 + 60_000 }, 2));
    await bench.store.queue.enqueue(job({ integration: 'sms', runAt: T0 - 1_000 }, 3));
    const stats = await bench.store.queue.stats(T0);
    expect(stats.byStatus.pending).toBe(3);
    expect(stats.due).toBe(2);
    expect(stats.oldestDueRunAt).toBe(T0 - 60_000);
    expect(stats.byIntegration).toEqual([
      { integration: 'pay', status: 'pending', count: 2 },
      { integration: 'sms', status: 'pending', count: 1 },
    ]);
  });

  it('claims with the due index rather than a scan', () => {
    bench = makeBench();
    const plan = bench.store.db
      .prepare(`EXPLAIN QUERY PLAN SELECT * FROM queue_jobs WHERE status = 'pending' AND run_at <= 1 ORDER BY priority DESC, run_at, id LIMIT 5`)
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING INDEX queue_jobs_due/);
  });
});
