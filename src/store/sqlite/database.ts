import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { mapSqliteError } from '../errors.js';
import { migrate } from './migrate.js';

export interface SqliteOptions {
  /** How long a writer waits for another's lock before STORE_LOCKED. */
  busyTimeoutMs?: number;
  /**
   * FULL fsyncs the WAL on every commit, so what we acknowledged survives a
   * power cut; NORMAL is durable against process crashes only.
   */
  synchronous?: 'FULL' | 'NORMAL';
}

/** Opens (creating if needed) a SQLite store file, sets WAL and applies migrations. */
export function openDatabase(path: string, options: SqliteOptions = {}): Database.Database {
  let db: Database.Database | undefined;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { timeout: options.busyTimeoutMs ?? 5000 });
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    db.pragma('foreign_keys = ON');
    migrate(db, path);
    return db;
  } catch (err) {
    db?.close();
    throw mapSqliteError(err, path);
  }
}
