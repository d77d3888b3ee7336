import type Database from 'better-sqlite3';
import type {
  AttemptResult,
  ClaimedDelivery,
  Delivery,
  DeliveryAttempt,
  DeliveryClaimInput,
  DeliveryFilter,
  DeliverySettlement,
  DeliveryStatus,
  NewDelivery,
  OutboundRepo,
  Subscription,
  SubscriptionInput,
} from '../outbound-types.js';

interface SubscriptionRow {
  id: number;
  url: string;
  events: string;
  description: string | null;
  created_at: number;
  removed_at: number | null;
  allow_private_network: number;
}

interface DeliveryRow {
  id: number;
  subscription_id: number;
  event_id: number;
  message_id: string;
  event_type: string;
  integration: string;
  url: string;
  payload: string;
  status: DeliveryStatus;
  run_at: number;
  attempts: number;
  lease_owner: string | null;
  lease_until: number | null;
  last_response_status: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

interface AttemptRow {
  id: number;
  delivery_id: number;
  attempt: number;
  owner: string;
  url: string;
  started_at: number;
  finished_at: number | null;
  outcome: DeliveryAttempt['outcome'];
  response_status: number | null;
  latency_ms: number | null;
  response_excerpt: string | null;
  error: string | null;
}

const subscriptionFromRow = (r: SubscriptionRow): Subscription => ({
  id: r.id,
  url: r.url,
  events: JSON.parse(r.events) as string[],
  description: r.description,
  createdAt: r.created_at,
  removedAt: r.removed_at,
  allowPrivateNetwork: r.allow_private_network === 1,
});

const deliveryFromRow = (r: DeliveryRow): Delivery => ({
  id: r.id,
  subscriptionId: r.subscription_id,
  eventId: r.event_id,
  messageId: r.message_id,
  eventType: r.event_type,
  integration: r.integration,
  url: r.url,
  payload: r.payload,
  status: r.status,
  runAt: r.run_at,
  attempts: r.attempts,
  leaseOwner: r.lease_owner,
  leaseUntil: r.lease_until,
  lastResponseStatus: r.last_response_status,
  lastError: r.last_error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  finishedAt: r.finished_at,
});

const attemptFromRow = (r: AttemptRow): DeliveryAttempt => ({
  id: r.id,
  deliveryId: r.delivery_id,
  attempt: r.attempt,
  owner: r.owner,
  url: r.url,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  outcome: r.outcome,
  responseStatus: r.response_status,
  latencyMs: r.latency_ms,
  responseExcerpt: r.response_excerpt,
  error: r.error,
});

const ABANDONED = 'abandoned: the lease expired before the attempt finished';
const WITH_URL = 'SELECT d.*, s.url FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id';

export class SqliteOutbound implements OutboundRepo {
  private readonly stmt;
  private readonly claimTx: Database.Transaction<(input: DeliveryClaimInput) => ClaimedDelivery[]>;
  private readonly settleTx: Database.Transaction<(id: number, attemptId: number, owner: string, now: number, s: DeliverySettlement) => boolean>;
  private readonly enqueueTx: Database.Transaction<(deliveries: NewDelivery[], now: number, cursor: number | undefined) => number>;
  private readonly removeTx: Database.Transaction<(id: number, now: number) => { removed: boolean; cancelled: number }>;
  private readonly redeliverTx: Database.Transaction<(ids: number[], now: number) => { redelivered: number[]; refused: { id: number; reason: string }[] }>;

  constructor(private readonly db: Database.Database) {
    this.stmt = {
      insertSubscription: db.prepare(`INSERT INTO subscriptions (url, events, secret, description, created_at, allow_private_network)
        VALUES (@url, @events, @secret, @description, @now, @allowPrivateNetwork) RETURNING *`),
      subscription: db.prepare('SELECT * FROM subscriptions WHERE id = ?'),
      activeSubscriptions: db.prepare('SELECT * FROM subscriptions WHERE removed_at IS NULL ORDER BY id'),
      removeSubscription: db.prepare("UPDATE subscriptions SET removed_at = @now, secret = '' WHERE id = @id AND removed_at IS NULL"),
      cancelForSubscription: db.prepare(`UPDATE deliveries SET status = 'cancelled', lease_owner = NULL, lease_until = NULL,
        last_error = 'subscription removed', finished_at = @now, updated_at = @now
        WHERE subscription_id = @id AND status IN ('pending', 'leased')`),
      countWaiting: db.prepare("SELECT COUNT(*) AS n FROM deliveries WHERE subscription_id = ? AND status IN ('pending', 'leased')"),
      abandonForSubscription: db.prepare(`UPDATE delivery_attempts SET finished_at = @now, outcome = 'abandoned', error = 'subscription removed'
        WHERE outcome IS NULL AND delivery_id IN (SELECT id FROM deliveries WHERE subscription_id = @id)`),
      insertDelivery: db.prepare(`INSERT INTO deliveries
        (subscription_id, event_id, message_id, event_type, integration, payload, status, run_at, created_at, updated_at)
        SELECT @subscriptionId, @eventId, @messageId, @eventType, @integration, @payload, 'pending', @runAt, @now, @now
        WHERE EXISTS (SELECT 1 FROM subscriptions WHERE id = @subscriptionId AND removed_at IS NULL)
        ON CONFLICT (event_id, subscription_id) DO NOTHING`),
      cursor: db.prepare('SELECT last_event_id AS id FROM outbound_cursor WHERE id = 1'),
      advanceCursor: db.prepare('UPDATE outbound_cursor SET last_event_id = MAX(last_event_id, ?) WHERE id = 1'),
      expired: db.prepare("SELECT id FROM deliveries WHERE status = 'leased' AND lease_until <= ?"),
      recover: db.prepare(`UPDATE deliveries SET status = 'pending', run_at = @now, lease_owner = NULL, lease_until = NULL, updated_at = @now
        WHERE id = @id AND status = 'leased'`),
      abandonAttempts: db.prepare(`UPDATE delivery_attempts SET finished_at = @now, outcome = 'abandoned', error = COALESCE(error, @message)
        WHERE delivery_id = @id AND outcome IS NULL`),
      due: db.prepare(`SELECT d.*, s.url, s.secret, s.allow_private_network FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id
        WHERE d.status = 'pending' AND d.run_at <= @now AND s.removed_at IS NULL
        ORDER BY d.run_at, d.id LIMIT @limit`),
      lease: db.prepare(`UPDATE deliveries SET status = 'leased', lease_owner = @owner, lease_until = @until, attempts = attempts + 1, updated_at = @now
        WHERE id = @id AND status = 'pending'`),
      attemptCount: db.prepare('SELECT COUNT(*) AS n FROM delivery_attempts WHERE delivery_id = ?'),
      startAttempt: db.prepare('INSERT INTO delivery_attempts (delivery_id, attempt, owner, url, started_at) VALUES (?, ?, ?, ?, ?)'),
      finishDelivery: db.prepare(`UPDATE deliveries SET status = @status, run_at = COALESCE(@runAt, run_at), lease_owner = NULL, lease_until = NULL,
        last_response_status = @responseStatus, last_error = @error, finished_at = @finishedAt, updated_at = @now
        WHERE id = @id AND status = 'leased' AND lease_owner = @owner`),
      finishAttempt: db.prepare(`UPDATE delivery_attempts SET finished_at = COALESCE(finished_at, @now), outcome = COALESCE(outcome, @outcome),
        response_status = @responseStatus, latency_ms = @latencyMs, response_excerpt = @responseExcerpt, error = COALESCE(@error, error)
        WHERE id = @attemptId AND delivery_id = @id`),
      byId: db.prepare(`${WITH_URL} WHERE d.id = ?`),
      attempts: db.prepare('SELECT * FROM delivery_attempts WHERE delivery_id = ? ORDER BY id'),
      redeliver: db.prepare(`UPDATE deliveries SET status = 'pending', attempts = 0, run_at = @now, finished_at = NULL, updated_at = @now
        WHERE id = @id AND status IN ('succeeded', 'failed', 'cancelled')`),
      nextDue: db.prepare(`SELECT MIN(at) AS at FROM (
        SELECT MIN(run_at) AS at FROM deliveries WHERE status = 'pending'
        UNION ALL SELECT MIN(lease_until) FROM deliveries WHERE status = 'leased')`),
    };

    this.enqueueTx = db.transaction((deliveries, now, cursor) => {
      let created = 0;
      for (const d of deliveries) created += this.stmt.insertDelivery.run({ ...d, now }).changes;
      if (cursor !== undefined) this.stmt.advanceCursor.run(cursor);
      return created;
    });

    this.removeTx = db.transaction((id, now) => {
      if (this.stmt.removeSubscription.run({ id, now }).changes === 0) return { removed: false, cancelled: 0 };
      const cancelled = this.stmt.cancelForSubscription.run({ id, now }).changes;
      this.stmt.abandonForSubscription.run({ id, now });
      return { removed: true, cancelled };
    });

    this.claimTx = db.transaction((input) => {
      for (const { id } of this.stmt.expired.all(input.now) as { id: number }[]) {
        this.stmt.abandonAttempts.run({ id, now: input.now, message: ABANDONED });
        this.stmt.recover.run({ id, now: input.now });
      }
      if (input.limit <= 0) return [];
      const rows = this.stmt.due.all({ now: input.now, limit: Math.floor(input.limit) }) as (DeliveryRow & { secret: string; allow_private_network: number })[];
      const until = input.now + input.leaseMs;
      return rows.map((row): ClaimedDelivery => {
        this.stmt.lease.run({ id: row.id, owner: input.owner, until, now: input.now });
        const attemptNumber = (this.stmt.attemptCount.get(row.id) as { n: number }).n + 1;
        const attemptId = Number(this.stmt.startAttempt.run(row.id, attemptNumber, input.owner, row.url, input.now).lastInsertRowid);
        const delivery = deliveryFromRow({ ...row, status: 'leased', lease_owner: input.owner, lease_until: until, attempts: row.attempts + 1, updated_at: input.now });
        return { ...delivery, secret: row.secret, allowPrivateNetwork: row.allow_private_network === 1, attemptId, attemptNumber };
      });
    });

    this.settleTx = db.transaction((id, attemptId, owner, now, s) => {
      const result: AttemptResult = s.result;
      const held =
        this.stmt.finishDelivery.run({
          id,
          owner,
          now,
          status: s.status === 'retry' ? 'pending' : s.status,
          runAt: s.status === 'retry' ? s.runAt : null,
          responseStatus: result.responseStatus,
          error: result.error,
          finishedAt: s.status === 'retry' ? null : now,
        }).changes === 1;
      this.stmt.finishAttempt.run({
        id,
        attemptId,
        now,
        // A lost lease: what was sent is still recorded, but the attempt no longer decided anything.
        outcome: held ? s.status : 'abandoned',
        responseStatus: result.responseStatus,
        latencyMs: Math.round(result.latencyMs),
        responseExcerpt: result.responseExcerpt,
        error: result.error,
      });
      return held;
    });

    this.redeliverTx = db.transaction((ids, now) => {
      const redelivered: number[] = [];
      const refused: { id: number; reason: string }[] = [];
      for (const id of ids) {
        const row = this.stmt.byId.get(id) as DeliveryRow | undefined;
        if (!row) {
          refused.push({ id, reason: `no delivery ${id}` });
          continue;
        }
        const subscription = this.stmt.subscription.get(row.subscription_id) as SubscriptionRow;
        if (subscription.removed_at !== null) {
          refused.push({ id, reason: `delivery ${id}: subscription ${row.subscription_id} was removed` });
          continue;
        }
        if (row.status === 'pending' || row.status === 'leased') {
          refused.push({ id, reason: `delivery ${id} is already ${row.status === 'pending' ? 'waiting to be sent' : 'being sent'}` });
          continue;
        }
        this.stmt.redeliver.run({ id, now });
        redelivered.push(id);
      }
      return { redelivered, refused };
    });
  }

  async createSubscription(input: SubscriptionInput): Promise<Subscription> {
    const row = this.stmt.insertSubscription.get({
      url: input.url,
      events: JSON.stringify(input.events),
      secret: input.secret,
      description: input.description,
      now: input.now,
      allowPrivateNetwork: input.allowPrivateNetwork ? 1 : 0,
    }) as SubscriptionRow;
    return subscriptionFromRow(row);
  }

  async getSubscription(id: number): Promise<Subscription | undefined> {
    const row = this.stmt.subscription.get(id) as SubscriptionRow | undefined;
    return row && subscriptionFromRow(row);
  }

  async listSubscriptions(): Promise<Subscription[]> {
    return (this.stmt.activeSubscriptions.all() as SubscriptionRow[]).map(subscriptionFromRow);
  }

  async removeSubscription(id: number, now: number): Promise<{ removed: boolean; cancelled: number }> {
    return this.removeTx.immediate(id, now);
  }

  async countWaiting(subscriptionId: number): Promise<number> {
    return (this.stmt.countWaiting.get(subscriptionId) as { n: number }).n;
  }

  async enqueue(input: { deliveries: NewDelivery[]; now: number; cursor?: number }): Promise<number> {
    if (input.deliveries.length === 0 && input.cursor === undefined) return 0;
    return this.enqueueTx.immediate(input.deliveries, input.now, input.cursor);
  }

  async fanOutCursor(): Promise<number> {
    return (this.stmt.cursor.get() as { id: number } | undefined)?.id ?? 0;
  }

  async claim(input: DeliveryClaimInput): Promise<ClaimedDelivery[]> {
    // immediate: the select and the leasing are one step; no other process can lease the same rows.
    return this.claimTx.immediate(input);
  }

  async settle(delivery: { id: number; attemptId: number }, owner: string, now: number, settlement: DeliverySettlement): Promise<boolean> {
    return this.settleTx.immediate(delivery.id, delivery.attemptId, owner, now, settlement);
  }

  async get(id: number): Promise<Delivery | undefined> {
    const row = this.stmt.byId.get(id) as DeliveryRow | undefined;
    return row && deliveryFromRow(row);
  }

  async list(filter: DeliveryFilter): Promise<Delivery[]> {
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (filter.status) (clauses.push('d.status = ?'), params.push(filter.status));
    if (filter.subscriptionId !== undefined) (clauses.push('d.subscription_id = ?'), params.push(filter.subscriptionId));
    if (filter.sinceMs !== undefined) (clauses.push('d.created_at >= ?'), params.push(filter.sinceMs));
    const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    const limit = `LIMIT ${Math.max(0, Math.floor(filter.limit ?? 50))}`;
    return (this.db.prepare(`${WITH_URL} ${where} ORDER BY d.id DESC ${limit}`).all(...params) as DeliveryRow[]).map(deliveryFromRow);
  }

  async attempts(id: number): Promise<DeliveryAttempt[]> {
    return (this.stmt.attempts.all(id) as AttemptRow[]).map(attemptFromRow);
  }

  async redeliver(ids: number[], now: number): Promise<{ redelivered: number[]; refused: { id: number; reason: string }[] }> {
    return this.redeliverTx.immediate(ids, now);
  }

  async redeliverFailed(filter: { sinceMs?: number; now: number }): Promise<number[]> {
    const clauses = ["d.status = 'failed'", 's.removed_at IS NULL'];
    const params: unknown[] = [];
    if (filter.sinceMs !== undefined) (clauses.push('d.finished_at >= ?'), params.push(filter.sinceMs));
    const ids = (
      this.db
        .prepare(`SELECT d.id FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id WHERE ${clauses.join(' AND ')} ORDER BY d.id`)
        .all(...params) as { id: number }[]
    ).map((r) => r.id);
    return (await this.redeliver(ids, filter.now)).redelivered;
  }

  async nextDueAt(): Promise<number | null> {
    return (this.stmt.nextDue.get() as { at: number | null }).at;
  }
}
