import type Database from 'better-sqlite3';
import { mapSqliteError } from '../errors.js';
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

  async ping(): Promise<void> {
    try {
      this.db.prepare('BEGIN IMMEDIATE').run();
      this.db.prepare('ROLLBACK').run();
    } catch (err) {
      throw mapSqliteError(err, this.location);
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
