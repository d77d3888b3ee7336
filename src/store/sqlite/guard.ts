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
    throw mapSqliteError(err, db.name);
  }
}
