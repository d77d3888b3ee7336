import type Database from 'better-sqlite3';
import type { CircuitRecord, CircuitRepo } from '../queue-types.js';

interface Row {
  integration: string;
  state: CircuitRecord['state'];
  consecutive_failures: number;
  window_start: number;
  window_calls: number;
  window_failures: number;
  opened_at: number | null;
  open_until: number | null;
  trial_owner: string | null;
  trial_until: number | null;
  paused_until: number | null;
  pause_reason: string | null;
  last_error: string | null;
  updated_at: number;
}

const fromRow = (r: Row): CircuitRecord => ({
  integration: r.integration,
  state: r.state,
  consecutiveFailures: r.consecutive_failures,
  windowStart: r.window_start,
  windowCalls: r.window_calls,
  windowFailures: r.window_failures,
  openedAt: r.opened_at,
  openUntil: r.open_until,
  trialOwner: r.trial_owner,
  trialUntil: r.trial_until,
  pausedUntil: r.paused_until,
  pauseReason: r.pause_reason,
  lastError: r.last_error,
  updatedAt: r.updated_at,
});

/** Circuit breakers and Retry-After pauses, one row per integration. */
export class SqliteCircuits implements CircuitRepo {
  private readonly select: Database.Statement;
  private readonly all: Database.Statement;
  private readonly upsert: Database.Statement;
  private readonly remove: Database.Statement;
  private readonly updateTx: Database.Transaction<(integration: string, change: (current: CircuitRecord | undefined) => CircuitRecord | null) => CircuitRecord | undefined>;

  constructor(db: Database.Database) {
    this.select = db.prepare('SELECT * FROM circuit_state WHERE integration = ?');
    this.all = db.prepare('SELECT * FROM circuit_state ORDER BY integration');
    this.upsert = db.prepare(`INSERT INTO circuit_state (integration, state, consecutive_failures, window_start, window_calls, window_failures,
        opened_at, open_until, trial_owner, trial_until, paused_until, pause_reason, last_error, updated_at)
      VALUES (@integration, @state, @consecutiveFailures, @windowStart, @windowCalls, @windowFailures,
        @openedAt, @openUntil, @trialOwner, @trialUntil, @pausedUntil, @pauseReason, @lastError, @updatedAt)
      ON CONFLICT (integration) DO UPDATE SET state = excluded.state, consecutive_failures = excluded.consecutive_failures,
        window_start = excluded.window_start, window_calls = excluded.window_calls, window_failures = excluded.window_failures,
        opened_at = excluded.opened_at, open_until = excluded.open_until, trial_owner = excluded.trial_owner, trial_until = excluded.trial_until,
        paused_until = excluded.paused_until, pause_reason = excluded.pause_reason, last_error = excluded.last_error, updated_at = excluded.updated_at`);
    this.remove = db.prepare('DELETE FROM circuit_state WHERE integration = ?');
    this.updateTx = db.transaction((integration, change) => {
      const row = this.select.get(integration) as Row | undefined;
      const current = row && fromRow(row);
      const next = change(current);
      if (!next) return current;
      this.upsert.run({ ...next, integration });
      return { ...next, integration };
    });
  }

  async get(integration: string): Promise<CircuitRecord | undefined> {
    const row = this.select.get(integration) as Row | undefined;
    return row && fromRow(row);
  }

  async list(): Promise<CircuitRecord[]> {
    return (this.all.all() as Row[]).map(fromRow);
  }

  async update(integration: string, change: (current: CircuitRecord | undefined) => CircuitRecord | null): Promise<CircuitRecord | undefined> {
    // immediate: two processes recording failures at once must both be counted.
    return this.updateTx.immediate(integration, change);
  }

  async delete(integration: string): Promise<boolean> {
    return this.remove.run(integration).changes === 1;
  }
}
