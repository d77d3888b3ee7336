import type Database from 'better-sqlite3';
import type { KvRepo } from '../types.js';
import { guarded } from './guard.js';

export class SqliteKv implements KvRepo {
  private readonly selectStmt: Database.Statement;
  private readonly upsertStmt: Database.Statement;
  private readonly deleteStmt: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.selectStmt = db.prepare('SELECT value, expires_at FROM kv WHERE scope = ? AND key = ?');
    this.upsertStmt = db.prepare(
      'INSERT INTO kv (scope, key, value, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at',
    );
    this.deleteStmt = db.prepare('DELETE FROM kv WHERE scope = ? AND key = ?');
  }

  async get(scope: string, key: string, now: number): Promise<string | undefined> {
    const row = guarded(this.db, () => this.selectStmt.get(scope, key)) as { value: string; expires_at: number | null } | undefined;
    if (!row || (row.expires_at !== null && row.expires_at <= now)) return undefined;
    return row.value;
  }

  async set(scope: string, key: string, value: string, expiresAt: number | null): Promise<void> {
    guarded(this.db, () => this.upsertStmt.run(scope, key, value, expiresAt));
  }

  async delete(scope: string, key: string): Promise<void> {
    guarded(this.db, () => this.deleteStmt.run(scope, key));
  }
}
