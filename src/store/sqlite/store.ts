import type Database from 'better-sqlite3';
import { StoreError, mapSqliteError } from '../errors.js';
import type { Store } from '../types.js';
import { openDatabase, type SqliteOptions } from './database.js';
import { SqliteIdempotency } from './idempotency.js';
import { SqliteKv } from './kv.js';
import { SqliteOperationLogs } from './logs.js';
import { SqliteEvents } from './events.js';
import { SqliteWebhooks } from './webhooks.js';
import { SqliteQueue } from './queue.js';
import { SqliteCircuits } from './circuits.js';
import { SqliteRateLimits } from './rate-limits.js';
import { SqliteOutbound } from './outbound.js';
import { fixedSource, openReadOnlySource, type DatabaseSource } from './read-only.js';
import { withStoreFailures } from './store-failures.js';

export interface SqliteStoreOptions extends SqliteOptions {
  /** Read only: never created, migrated or written (see read-only.ts). */
  readOnly?: boolean;
}

interface Repos {
  logs: SqliteOperationLogs;
  idempotency: SqliteIdempotency;
  kv: SqliteKv;
  webhooks: SqliteWebhooks;
  events: SqliteEvents;
  queue: SqliteQueue;
  circuits: SqliteCircuits;
  rateLimits: SqliteRateLimits;
  outbound: SqliteOutbound;
}

/** ping: a write lock busy for about half a second (another writer's transaction is far shorter) means unavailable. */
const PING_ATTEMPTS = 10;
const PING_RETRY_MS = 50;

/** The embedded default: one SQLite file in WAL mode, shared safely by many processes. */
export class SqliteStore implements Store {
  readonly backend = 'sqlite' as const;
  private readonly made = new WeakMap<Database.Database, Partial<Repos>>();

  private constructor(
    private readonly source: DatabaseSource,
    readonly location: string,
    readonly readOnly: boolean,
  ) {}

  get logs(): SqliteOperationLogs {
    return this.repo('logs', (db) => new SqliteOperationLogs(db));
  }
  get idempotency(): SqliteIdempotency {
    return this.repo('idempotency', (db) => new SqliteIdempotency(db));
  }
  get kv(): SqliteKv {
    return this.repo('kv', (db) => new SqliteKv(db));
  }
  get events(): SqliteEvents {
    return this.repo('events', (db) => new SqliteEvents(db));
  }
  get webhooks(): SqliteWebhooks {
    return this.repo('webhooks', (db) => new SqliteWebhooks(db, this.events));
  }
  get queue(): SqliteQueue {
    return this.repo('queue', (db) => new SqliteQueue(db));
  }
  get circuits(): SqliteCircuits {
    return this.repo('circuits', (db) => new SqliteCircuits(db));
  }
  get rateLimits(): SqliteRateLimits {
    return this.repo('rateLimits', (db) => new SqliteRateLimits(db));
  }
  get outbound(): SqliteOutbound {
    return this.repo('outbound', (db) => new SqliteOutbound(db));
  }

  /**
   * The repository on the connection in use, made when first asked for (so a
   * read-only store with an older schema fails only where it lacks
   * something); whatever SQLite throws from it leaves as a StoreError.
   */
  private repo<K extends keyof Repos>(name: K, make: (db: Database.Database) => Repos[K]): Repos[K] {
    try {
      const db = this.source.current();
      let repos = this.made.get(db);
      if (!repos) this.made.set(db, (repos = {}));
      return (repos[name] ??= withStoreFailures(make(db), (err) => this.failure(err)));
    } catch (err) {
      throw this.failure(err);
    }
  }

  /** The connection in use (a read-only store may move to a newer one between calls). */
  get db(): Database.Database {
    return this.source.current();
  }

  static open(path: string, options: SqliteStoreOptions = {}): SqliteStore {
    if (options.readOnly) return new SqliteStore(openReadOnlySource(path, options), path, true);
    return new SqliteStore(fixedSource(openDatabase(path, options)), path, false);
  }

  private failure(err: unknown): unknown {
    const behind = this.source.behind;
    if (behind && !(err instanceof StoreError) && /no such (table|column)|has no column named/.test((err as Error)?.message ?? '')) {
      return new StoreError(
        'STORE_TOO_OLD',
        `store ${this.location} is at schema version ${behind.at}, older than this build's ${behind.expected}, and this command only reads it; a command that writes (run, queue drain, daemon) upgrades it, run as a user who may write the store`,
        { cause: err },
      );
    }
    if (err instanceof StoreError) return err;
    const mapped = mapSqliteError(err, this.location);
    if (mapped !== err) return mapped;
    const code = (err as { code?: unknown })?.code;
    return typeof code === 'string' && code.startsWith('SQLITE_') ? new StoreError('STORE_UNAVAILABLE', `store ${this.location} failed: ${(err as Error).message}`, { cause: err }) : err;
  }

  /**
   * Can this process take the write lock? Asked without SQLite's busy wait,
   * which would hold the event loop (a daemon's /healthz with it) for the
   * whole busy timeout while another process writes: a busy lock is tried
   * again on a timer, a few times, before the store counts as unavailable.
   */
  async ping(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        this.tryWriteLock();
        return;
      } catch (err) {
        const error = mapSqliteError(err, this.location);
        if (!(error instanceof StoreError && error.code === 'STORE_LOCKED') || attempt >= PING_ATTEMPTS) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, PING_RETRY_MS));
    }
  }

  private tryWriteLock(): void {
    const timeout = this.db.pragma('busy_timeout', { simple: true }) as number;
    this.db.pragma('busy_timeout = 0');
    try {
      this.db.prepare('BEGIN IMMEDIATE').run();
      this.db.prepare('ROLLBACK').run();
    } finally {
      this.db.pragma(`busy_timeout = ${Number(timeout)}`);
    }
  }

  async close(): Promise<void> {
    this.source.close();
  }
}
