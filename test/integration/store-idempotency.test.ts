import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/store.js';

let dir: string;
let store: SqliteStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'integrations-idem-'));
  store = SqliteStore.open(join(dir, 'idem.db'));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const claim = (owner: string, now: number, over: { staleAt?: number; expiresAt?: number; key?: string } = {}) =>
  store.idempotency.claim({ key: over.key ?? 'k', integration: 'acme', operation: 'charge', owner, now, staleAt: over.staleAt ?? now + 100, expiresAt: over.expiresAt ?? now + 1_000 });

describe('idempotency keys', () => {
  it('claims a new key once; a second claimant sees the first', async () => {
    expect(await claim('a', 0)).toEqual({ outcome: 'claimed' });
    const second = await claim('b', 10);
    expect(second).toMatchObject({ outcome: 'exists', record: { owner: 'a', state: 'in_flight', claimedAt: 0, staleAt: 100 } });
  });

  it('lets another owner take over an in-flight claim at its staleAt, not before', async () => {
    await claim('a', 0);
    expect((await claim('b', 99)).outcome).toBe('exists');
    expect(await claim('b', 100)).toEqual({ outcome: 'taken-over', previousOwner: 'a' });
    // The old owner, if it was alive after all, can no longer settle the key.
    await store.idempotency.settle({ key: 'k', owner: 'a', state: 'completed', result: '"late"', logId: 1, expiresAt: 1_000 });
    expect(await store.idempotency.get('k')).toMatchObject({ owner: 'b', state: 'in_flight', result: null });
  });

  it('never takes over a completed or unknown key before it expires', async () => {
    await claim('a', 0);
    await store.idempotency.settle({ key: 'k', owner: 'a', state: 'completed', result: '{"id":1}', logId: 7, expiresAt: 1_000 });
    expect(await claim('b', 500)).toMatchObject({ outcome: 'exists', record: { state: 'completed', result: '{"id":1}', logId: 7 } });
    await claim('x', 0, { key: 'u' });
    await store.idempotency.settle({ key: 'u', owner: 'x', state: 'unknown', result: null, logId: 8, expiresAt: 1_000 });
    expect(await claim('y', 999, { key: 'u' })).toMatchObject({ outcome: 'exists', record: { state: 'unknown' } });
  });

  it('claims an expired key afresh', async () => {
    await claim('a', 0);
    await store.idempotency.settle({ key: 'k', owner: 'a', state: 'completed', result: '1', logId: 1, expiresAt: 1_000 });
    expect(await claim('b', 1_000)).toEqual({ outcome: 'claimed' });
    expect(await store.idempotency.get('k')).toMatchObject({ owner: 'b', state: 'in_flight', result: null, logId: null });
  });

  it('releases only its own in-flight claim', async () => {
    await claim('a', 0);
    await store.idempotency.release('k', 'b');
    expect(await store.idempotency.get('k')).toBeDefined();
    await store.idempotency.release('k', 'a');
    expect(await store.idempotency.get('k')).toBeUndefined();
  });

  it('purges expired keys', async () => {
    await claim('a', 0, { key: 'old', expiresAt: 10 });
    await claim('a', 0, { key: 'new', expiresAt: 1_000 });
    expect(await store.idempotency.purgeExpired(10)).toBe(1);
    expect(await store.idempotency.get('old')).toBeUndefined();
    expect(await store.idempotency.get('new')).toBeDefined();
  });

  it('is shared between processes: a second connection sees the claim', async () => {
    await claim('a', 0);
    const other = SqliteStore.open(join(dir, 'idem.db'));
    expect((await other.idempotency.claim({ key: 'k', integration: 'acme', operation: 'charge', owner: 'b', now: 1, staleAt: 50, expiresAt: 500 })).outcome).toBe('exists');
    await other.close();
  });
});

describe('scoped key-value cache', () => {
  it('keeps values per scope until they expire or are deleted', async () => {
    await store.kv.set('one', 'token', '"abc"', 100);
    await store.kv.set('two', 'token', '"xyz"', null);
    expect(await store.kv.get('one', 'token', 99)).toBe('"abc"');
    expect(await store.kv.get('one', 'token', 100)).toBeUndefined();
    expect(await store.kv.get('two', 'token', 1e15)).toBe('"xyz"');
    await store.kv.set('two', 'token', '"new"', null);
    expect(await store.kv.get('two', 'token', 0)).toBe('"new"');
    await store.kv.delete('two', 'token');
    expect(await store.kv.get('two', 'token', 0)).toBeUndefined();
  });
});
