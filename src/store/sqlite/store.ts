import type Database from 'better-sqlite3';
import { mapSqliteError, StoreError } from '../errors.js';
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

/** ping: a write lock busy for about half a second (another writer's transaction is far shorter) means unavailable. */
const PING_ATTEMPTS = 10;
const PING_RETRY_MS = 50;

/** The embedded default: one SQLite file in WAL mode, shared safely by many processes. */
export class SqliteStore implements Store {
  readonly backend = 'sqlite' as const;
  readonly logs: SqliteOperationLogs;
  readonly idempotency: SqliteIdempotency;
  readonly kv: SqliteKv;
  readonly webhooks: SqliteWebhooks;
  readonly events: SqliteEvents;
  readonly queue: SqliteQueue;
  readonly circuits: SqliteCircuits;
  readonly rateLimits: SqliteRateLimits;
  readonly outbound: SqliteOutbound;

  private constructor(
    readonly db: Database.Database,
    readonly location: string,
  ) {
    this.logs = new SqliteOperationLogs(db);
    this.idempotency = new SqliteIdempotency(db);
    this.kv = new SqliteKv(db);
    this.events = new SqliteEvents(db);
    this.webhooks = new SqliteWebhooks(db, this.events);
    this.queue = new SqliteQueue(db);
    this.circuits = new SqliteCircuits(db);
    this.rateLimits = new SqliteRateLimits(db);
    this.outbound = new SqliteOutbound(db);
  }

  static open(path: string, options: SqliteOptions = {}): SqliteStore {
    const db = openDatabase(path, options);
    try {
      return new SqliteStore(db, path);
    } catch (err) {
      db.close();
      throw mapSqliteError(err, path);
    }
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
    if (this.db.open) this.db.close();
  }
}
