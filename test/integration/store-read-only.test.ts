import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/errors.js';
import { openStore } from '../../src/store/open-store.js';
import { loadMigrations, migrate } from '../../src/store/sqlite/migrate.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { logRow } from '../support/log-row.js';

let dir: string;
const open: { close(): unknown }[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'integrations-read-only-'));
});
afterEach(async () => {
  for (const handle of open.splice(0)) await handle.close();
  rmSync(dir, { recursive: true, force: true });
});

const row = logRow();

async function rejectionOf(work: () => Promise<unknown>): Promise<StoreError> {
  const err = await Promise.resolve()
    .then(work)
    .then(
    () => undefined,
    (e: unknown) => e,
  );
  if (err instanceof StoreError) return err;
  throw new Error(`expected a StoreError, got ${String(err)}`);
}

function track<T extends { close(): unknown }>(handle: T): T {
  open.push(handle);
  return handle;
}

describe('a store opened read-only', () => {
  it('reads what a writer wrote, and refuses writes as a StoreError', async () => {
    const path = join(dir, 'store.db');
    const writer = track(SqliteStore.open(path));
    await writer.logs.append(row);
    const reader = track(await openStore({ path, readOnly: true }));
    expect((await reader.logs.query({})).map((r) => r.operation)).toEqual(['echo']);
    // A row appended after the reader opened is seen by its next read.
    await writer.logs.append({ ...row, operation: 'later' });
    expect((await reader.logs.query({ order: 'asc' })).map((r) => r.operation)).toEqual(['echo', 'later']);
    const refused = await rejectionOf(() => reader.logs.append(row));
    expect(refused.code).toBe('STORE_UNAVAILABLE');
    expect(refused.message).toContain(path);
  });

  it('a missing store reads as empty and is not created, nor its folder', async () => {
    const path = join(dir, 'not', 'yet', 'store.db');
    const reader = track(await openStore({ path, readOnly: true }));
    expect(reader.location).toBe(path);
    expect(await reader.logs.query({})).toEqual([]);
    expect(await reader.queue.list({})).toEqual([]);
    expect(await reader.webhooks.list({})).toEqual([]);
    expect((await rejectionOf(() => reader.logs.append(row))).code).toBe('STORE_UNAVAILABLE');
    expect(existsSync(join(dir, 'not'))).toBe(false);
  });

  it('never migrates: an older store is read as it is, and only what it lacks fails as STORE_TOO_OLD', async () => {
    const path = join(dir, 'old.db');
    const old = new Database(path);
    old.pragma('journal_mode = WAL');
    migrate(old, path, loadMigrations().slice(0, 2));
    old.close();
    const before = statSync(path).mtimeMs;

    const reader = track(await openStore({ path, readOnly: true }));
    expect(await reader.logs.query({})).toEqual([]);
    expect(await reader.queue.list({})).toEqual([]);
    const lacking = await rejectionOf(() => reader.webhooks.list({}));
    expect(lacking.code).toBe('STORE_TOO_OLD');
    expect(lacking.message).toMatch(/is at schema version 2, older than this build's \d+, and this command only reads it; a command that writes \(run, queue drain, daemon\) upgrades it/);
    await reader.close();

    const check = new Database(path, { readonly: true });
    expect((check.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number }).v).toBe(2);
    check.close();
    expect(statSync(path).mtimeMs).toBe(before);
  });

  it('refuses a store newer than this build, as writers do', async () => {
    const path = join(dir, 'new.db');
    const store = SqliteStore.open(path);
    store.db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, '999_future', 0)").run();
    await store.close();
    const err = await rejectionOf(() => openStore({ path, readOnly: true }));
    expect(err.code).toBe('STORE_TOO_NEW');
  });

  it('a corrupt file is STORE_CORRUPT, not a crash', async () => {
    const path = join(dir, 'garbage.db');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path, 'not a database\n'.repeat(500));
    expect((await rejectionOf(() => openStore({ path, readOnly: true }))).code).toBe('STORE_CORRUPT');
  });

  it('leaves no file behind in a folder it could write', async () => {
    const path = join(dir, 'quiet.db');
    track(SqliteStore.open(path)).close();
    const reader = track(await openStore({ path, readOnly: true }));
    await reader.logs.query({});
    await reader.close();
    expect(readdirSync(dir).filter((f) => !f.endsWith('-wal') && !f.endsWith('-shm'))).toEqual(['quiet.db']);
  });
});

describe('every repository failure leaves the store as a StoreError', () => {
  it('queue writes on a locked store are STORE_LOCKED (they were raw SQLite errors)', async () => {
    const path = join(dir, 'busy.db');
    const store = track(SqliteStore.open(path, { busyTimeoutMs: 0 }));
    const other = new Database(path);
    other.prepare('BEGIN IMMEDIATE').run();
    track({ close: () => other.close() });
    const input = { integration: 'i', operation: 'o', payload: '{}', tenant: null, idempotencyKey: 'k', correlationId: null, origin: 'enqueue' as const, priority: 0, runAt: 0, maxAttempts: 3, now: 0 };
    expect((await rejectionOf(() => store.queue.enqueue(input))).code).toBe('STORE_LOCKED');
    expect((await rejectionOf(() => store.queue.claim({ owner: 'me', now: 0, leaseMs: 1000, limit: 1 }))).code).toBe('STORE_LOCKED');
    expect((await rejectionOf(() => store.circuits.update('i', () => null as never))).code).toBe('STORE_LOCKED');
    other.prepare('ROLLBACK').run();
    expect((await store.queue.enqueue(input)).created).toBe(true);
  });
});
