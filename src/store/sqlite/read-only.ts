import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { StoreError } from '../errors.js';
import { currentUser, existsSync, walFiles } from './access.js';
import { enableUriFilenames, openDatabase, openFailure, type SqliteOptions } from './database.js';
import { PRIVATE_FILES, tightenedWarning, tightenStore } from './file-modes.js';
import { loadMigrations } from './migrate.js';

/** The connection a store reads through right now; a read-only one may be replaced between calls. */
export interface DatabaseSource {
  current(): Database.Database;
  close(): void;
  /** The store's schema is older than this build's: reads that need what is missing fail as STORE_TOO_OLD. */
  readonly behind?: { at: number; expected: number };
}

export function fixedSource(db: Database.Database): DatabaseSource {
  return {
    current: () => db,
    close: () => {
      if (db.open) db.close();
    },
  };
}

/**
 * Opens a store for reading only: never creates, migrates or writes it, so
 * it works for a user who may read the store but not write it (a
 * monitoring agent, an on-call engineer).
 *
 * - A missing store reads as an empty one (an in-memory store with the
 *   schema, refusing writes) and is not created.
 * - WAL readers need the -shm file. When another process has the store open
 *   it exists, and SQLite reads through it even if we may not write it.
 *   When none has, SQLite would have to create it, which a user who may not
 *   write the folder cannot; then the store file alone holds every commit
 *   (the last writer to close checkpointed the WAL into it), so it is read
 *   as an immutable snapshot, taken again whenever the file changes, until a
 *   writer's -shm appears and the live connection takes over (`logs tail
 *   -f` keeps seeing new rows). A writer that starts meanwhile commits to
 *   its WAL, not to the file, so a read in progress is not disturbed unless
 *   that writer checkpoints during it; the next call sees its -shm and
 *   reads live.
 * - A schema newer than this build is refused (STORE_TOO_NEW), as for
 *   writers; an older one is read as it is, and only what it lacks fails.
 */
export function openReadOnlySource(path: string, options: SqliteOptions = {}): DatabaseSource {
  if (path === ':memory:') return fixedSource(openDatabase(path, options));
  if (!existsSync(path)) {
    const empty = openDatabase(':memory:');
    empty.pragma('query_only = ON');
    return fixedSource(empty);
  }
  // The owner reading its own store tightens it as a writer would; another user's files are left as they are.
  const files = options.files ?? PRIVATE_FILES;
  const wider = tightenStore(path, files);
  if (wider.length) options.onWarning?.(tightenedWarning(path, wider, files));
  enableUriFilenames();
  const expected = loadMigrations().at(-1)?.version ?? 0;
  const opened: Database.Database[] = [];
  let behind: { at: number; expected: number } | undefined;
  const checked = (db: Database.Database): Database.Database => {
    const at = schemaVersion(db);
    if (at > expected) {
      db.close();
      throw new StoreError('STORE_TOO_NEW', `store ${path} is at schema version ${at} but this integrations build knows only up to ${expected}; upgrade integrations`);
    }
    behind = at < expected ? { at, expected } : undefined;
    opened.push(db);
    return db;
  };

  let db: Database.Database;
  let live = true;
  let stamp = '';
  try {
    db = checked(openLive(path, options));
  } catch (err) {
    if (!mayReadSnapshot(path, err)) throw openFailure(err, path, 'read');
    live = false;
    stamp = fileStamp(path);
    db = checked(openSnapshot(path));
  }

  return {
    get behind() {
      return behind;
    },
    current() {
      if (live) return db;
      if (existsSync(walFiles(path).shm)) {
        try {
          db = checked(openLive(path, options));
          live = true;
          return db;
        } catch {
          // The -shm may be half made or unreadable to us: keep reading snapshots.
        }
      }
      const now = fileStamp(path);
      if (now !== stamp) {
        db = checked(openSnapshot(path));
        stamp = now;
      }
      return db;
    },
    close() {
      // Earlier snapshots may still back an iteration in progress, so all of them stay open until the store closes.
      for (const each of opened.splice(0)) if (each.open) each.close();
    },
  };
}

function openLive(path: string, options: SqliteOptions): Database.Database {
  const db = new Database(path, { readonly: true, fileMustExist: true, timeout: options.busyTimeoutMs ?? 5000 });
  try {
    // Opening is lazy: the first read is where SQLite meets the WAL files.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function openSnapshot(path: string): Database.Database {
  try {
    const db = new Database(`${pathToFileURL(path).href}?immutable=1`, { readonly: true, fileMustExist: true });
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return db;
  } catch (err) {
    const failure = openFailure(err, path, 'read');
    if (failure instanceof StoreError && failure.code !== 'STORE_UNAVAILABLE') throw failure;
    const { shm } = walFiles(path);
    throw new StoreError(
      'STORE_PERMISSION_DENIED',
      `store ${path} cannot be read by ${currentUser()}: no process has it open, and reading it needs ${shm}, which only a user who may write folder ${dirname(path)} can create`,
      { cause: err },
    );
  }
}

/** A snapshot is complete only when no WAL holds commits that are not in the file yet. */
function mayReadSnapshot(path: string, err: unknown): boolean {
  const code = (err as { code?: string })?.code ?? '';
  if (!code.startsWith('SQLITE_READONLY') && code !== 'SQLITE_CANTOPEN') return false;
  const { wal, shm } = walFiles(path);
  if (existsSync(shm)) return false;
  try {
    return statSync(wal).size === 0;
  } catch (walErr) {
    return (walErr as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

function fileStamp(path: string): string {
  try {
    const s = statSync(path);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch {
    return '';
  }
}

function schemaVersion(db: Database.Database): number {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!table) return 0;
  return (db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
}
