import type Database from 'better-sqlite3';
import type { EventFilter, EventInput, EventRepo, StoredEvent } from '../webhook-types.js';

interface Row {
  id: number;
  webhook_id: number | null;
  seq: number;
  integration: string;
  type: string;
  external_id: string | null;
  occurred_at: string | null;
  data: string;
  created_at: number;
}

function fromRow(r: Row): StoredEvent {
  return {
    id: r.id,
    webhookId: r.webhook_id,
    seq: r.seq,
    integration: r.integration,
    type: r.type,
    externalId: r.external_id,
    occurredAt: r.occurred_at,
    data: JSON.parse(r.data) as Record<string, unknown>,
    createdAt: r.created_at,
  };
}

export class SqliteEvents implements EventRepo {
  private readonly upsert: Database.Statement;
  private readonly trim: Database.Statement;
  private readonly byId: Database.Statement;

  constructor(private readonly db: Database.Database) {
    // Keyed on (webhook_id, seq) so a replay rewrites the same rows and an
    // event keeps its id (outbound receivers de-duplicate on it).
    this.upsert = db.prepare(`INSERT INTO events (webhook_id, seq, integration, type, external_id, occurred_at, data, created_at)
      VALUES (@webhookId, @seq, @integration, @type, @externalId, @occurredAt, @data, @createdAt)
      ON CONFLICT (webhook_id, seq) DO UPDATE SET integration = excluded.integration, type = excluded.type,
        external_id = excluded.external_id, occurred_at = excluded.occurred_at, data = excluded.data
      RETURNING id, created_at`);
    this.trim = db.prepare('DELETE FROM events WHERE webhook_id = ? AND seq >= ?');
    this.byId = db.prepare('SELECT * FROM events WHERE id = ?');
  }

  /** Replaces the events of one webhook; runs inside the caller's transaction. */
  storeForWebhook(webhookId: number, integration: string, events: EventInput[], now: number): StoredEvent[] {
    const stored = events.map((event, seq) => {
      const data = JSON.stringify(event.data ?? {});
      const r = this.upsert.get({
        webhookId,
        seq,
        integration,
        type: event.type,
        externalId: event.externalId,
        occurredAt: event.occurredAt,
        data,
        createdAt: now,
      }) as { id: number; created_at: number };
      return { ...event, id: r.id, webhookId, seq, integration, createdAt: r.created_at };
    });
    this.trim.run(webhookId, events.length);
    return stored;
  }

  async get(id: number): Promise<StoredEvent | undefined> {
    const r = this.byId.get(id) as Row | undefined;
    return r && fromRow(r);
  }

  async list(filter: EventFilter): Promise<StoredEvent[]> {
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (filter.integration) (clauses.push('integration = ?'), params.push(filter.integration));
    if (filter.type) (clauses.push('type = ?'), params.push(filter.type));
    if (filter.webhookId !== undefined) (clauses.push('webhook_id = ?'), params.push(filter.webhookId));
    if (filter.sinceMs !== undefined) (clauses.push('created_at >= ?'), params.push(filter.sinceMs));
    if (filter.afterId !== undefined) (clauses.push('id > ?'), params.push(filter.afterId));
    const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    const limit = filter.limit !== undefined ? `LIMIT ${Math.max(0, Math.floor(filter.limit))}` : '';
    return (this.db.prepare(`SELECT * FROM events ${where} ORDER BY id ASC ${limit}`).all(...params) as Row[]).map(fromRow);
  }
}
