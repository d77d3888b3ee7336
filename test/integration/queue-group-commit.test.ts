import { statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/errors.js';
import type { EnqueueInput } from '../../src/store/queue-types.js';
import { groupCommit } from '../../src/store/sqlite/group-commit.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { makeBench, type Bench } from './queue-fixture.js';

let bench: Bench;
afterEach(async () => bench?.close());

const T0 = Date.UTC(2026, 0, 1);
const job = (n: number, priority = 0): EnqueueInput => ({
  integration: 'pay', operation: 'charge', payload: '{}', tenant: null, idempotencyKey: `k-${n}`, correlationId: null,
  origin: 'enqueue', priority, runAt: T0, maxAttempts: 3, now: T0,
});

describe('group commit for the drain', () => {
  it('commits writes issued together in one transaction, each visible to other processes once its promise resolves', async () => {
    bench = makeBench();
    // Without checkpoints the WAL only grows: its growth shows how many commits were written.
    bench.store.db.pragma('wal_autocheckpoint = 0');
    const walSize = () => statSync(`${bench.dbPath}-wal`).size;
    const other = bench.openAnother();

    let start = walSize();
    for (let i = 0; i < 20; i++) await bench.store.queue.enqueue(job(i));
    const oneByOne = walSize() - start;

    const grouped = groupCommit(bench.store);
    start = walSize();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => grouped.queue.enqueue(job(100 + i))));
    const together = walSize() - start;

    expect(results.every((r) => r.created)).toBe(true);
    expect(await other.queue.countDue(T0)).toBe(40);
    expect(together * 4).toBeLessThan(oneByOne);
  });

  it('a failing write rejects only its own caller; the rest of the batch commits', async () => {
    bench = makeBench();
    const grouped = groupCommit(bench.store);
    const outcomes = await Promise.allSettled([grouped.queue.enqueue(job(1)), grouped.queue.enqueue(job(2, 11)), grouped.queue.enqueue(job(3))]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await bench.openAnother().queue.countDue(T0)).toBe(2);
  });

  it('keeps claims atomic: a batch of claims never hands one job out twice', async () => {
    bench = makeBench();
    for (let i = 0; i < 30; i++) await bench.store.queue.enqueue(job(i));
    const grouped = groupCommit(bench.store);
    const batches = await Promise.all(Array.from({ length: 6 }, (_, i) => grouped.queue.claim({ owner: `o${i}`, now: T0, leaseMs: 1_000, limit: 7 })));
    const ids = batches.flat().map((j) => j.id);
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
  });

  it('a store locked past the busy timeout fails every write of the batch as STORE_LOCKED', async () => {
    bench = makeBench();
    const impatient = SqliteStore.open(bench.dbPath, { busyTimeoutMs: 30 });
    const locker = bench.openAnother();
    locker.db.prepare('BEGIN IMMEDIATE').run();
    try {
      const grouped = groupCommit(impatient);
      const outcomes = await Promise.allSettled([grouped.queue.enqueue(job(1)), grouped.logs.append({ time: T0, integration: 'pay', adapter: 'x', operation: 'y', tenant: null, idempotencyKey: 'k', correlationId: 'c', status: 'ok', errorCategory: null, errorMessage: null, attempts: 1, durationMs: 1, request: '{}', response: null })]);
      for (const o of outcomes) {
        expect(o.status).toBe('rejected');
        expect((o as PromiseRejectedResult).reason).toBeInstanceOf(StoreError);
      }
    } finally {
      locker.db.prepare('ROLLBACK').run();
      await impatient.close();
    }
  });
});
