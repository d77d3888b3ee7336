import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { mapSqliteError } from '../errors.js';

/**
 * Runs one statement (or transaction) and turns SQLite's failures into
 * StoreErrors, so a writer that outlasts the busy timeout reaches the user
 * as STORE_LOCKED rather than a raw SQLITE_BUSY.
 */
export function guarded<T>(db: Database.Database, work: () => T): T {
  try {
    return work();
  } catch (err) {
    throw mapSqliteError(err, storePath(db));
  }
}

/** The store's path, also for a read-only snapshot opened as `file:…?immutable=1`. */
function storePath(db: Database.Database): string {
  return db.name.startsWith('file:') ? fileURLToPath(db.name.replace(/\?.*$/, '')) : db.name;
}
