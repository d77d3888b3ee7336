import type Database from 'better-sqlite3';
import type { IntegrationOutcome, LogFilter, LogSettlement, OperationLogInput, OperationLogRepo, OperationLogRow } from '../types.js';
import { guarded } from './guard.js';

interface Row {
  id: number;
  time: number;
  integration: string;
  adapter: string;
  operation: string;
  tenant: string | null;
  idempotency_key: string;
  correlation_id: string;
  status: 'ok' | 'failed';
  error_category: string | null;
  error_message: string | null;
  attempts: number;
  duration_ms: number;
  request: string;
  response: string | null;
  reconciles: number | null;
  settled_by: LogSettlement['by'] | null;
  settled_actor: string | null;
  settled_reason: string | null;
}

function fromRow(r: Row): OperationLogRow {
  const row: OperationLogRow = {
    id: r.id,
    time: r.time,
    integration: r.integration,
    adapter: r.adapter,
    operation: r.operation,
    tenant: r.tenant,
    idempotencyKey: r.idempotency_key,
    correlationId: r.correlation_id,
    status: r.status,
    errorCategory: r.error_category,
    errorMessage: r.error_message,
    attempts: r.attempts,
    durationMs: r.duration_ms,
    request: r.request,
    response: r.response,
  };
  // An older store read as it is (read-only) has no settlement columns at all.
  if (r.settled_by != null) row.reconciles = { logId: r.reconciles, by: r.settled_by, actor: r.settled_actor, reason: r.settled_reason };
  return row;
}

/** Named parameters for the insert: the settlement columns flattened, null on ordinary rows. */
function params(row: OperationLogInput): Record<string, unknown> {
  const { reconciles, ...rest } = row;
  return { ...rest, reconciles: reconciles?.logId ?? null, settledBy: reconciles?.by ?? null, actor: reconciles?.actor ?? null, reason: reconciles?.reason ?? null };
}

function where(filter: LogFilter): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (filter.integration) (clauses.push('integration = ?'), params.push(filter.integration));
  if (filter.status) (clauses.push('status = ?'), params.push(filter.status));
  if (filter.sinceMs !== undefined) (clauses.push('time >= ?'), params.push(filter.sinceMs));
  if (filter.untilMs !== undefined) (clauses.push('time < ?'), params.push(filter.untilMs));
  if (filter.afterId !== undefined) (clauses.push('id > ?'), params.push(filter.afterId));
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

const COLUMNS = `(time, integration, adapter, operation, tenant, idempotency_key, correlation_id, status, error_category, error_message, attempts, duration_ms, request, response,
    reconciles, settled_by, settled_actor, settled_reason)
  VALUES (@time, @integration, @adapter, @operation, @tenant, @idempotencyKey, @correlationId, @status, @errorCategory, @errorMessage, @attempts, @durationMs, @request, @response,
    @reconciles, @settledBy, @actor, @reason)`;

const STATEMENTS = {
  insert: `INSERT INTO operation_logs ${COLUMNS}`,
  insertSettlement: `INSERT INTO operation_logs ${COLUMNS} ON CONFLICT (reconciles) WHERE reconciles IS NOT NULL DO NOTHING`,
  settlement: 'SELECT * FROM operation_logs WHERE reconciles = ?',
  unsettled: `SELECT * FROM operation_logs o WHERE error_category = 'OUTCOME_UNKNOWN' AND (@integration IS NULL OR integration = @integration)
    AND NOT EXISTS (SELECT 1 FROM operation_logs s WHERE s.reconciles = o.id) ORDER BY id LIMIT @limit`,
};

export class SqliteOperationLogs implements OperationLogRepo {
  private readonly byId: Database.Statement;
  private readonly prepared = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {
    this.byId = db.prepare('SELECT * FROM operation_logs WHERE id = ?');
  }

  /**
   * Statements naming the settlement columns (migration 006) are prepared on
   * first use, so a read-only command on an older store still reads its logs.
   */
  private statement(name: 'insert' | 'insertSettlement' | 'settlement' | 'unsettled'): Database.Statement {
    let stmt = this.prepared.get(name);
    if (!stmt) {
      stmt = this.db.prepare(STATEMENTS[name]);
      this.prepared.set(name, stmt);
    }
    return stmt;
  }

  async append(row: OperationLogInput): Promise<number> {
    return Number(guarded(this.db, () => this.statement('insert').run(params(row))).lastInsertRowid);
  }

  async appendSettlement(row: OperationLogInput & { reconciles: LogSettlement }): Promise<number | null> {
    const info = guarded(this.db, () => this.statement('insertSettlement').run(params(row)));
    return info.changes === 1 ? Number(info.lastInsertRowid) : null;
  }

  async settlementOf(id: number): Promise<OperationLogRow | undefined> {
    const r = guarded(this.db, () => this.statement('settlement').get(id)) as Row | undefined;
    return r && fromRow(r);
  }

  async unsettledUnknown(filter: { integration?: string; limit?: number }): Promise<OperationLogRow[]> {
    const rows = guarded(this.db, () => this.statement('unsettled').all({ integration: filter.integration ?? null, limit: Math.max(0, Math.floor(filter.limit ?? 1_000)) })) as Row[];
    return rows.map(fromRow);
  }

  async get(id: number): Promise<OperationLogRow | undefined> {
    const r = guarded(this.db, () => this.byId.get(id)) as Row | undefined;
    return r && fromRow(r);
  }

  async query(filter: LogFilter): Promise<OperationLogRow[]> {
    const { sql, params } = where(filter);
    const order = filter.order === 'desc' ? 'DESC' : 'ASC';
    const limit = filter.limit !== undefined ? `LIMIT ${Math.max(0, Math.floor(filter.limit))}` : '';
    return (guarded(this.db, () => this.db.prepare(`SELECT * FROM operation_logs ${sql} ORDER BY id ${order} ${limit}`).all(...params)) as Row[]).map(fromRow);
  }

  async *iterate(filter: LogFilter): AsyncIterable<OperationLogRow> {
    // Pages by id instead of holding a cursor open, so a long export never
    // blocks writers nor holds millions of rows in memory.
    const page = 1000;
    let afterId = filter.afterId ?? 0;
    let remaining = filter.limit ?? Infinity;
    for (;;) {
      const rows = await this.query({ ...filter, afterId, order: 'asc', limit: Math.min(page, remaining) });
      for (const row of rows) yield row;
      remaining -= rows.length;
      if (rows.length < page || remaining <= 0) return;
      afterId = rows[rows.length - 1].id;
    }
  }

  async count(filter: LogFilter): Promise<number> {
    const { sql, params } = where(filter);
    return (guarded(this.db, () => this.db.prepare(`SELECT count(*) AS n FROM operation_logs ${sql}`).get(...params)) as { n: number }).n;
  }

  async prune(olderThanMs: number): Promise<number> {
    return guarded(this.db, () => this.db.prepare('DELETE FROM operation_logs WHERE time < ?').run(olderThanMs)).changes;
  }

  async outcomes(): Promise<IntegrationOutcome[]> {
    const rows = guarded(this.db, () =>
      this.db
        .prepare(
          `SELECT integration,
             (SELECT max(time) FROM operation_logs o WHERE o.integration = l.integration AND status = 'ok') AS last_success,
             (SELECT max(time) FROM operation_logs o WHERE o.integration = l.integration AND status = 'failed') AS last_failure,
             (SELECT error_message FROM operation_logs o WHERE o.integration = l.integration AND status = 'failed' ORDER BY id DESC LIMIT 1) AS last_error
           FROM (SELECT DISTINCT integration FROM operation_logs) l`,
        )
        .all(),
    ) as { integration: string; last_success: number | null; last_failure: number | null; last_error: string | null }[];
    return rows.map((r) => ({ integration: r.integration, lastSuccess: r.last_success, lastFailure: r.last_failure, lastError: r.last_error }));
  }
}
