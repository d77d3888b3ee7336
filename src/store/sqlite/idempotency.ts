import type Database from 'better-sqlite3';
import type { ClaimResult, IdempotencyRecord, IdempotencyRepo } from '../types.js';
import { guarded } from './guard.js';

interface Row {
  key: string;
  integration: string;
  operation: string;
  state: IdempotencyRecord['state'];
  owner: string;
  claimed_at: number;
  stale_at: number;
  expires_at: number;
  result: string | null;
  log_id: number | null;
}

const fromRow = (r: Row): IdempotencyRecord => ({
  key: r.key,
  integration: r.integration,
  operation: r.operation,
  state: r.state,
  owner: r.owner,
  claimedAt: r.claimed_at,
  staleAt: r.stale_at,
  expiresAt: r.expires_at,
  result: r.result,
  logId: r.log_id,
});

export class SqliteIdempotency implements IdempotencyRepo {
  private readonly select: Database.Statement;
  private readonly upsert: Database.Statement;
  private readonly settleStmt: Database.Statement;
  private readonly releaseStmt: Database.Statement;
  private readonly purgeStmt: Database.Statement;
  private readonly claimTx: Database.Transaction<(input: Parameters<IdempotencyRepo['claim']>[0]) => ClaimResult>;

  constructor(private readonly db: Database.Database) {
    this.select = db.prepare('SELECT * FROM idempotency_keys WHERE key = ?');
    this.upsert = db.prepare(`INSERT INTO idempotency_keys (key, integration, operation, state, owner, claimed_at, stale_at, expires_at, result, log_id)
      VALUES (@key, @integration, @operation, 'in_flight', @owner, @now, @staleAt, @expiresAt, NULL, NULL)
      ON CONFLICT (key) DO UPDATE SET integration = excluded.integration, operation = excluded.operation, state = 'in_flight',
        owner = excluded.owner, claimed_at = excluded.claimed_at, stale_at = excluded.stale_at, expires_at = excluded.expires_at,
        result = NULL, log_id = NULL`);
    this.settleStmt = db.prepare(
      'UPDATE idempotency_keys SET state = @state, result = @result, log_id = @logId, expires_at = @expiresAt WHERE key = @key AND owner = @owner',
    );
    this.releaseStmt = db.prepare("DELETE FROM idempotency_keys WHERE key = ? AND owner = ? AND state = 'in_flight'");
    this.purgeStmt = db.prepare('DELETE FROM idempotency_keys WHERE expires_at <= ?');
    this.claimTx = db.transaction((input) => {
      const existing = this.select.get(input.key) as Row | undefined;
      if (existing && existing.expires_at > input.now) {
        if (existing.state !== 'in_flight' || existing.stale_at > input.now) return { outcome: 'exists', record: fromRow(existing) } as const;
        this.upsert.run(input);
        return { outcome: 'taken-over', previousOwner: existing.owner } as const;
      }
      this.upsert.run(input);
      return { outcome: 'claimed' } as const;
    });
  }

  async claim(input: Parameters<IdempotencyRepo['claim']>[0]): Promise<ClaimResult> {
    // immediate: the read and the write are one atomic step across processes.
    return guarded(this.db, () => this.claimTx.immediate(input));
  }

  async settle(input: Parameters<IdempotencyRepo['settle']>[0]): Promise<void> {
    guarded(this.db, () => this.settleStmt.run(input));
  }

  async release(key: string, owner: string): Promise<void> {
    guarded(this.db, () => this.releaseStmt.run(key, owner));
  }

  async get(key: string): Promise<IdempotencyRecord | undefined> {
    const r = guarded(this.db, () => this.select.get(key)) as Row | undefined;
    return r && fromRow(r);
  }

  async purgeExpired(now: number): Promise<number> {
    return guarded(this.db, () => this.purgeStmt.run(now)).changes;
  }
}
