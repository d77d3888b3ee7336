import type Database from 'better-sqlite3';
import type { RateLimitRepo, RateTake } from '../queue-types.js';

/** Token buckets in the store: every process draws from the same bucket. */
export class SqliteRateLimits implements RateLimitRepo {
  private readonly takeTx: Database.Transaction<(input: { integration: string; now: number; perSecond: number; burst: number }) => RateTake>;

  constructor(db: Database.Database) {
    const select = db.prepare('SELECT tokens, updated_at FROM rate_buckets WHERE integration = ?');
    const upsert = db.prepare(`INSERT INTO rate_buckets (integration, tokens, updated_at) VALUES (?, ?, ?)
      ON CONFLICT (integration) DO UPDATE SET tokens = excluded.tokens, updated_at = excluded.updated_at`);
    this.takeTx = db.transaction(({ integration, now, perSecond, burst }) => {
      const row = select.get(integration) as { tokens: number; updated_at: number } | undefined;
      // A new bucket starts full; time running backwards (clock change) refills nothing.
      const elapsed = row ? Math.max(0, now - row.updated_at) : 0;
      const tokens = row ? Math.min(burst, row.tokens + (elapsed * perSecond) / 1000) : burst;
      if (tokens >= 1) {
        upsert.run(integration, tokens - 1, now);
        return { granted: true, waitMs: 0 };
      }
      upsert.run(integration, tokens, now);
      return { granted: false, waitMs: Math.max(1, Math.ceil(((1 - tokens) * 1000) / perSecond)) };
    });
  }

  async take(input: { integration: string; now: number; perSecond: number; burst: number }): Promise<RateTake> {
    return this.takeTx.immediate(input);
  }
}
