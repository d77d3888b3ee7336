import type Database from 'better-sqlite3';
import type {
  IngestOutcome,
  ProcessingResult,
  RejectionFilter,
  StoredEvent,
  WebhookDeliveryInput,
  WebhookFilter,
  WebhookRejectionInput,
  WebhookRejectionRow,
  WebhookRepo,
  WebhookRow,
  WebhookStatus,
  WebhookSummary,
} from '../webhook-types.js';
import type { SqliteEvents } from './events.js';

/** Rejections kept per integration; older ones are overwritten. */
export const DEFAULT_REJECTIONS_PER_INTEGRATION = 10_000;

const SUMMARY_COLUMNS = 'id, integration, event_id, type, status, received_at, processed_at, error, attempts';

interface SummaryRow {
  id: number;
  integration: string;
  event_id: string | null;
  type: string | null;
  status: WebhookStatus;
  received_at: number;
  processed_at: number | null;
  error: string | null;
  attempts: number;
}

interface FullRow extends SummaryRow {
  method: string;
  path: string;
  query: string;
  headers: string;
  source_ip: string | null;
  body: Buffer;
}

interface RejectionRow {
  integration: string;
  seq: number;
  time: number;
  reason: string;
  status: number;
  method: string;
  path: string;
  source_ip: string | null;
  headers: string;
  body_size: number;
}

const summary = (r: SummaryRow): WebhookSummary => ({
  id: r.id,
  integration: r.integration,
  eventId: r.event_id,
  type: r.type,
  status: r.status,
  receivedAt: r.received_at,
  processedAt: r.processed_at,
  error: r.error,
  attempts: r.attempts,
});

const full = (r: FullRow): WebhookRow => ({
  ...summary(r),
  method: r.method,
  path: r.path,
  query: JSON.parse(r.query) as Record<string, string>,
  headers: JSON.parse(r.headers) as Record<string, string>,
  sourceIp: r.source_ip,
  body: r.body,
});

function where(filter: WebhookFilter): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (filter.status) (clauses.push('status = ?'), params.push(filter.status));
  if (filter.integration) (clauses.push('integration = ?'), params.push(filter.integration));
  if (filter.sinceMs !== undefined) (clauses.push('received_at >= ?'), params.push(filter.sinceMs));
  if (filter.untilMs !== undefined) (clauses.push('received_at < ?'), params.push(filter.untilMs));
  if (filter.afterId !== undefined) (clauses.push('id > ?'), params.push(filter.afterId));
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

export class SqliteWebhooks implements WebhookRepo {
  private readonly insert: Database.Statement;
  private readonly existing: Database.Statement;
  private readonly insertRejection: Database.Statement;
  private readonly byId: Database.Statement;
  private readonly markProcessed: Database.Statement;
  private readonly markFailed: Database.Statement;
  private readonly integrationOf: Database.Statement;
  private readonly commitTx: Database.Transaction<(batch: Parameters<WebhookRepo['commit']>[0]) => IngestOutcome[]>;
  private readonly settleTx: Database.Transaction<(results: ProcessingResult[]) => StoredEvent[][]>;

  constructor(
    private readonly db: Database.Database,
    private readonly events: SqliteEvents,
    private readonly rejectionsPerIntegration = DEFAULT_REJECTIONS_PER_INTEGRATION,
  ) {
    this.insert = db.prepare(`INSERT INTO webhook_events (integration, event_id, status, received_at, method, path, query, headers, source_ip, body)
      VALUES (@integration, @eventId, 'received', @receivedAt, @method, @path, @query, @headers, @sourceIp, @body)
      ON CONFLICT (integration, event_id) DO NOTHING
      RETURNING id`);
    this.existing = db.prepare('SELECT id, status FROM webhook_events WHERE integration = ? AND event_id = ?');
    // The slot is seq modulo the cap: the newest `cap` rejections survive,
    // found through the (integration, seq) index without counting rows.
    this.insertRejection = db.prepare(`INSERT OR REPLACE INTO webhook_rejections
      (integration, slot, seq, time, reason, status, method, path, source_ip, headers, body_size)
      SELECT @integration, next.seq % @cap, next.seq, @time, @reason, @status, @method, @path, @sourceIp, @headers, @bodySize
      FROM (SELECT coalesce(max(seq), 0) + 1 AS seq FROM webhook_rejections WHERE integration = @integration) AS next`);
    this.byId = db.prepare('SELECT * FROM webhook_events WHERE id = ?');
    this.markProcessed = db.prepare(
      "UPDATE webhook_events SET status = 'processed', type = ?, error = NULL, attempts = attempts + 1, processed_at = ? WHERE id = ?",
    );
    this.markFailed = db.prepare("UPDATE webhook_events SET status = 'failed', error = ?, attempts = attempts + 1, processed_at = ? WHERE id = ?");
    this.integrationOf = db.prepare('SELECT integration FROM webhook_events WHERE id = ?');

    this.commitTx = db.transaction((batch) => {
      for (const r of batch.rejections) {
        this.insertRejection.run({ ...r, headers: JSON.stringify(r.headers), cap: this.rejectionsPerIntegration });
      }
      return batch.deliveries.map((d): IngestOutcome => {
        const inserted = this.insert.get({ ...d, query: JSON.stringify(d.query), headers: JSON.stringify(d.headers) }) as { id: number } | undefined;
        if (inserted) return { id: inserted.id, duplicate: false };
        const prior = this.existing.get(d.integration, d.eventId) as { id: number; status: WebhookStatus };
        return { id: prior.id, duplicate: true, status: prior.status };
      });
    });

    this.settleTx = db.transaction((results) =>
      results.map((r) => {
        if (!r.ok) {
          this.markFailed.run(r.error, r.at, r.id);
          return [];
        }
        const row = this.integrationOf.get(r.id) as { integration: string } | undefined;
        if (!row) return [];
        const stored = this.events.storeForWebhook(r.id, row.integration, r.events, r.at);
        const types = [...new Set(r.events.map((e) => e.type))].join(',');
        this.markProcessed.run(types || null, r.at, r.id);
        return stored;
      }),
    );
  }

  async commit(batch: Parameters<WebhookRepo['commit']>[0]): Promise<IngestOutcome[]> {
    if (batch.deliveries.length === 0 && batch.rejections.length === 0) return [];
    // immediate: take the write lock up front, so a concurrent CLI writer
    // makes us wait (busy timeout) instead of failing mid-transaction.
    return this.commitTx.immediate(batch);
  }

  async get(id: number): Promise<WebhookRow | undefined> {
    const r = this.byId.get(id) as FullRow | undefined;
    return r && full(r);
  }

  async getMany(ids: number[]): Promise<WebhookRow[]> {
    const out: WebhookRow[] = [];
    for (const id of ids) {
      const r = this.byId.get(id) as FullRow | undefined;
      if (r) out.push(full(r));
    }
    return out;
  }

  async list(filter: WebhookFilter): Promise<WebhookSummary[]> {
    const { sql, params } = where(filter);
    const order = filter.order === 'desc' ? 'DESC' : 'ASC';
    const limit = filter.limit !== undefined ? `LIMIT ${Math.max(0, Math.floor(filter.limit))}` : '';
    return (this.db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM webhook_events ${sql} ORDER BY id ${order} ${limit}`).all(...params) as SummaryRow[]).map(
      summary,
    );
  }

  async settle(results: ProcessingResult[]): Promise<StoredEvent[][]> {
    if (results.length === 0) return [];
    // Outcomes skip the fsync of their own commit: lost in a power cut, the
    // rows are simply `received` again and processed again (events keep their
    // ids), and the next synchronous=FULL commit, being later in the same WAL,
    // makes them durable anyway. It halves the fsyncs of a busy daemon.
    const previous = this.db.pragma('synchronous', { simple: true }) as number;
    if (previous > 1) this.db.pragma('synchronous = NORMAL');
    try {
      return this.settleTx.immediate(results);
    } finally {
      if (previous > 1) this.db.pragma(`synchronous = ${previous}`);
    }
  }

  async rejections(filter: RejectionFilter): Promise<WebhookRejectionRow[]> {
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (filter.integration) (clauses.push('integration = ?'), params.push(filter.integration));
    if (filter.sinceMs !== undefined) (clauses.push('time >= ?'), params.push(filter.sinceMs));
    const sql = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    const limit = filter.limit !== undefined ? `LIMIT ${Math.max(0, Math.floor(filter.limit))}` : '';
    const rows = this.db.prepare(`SELECT * FROM webhook_rejections ${sql} ORDER BY time DESC, seq DESC ${limit}`).all(...params) as RejectionRow[];
    return rows.map((r) => ({
      integration: r.integration,
      seq: r.seq,
      time: r.time,
      reason: r.reason,
      status: r.status,
      method: r.method,
      path: r.path,
      sourceIp: r.source_ip,
      headers: JSON.parse(r.headers) as Record<string, string>,
      bodySize: r.body_size,
    }));
  }
}
