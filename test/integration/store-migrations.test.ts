import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/errors.js';
import { loadMigrations, migrate } from '../../src/store/sqlite/migrate.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'integrations-migrations-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const versions = (db: Database.Database) => (db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map((r) => r.version);
const tables = (db: Database.Database) => (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);

describe('SQLite migrations', () => {
  it('applies every migration to a new store and records each with its name', async () => {
    const store = SqliteStore.open(join(dir, 'new.db'));
    const real = loadMigrations();
    expect(real.length).toBeGreaterThan(0);
    expect(real[0]).toMatchObject({ version: 1, name: '001_core' });
    const rows = store.db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all() as { version: number; name: string; applied_at: number }[];
    expect(rows.map((r) => [r.version, r.name])).toEqual(real.map((m) => [m.version, m.name]));
    expect(tables(store.db)).toEqual(expect.arrayContaining(['operation_logs', 'idempotency_keys', 'kv', 'schema_migrations']));
    await store.close();
  });

  it('upgrades an older store (only 001 applied) and keeps its data', async () => {
    const path = join(dir, 'old.db');
    const old = new Database(path);
    migrate(old, path, loadMigrations().slice(0, 1));
    old.prepare("INSERT INTO kv (scope, key, value, expires_at) VALUES ('s', 'k', '\"kept\"', NULL)").run();
    expect(versions(old)).toEqual([1]);
    old.close();

    const store = SqliteStore.open(path);
    expect(versions(store.db)).toEqual(loadMigrations().map((m) => m.version));
    expect(await store.kv.get('s', 'k', 0)).toBe('"kept"');
    await store.close();
  });

  it('does nothing when opened again at the current version', () => {
    const path = join(dir, 'again.db');
    SqliteStore.open(path).db.close();
    const db = new Database(path);
    expect(migrate(db, path)).toEqual([]);
    db.close();
  });

  it('applies each migration atomically: a failing one leaves no trace and is not recorded', () => {
    const migrations = join(dir, 'migrations');
    mkdirSync(migrations);
    writeFileSync(join(migrations, '001_first.sql'), 'CREATE TABLE first (id INTEGER);');
    writeFileSync(join(migrations, '002_second.sql'), 'CREATE TABLE second (id INTEGER);\nINSERT INTO second VALUES (1);\nTHIS IS NOT SQL;');
    const path = join(dir, 'atomic.db');
    const db = new Database(path);
    expect(() => migrate(db, path, loadMigrations(migrations))).toThrow();
    expect(versions(db)).toEqual([1]);
    expect(tables(db)).toContain('first');
    expect(tables(db)).not.toContain('second');

    writeFileSync(join(migrations, '002_second.sql'), 'CREATE TABLE second (id INTEGER);');
    expect(migrate(db, path, loadMigrations(migrations))).toEqual([2]);
    expect(versions(db)).toEqual([1, 2]);
    db.close();
  });

  it('runs migrations in numeric order and ignores files that are not migrations', () => {
    const migrations = join(dir, 'ordered');
    mkdirSync(migrations);
    writeFileSync(join(migrations, '010_later.sql'), 'ALTER TABLE base ADD COLUMN extra TEXT;');
    writeFileSync(join(migrations, '002_base.sql'), 'CREATE TABLE base (id INTEGER);');
    writeFileSync(join(migrations, 'README.md'), 'not a migration');
    expect(loadMigrations(migrations).map((m) => m.name)).toEqual(['002_base', '010_later']);
    const db = new Database(':memory:');
    expect(migrate(db, ':memory:', loadMigrations(migrations))).toEqual([2, 10]);
    db.close();
  });

  it('refuses a store written by a newer build, saying what to do', () => {
    const path = join(dir, 'future.db');
    const store = SqliteStore.open(path);
    store.db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future', 0)").run();
    store.db.close();
    let thrown: unknown;
    try {
      SqliteStore.open(path);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(StoreError);
    expect((thrown as StoreError).code).toBe('STORE_TOO_NEW');
    expect((thrown as StoreError).message).toMatch(/schema version 9999.*upgrade integrations/);
  });
});
