import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import type { OperationLogInput } from '../../src/store/types.js';

let dir: string;
let store: SqliteStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'integrations-logs-'));
  // NORMAL: thousands of fixture rows without an fsync each; durability is not what these tests prove.
  store = SqliteStore.open(join(dir, 'logs.db'), { synchronous: 'NORMAL' });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function entry(over: Partial<OperationLogInput> = {}): OperationLogInput {
  return {
    time: 1_000,
    integration: 'acme',
    adapter: 'mock',
    operation: 'charge',
    tenant: null,
    idempotencyKey: 'k',
    correlationId: 'c',
    status: 'ok',
    errorCategory: null,
    errorMessage: null,
    attempts: 1,
    durationMs: 3,
    request: '{"amount":1}',
    response: '{"id":"ch_1"}',
    ...over,
  };
}

describe('operation logs', () => {
  it('stores and returns a row as written', async () => {
    const id = await store.logs.append(entry({ tenant: 't', status: 'failed', errorCategory: 'TIMEOUT', errorMessage: 'slow', response: null }));
    expect(await store.logs.get(id)).toEqual({ id, ...entry({ tenant: 't', status: 'failed', errorCategory: 'TIMEOUT', errorMessage: 'slow', response: null }) });
    expect(await store.logs.get(id + 1)).toBeUndefined();
  });

  it('refuses to update a row: logs are immutable', async () => {
    const id = await store.logs.append(entry());
    expect(() => store.db.prepare("UPDATE operation_logs SET status = 'failed' WHERE id = ?").run(id)).toThrow(/immutable/);
    expect((await store.logs.get(id))?.status).toBe('ok');
  });

  it('survives closing and reopening the store', async () => {
    const id = await store.logs.append(entry({ correlationId: 'durable' }));
    await store.close();
    store = SqliteStore.open(join(dir, 'logs.db'));
    expect((await store.logs.get(id))?.correlationId).toBe('durable');
  });

  it('filters by integration, status, time window and id, in either order', async () => {
    await store.logs.append(entry({ time: 100 }));
    await store.logs.append(entry({ time: 200, status: 'failed', errorCategory: 'SERVER_ERROR' }));
    await store.logs.append(entry({ time: 300, integration: 'other' }));
    const id4 = await store.logs.append(entry({ time: 400 }));
    const times = async (f: Parameters<typeof store.logs.query>[0]) => (await store.logs.query(f)).map((r) => r.time);
    expect(await times({ integration: 'acme' })).toEqual([100, 200, 400]);
    expect(await times({ status: 'failed' })).toEqual([200]);
    expect(await times({ sinceMs: 200, untilMs: 400 })).toEqual([200, 300]);
    expect(await times({ afterId: id4 - 2 })).toEqual([300, 400]);
    expect(await times({ order: 'desc', limit: 2 })).toEqual([400, 300]);
    expect(await store.logs.count({ integration: 'acme', status: 'ok' })).toBe(2);
  });

  it('prunes rows older than a cut-off', async () => {
    await store.logs.append(entry({ time: 100 }));
    await store.logs.append(entry({ time: 200 }));
    expect(await store.logs.prune(150)).toBe(1);
    expect((await store.logs.query({})).map((r) => r.time)).toEqual([200]);
  });

  it('knows each integration\'s last success and last failure', async () => {
    await store.logs.append(entry({ time: 100 }));
    await store.logs.append(entry({ time: 200, status: 'failed', errorCategory: 'TIMEOUT', errorMessage: 'first' }));
    await store.logs.append(entry({ time: 300, status: 'failed', errorCategory: 'TIMEOUT', errorMessage: 'latest' }));
    await store.logs.append(entry({ time: 50, integration: 'quiet' }));
    const outcomes = await store.logs.outcomes();
    expect(outcomes.sort((a, b) => a.integration.localeCompare(b.integration))).toEqual([
      { integration: 'acme', lastSuccess: 100, lastFailure: 300, lastError: 'latest' },
      { integration: 'quiet', lastSuccess: 50, lastFailure: null, lastError: null },
    ]);
  });
});

describe('iterate()', () => {
  const insertMany = (n: number, over: Partial<OperationLogInput> = {}) => {
    const insert = store.db.prepare(
      `INSERT INTO operation_logs (time, integration, adapter, operation, tenant, idempotency_key, correlation_id, status, attempts, duration_ms, request)
       VALUES (?, ?, 'mock', 'echo', NULL, 'k', 'c', ?, 1, 0, '{}')`,
    );
    store.db.transaction(() => {
      for (let i = 0; i < n; i++) insert.run(i, over.integration ?? 'acme', i % 2 ? 'failed' : 'ok');
    })();
  };

  it('streams every matching row in id order, a page at a time', async () => {
    insertMany(2_500);
    const query = vi.spyOn(store.logs, 'query');
    const seen: number[] = [];
    for await (const row of store.logs.iterate({})) {
      seen.push(row.id);
      // Only the page being read is fetched: after the first row, one query has run.
      if (seen.length === 1) expect(query).toHaveBeenCalledTimes(1);
    }
    expect(seen).toHaveLength(2_500);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(query.mock.calls.map(([f]) => f.limit)).toEqual([1_000, 1_000, 1_000]);
  });

  it('does not hold the result set: rows written during the export are reached in later pages', async () => {
    insertMany(1_500);
    let count = 0;
    for await (const _row of store.logs.iterate({})) {
      if (++count === 10) await store.logs.append(entry({ integration: 'late' }));
    }
    expect(count).toBe(1_501);
  });

  it('applies filters and a limit across pages', async () => {
    insertMany(2_200);
    let failed = 0;
    for await (const row of store.logs.iterate({ status: 'failed' })) {
      expect(row.status).toBe('failed');
      failed++;
    }
    expect(failed).toBe(1_100);
    let limited = 0;
    for await (const _row of store.logs.iterate({ limit: 1_234 })) limited++;
    expect(limited).toBe(1_234);
  });
});
