import Database from 'better-sqlite3';
import { StoreError, mapFileSystemError, mapSqliteError } from '../errors.js';
import { permissionError } from './access.js';
import { createStoreFile, createStoreFolder, PRIVATE_FILES, tightenedWarning, tightenStore, type StoreFileModes } from './file-modes.js';
import { migrate } from './migrate.js';

export interface SqliteOptions {
  /** How long a writer waits for another's lock before STORE_LOCKED. */
  busyTimeoutMs?: number;
  /**
   * FULL fsyncs the WAL on every commit, so what we acknowledged survives a
   * power cut; NORMAL is durable against process crashes only.
   */
  synchronous?: 'FULL' | 'NORMAL';
  /** Modes of the store's folder and files; default: its owner's only (0700 folder, 0600 files). */
  files?: StoreFileModes;
  /** Told once, on opening, that the store's files were open wider than `files` and have been set to it. */
  onWarning?: (message: string) => void;
}

/** Opens (creating if needed) a SQLite store file, sets WAL and applies migrations. */
export function openDatabase(path: string, options: SqliteOptions = {}): Database.Database {
  enableUriFilenames();
  let db: Database.Database | undefined;
  try {
    const files = options.files ?? PRIVATE_FILES;
    const onDisk = path !== ':memory:';
    if (onDisk) createStoreFolder(path, files);
    // SQLite quietly opens a file it may not write read-only; a writer must know now, not at its first write.
    const denied = onDisk ? permissionError(path, 'write', undefined) : undefined;
    if (denied) throw denied;
    const warn = (wider: string[]) => wider.length && options.onWarning?.(tightenedWarning(path, wider, files));
    // Said now: the modes have changed even if opening fails below (a store too new, a lock).
    if (onDisk) warn(tightenStore(path, files));
    if (onDisk) createStoreFile(path, files);
    db = new Database(path, { timeout: options.busyTimeoutMs ?? 5000 });
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    db.pragma('foreign_keys = ON');
    migrate(db, path);
    // The -wal and -shm exist now; as another user than root SQLite gives them our group, not the configured one.
    if (onDisk) warn(tightenStore(path, files));
    return db;
  } catch (err) {
    db?.close();
    throw openFailure(err, path, 'write');
  }
}

/**
 * Why a store could not be opened, as a StoreError: first whether this user
 * lacks a permission (named with the file), then SQLite's own reasons, then
 * the file system's.
 */
export function openFailure(err: unknown, path: string, want: 'read' | 'write'): unknown {
  if (err instanceof StoreError) return err;
  const denied = path === ':memory:' ? undefined : permissionError(path, want, err);
  if (denied) return denied;
  const mapped = mapSqliteError(err, path);
  return mapped === err ? mapFileSystemError(err, path) : mapped;
}

let uriEnabled = false;

/**
 * better-sqlite3 reads SQLITE_USE_URI once, when its native addon loads at
 * the first connection of the process; a reader that may not create the
 * store's -shm file needs a `file:…?immutable=1` name (read-only.ts). Plain
 * paths are unaffected: only names starting with `file:` are URIs, and
 * store paths are absolute.
 */
export function enableUriFilenames(): void {
  if (uriEnabled) return;
  uriEnabled = true;
  const before = process.env.SQLITE_USE_URI;
  process.env.SQLITE_USE_URI = '1';
  try {
    new Database(':memory:').close();
  } finally {
    if (before === undefined) delete process.env.SQLITE_USE_URI;
    else process.env.SQLITE_USE_URI = before;
  }
}
