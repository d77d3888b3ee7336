import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/errors.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { logRow } from '../support/log-row.js';

let dir: string;
const open: { close(): unknown }[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'integrations-store-errors-'));
});
afterEach(() => {
  for (const handle of open.splice(0)) handle.close();
  rmSync(dir, { recursive: true, force: true });
});

function storeErrorOf(work: () => unknown): StoreError {
  try {
    work();
  } catch (err) {
    if (err instanceof StoreError) return err;
    throw err;
  }
  throw new Error('expected a StoreError');
}

async function rejectionOf(work: () => Promise<unknown>): Promise<StoreError> {
  const err = await work().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (err instanceof StoreError) return err;
  throw new Error(`expected a StoreError, got ${String(err)}`);
}

/** Another process's connection holding the write lock. */
function holdWriteLock(path: string): Database.Database {
  const other = new Database(path);
  other.pragma('journal_mode = WAL');
  other.prepare('BEGIN IMMEDIATE').run();
  open.push({ close: () => other.close() });
  return other;
}

const row = logRow();

describe('store failures an operator can act on', () => {
  it('STORE_CORRUPT for a file that is not a database', () => {
    const path = join(dir, 'garbage.db');
    writeFileSync(path, 'this is not a database, it is a shopping list\n'.repeat(200));
    const err = storeErrorOf(() => SqliteStore.open(path));
    expect(err.code).toBe('STORE_CORRUPT');
    expect(err.message).toContain(path);
  });

  it('STORE_LOCKED when a new store cannot be created because another writer holds the lock', () => {
    const path = join(dir, 'new.db');
    holdWriteLock(path);
    const err = storeErrorOf(() => SqliteStore.open(path, { busyTimeoutMs: 0 }));
    expect(err.code).toBe('STORE_LOCKED');
    expect(err.message).toMatch(/locked by another process/);
  });

  it('STORE_LOCKED from every write while another writer outlasts the busy timeout, and recovery after', async () => {
    const path = join(dir, 'busy.db');
    const store = SqliteStore.open(path, { busyTimeoutMs: 0 });
    open.push({ close: () => store.db.close() });
    const other = holdWriteLock(path);

    expect((await rejectionOf(() => store.logs.append(row))).code).toBe('STORE_LOCKED');
    expect((await rejectionOf(() => store.idempotency.claim({ key: 'k', integration: 'i', operation: 'o', owner: 'me', now: 0, staleAt: 10, expiresAt: 100 }))).code).toBe('STORE_LOCKED');
    expect((await rejectionOf(() => store.kv.set('s', 'k', '1', null))).code).toBe('STORE_LOCKED');
    expect((await rejectionOf(() => store.ping())).code).toBe('STORE_LOCKED');

    other.prepare('ROLLBACK').run();
    expect(await store.logs.append(row)).toBeGreaterThan(0);
    await store.ping();
  });

  it('reads keep working while another process writes (WAL)', async () => {
    const path = join(dir, 'wal.db');
    const store = SqliteStore.open(path, { busyTimeoutMs: 0 });
    open.push({ close: () => store.db.close() });
    const id = await store.logs.append(row);
    holdWriteLock(path);
    expect((await store.logs.get(id))?.operation).toBe('echo');
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
  });
});
