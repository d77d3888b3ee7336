import type Database from 'better-sqlite3';
import type {
  ClaimInput,
  EnqueueInput,
  JobFilter,
  JobSettlement,
  JobStatus,
  QueueAttempt,
  QueueJob,
  QueueRepo,
  QueueStats,
} from '../queue-types.js';
import { JOB_STATUSES } from '../queue-types.js';

interface JobRow {
  id: number;
  integration: string;
  operation: string;
  payload: string;
  tenant: string | null;
  idempotency_key: string;
  correlation_id: string | null;
  origin: QueueJob['origin'];
  status: JobStatus;
  priority: number;
  run_at: number;
  attempts: number;
  max_attempts: number;
  lease_owner: string | null;
  lease_until: number | null;
  abandoned_owner: string | null;
  last_error_category: string | null;
  last_error: string | null;
  result: string | null;
  log_id: number | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

interface AttemptRow {
  id: number;
  job_id: number;
  attempt: number;
  owner: string;
  started_at: number;
  finished_at: number | null;
  outcome: QueueAttempt['outcome'];
  error_category: string | null;
  error_message: string | null;
  log_id: number | null;
}

const jobFromRow = (r: JobRow): QueueJob => ({
  id: r.id,
  integration: r.integration,
  operation: r.operation,
  payload: r.payload,
  tenant: r.tenant,
  idempotencyKey: r.idempotency_key,
  correlationId: r.correlation_id,
  origin: r.origin,
  status: r.status,
  priority: r.priority,
  runAt: r.run_at,
  attempts: r.attempts,
  maxAttempts: r.max_attempts,
  leaseOwner: r.lease_owner,
  leaseUntil: r.lease_until,
  abandonedOwner: r.abandoned_owner,
  lastErrorCategory: r.last_error_category,
  lastError: r.last_error,
  result: r.result,
  logId: r.log_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  finishedAt: r.finished_at,
});

const attemptFromRow = (r: AttemptRow): QueueAttempt => ({
  id: r.id,
  jobId: r.job_id,
  attempt: r.attempt,
  owner: r.owner,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  outcome: r.outcome,
  errorCategory: r.error_category,
  errorMessage: r.error_message,
  logId: r.log_id,
});

const ABANDONED = 'abandoned: the lease expired or its process died before the attempt finished';

/** Integration filters travel as JSON arrays so one prepared statement serves any list. */
const names = (list: string[] | undefined) => (list === undefined ? null : JSON.stringify(list));

export class SqliteQueue implements QueueRepo {
  private readonly stmt;
  private readonly claimTx: Database.Transaction<(input: ClaimInput) => QueueJob[]>;
  private readonly settleTx: Database.Transaction<(id: number, owner: string, now: number, s: JobSettlement) => boolean>;
  private readonly enqueueTx: Database.Transaction<(input: EnqueueInput) => { job: QueueJob; created: boolean }>;

  constructor(private readonly db: Database.Database) {
    this.stmt = {
      byId: db.prepare('SELECT * FROM queue_jobs WHERE id = ?'),
      liveByKey: db.prepare("SELECT * FROM queue_jobs WHERE idempotency_key = ? AND status IN ('pending', 'leased', 'unknown')"),
      insert: db.prepare(`INSERT INTO queue_jobs
        (integration, operation, payload, tenant, idempotency_key, correlation_id, origin, status, priority, run_at, attempts, max_attempts, created_at, updated_at)
        VALUES (@integration, @operation, @payload, @tenant, @idempotencyKey, @correlationId, @origin, 'pending', @priority, @runAt, 0, @maxAttempts, @now, @now)`),
      expired: db.prepare("SELECT id FROM queue_jobs WHERE status = 'leased' AND lease_until <= ?"),
      heldBy: db.prepare("SELECT id FROM queue_jobs WHERE status = 'leased' AND lease_owner IN (SELECT value FROM json_each(?))"),
      recover: db.prepare(`UPDATE queue_jobs SET status = 'pending', abandoned_owner = lease_owner, lease_owner = NULL, lease_until = NULL, updated_at = @now
        WHERE id = @id`),
      abandonAttempt: db.prepare(`UPDATE queue_attempts SET finished_at = @now, outcome = 'abandoned', error_message = @message
        WHERE job_id = @id AND finished_at IS NULL`),
      due: db.prepare(`SELECT * FROM queue_jobs WHERE status = 'pending' AND run_at <= @now
        AND (@only IS NULL OR integration IN (SELECT value FROM json_each(@only)))
        AND (@exclude IS NULL OR integration NOT IN (SELECT value FROM json_each(@exclude)))
        ORDER BY priority DESC, run_at, id LIMIT @limit`),
      lease: db.prepare(`UPDATE queue_jobs SET status = 'leased', lease_owner = @owner, lease_until = @until, attempts = attempts + 1, updated_at = @now
        WHERE id = @id AND status = 'pending'`),
      startAttempt: db.prepare('INSERT INTO queue_attempts (job_id, attempt, owner, started_at) VALUES (?, ?, ?, ?)'),
      renew: db.prepare(`UPDATE queue_jobs SET lease_until = @until, updated_at = @now
        WHERE status = 'leased' AND lease_owner = @owner AND id IN (SELECT value FROM json_each(@ids))`),
      finishJob: db.prepare(`UPDATE queue_jobs SET status = @status, lease_owner = NULL, lease_until = NULL, abandoned_owner = NULL,
        last_error_category = CASE WHEN @status = 'succeeded' THEN NULL ELSE COALESCE(@category, last_error_category) END,
        last_error = CASE WHEN @status = 'succeeded' THEN NULL ELSE COALESCE(@message, last_error) END,
        result = COALESCE(@result, result), log_id = COALESCE(@logId, log_id),
        run_at = COALESCE(@runAt, run_at), attempts = attempts - @refund,
        finished_at = @finishedAt, updated_at = @now
        WHERE id = @id AND status = 'leased' AND lease_owner = @owner`),
      finishAttempt: db.prepare(`UPDATE queue_attempts SET finished_at = @now, outcome = @outcome, error_category = @category, error_message = @message, log_id = @logId
        WHERE job_id = @id AND owner = @owner AND finished_at IS NULL`),
      dropAttempt: db.prepare('DELETE FROM queue_attempts WHERE job_id = @id AND owner = @owner AND finished_at IS NULL'),
      resolveUnknown: db.prepare(`UPDATE queue_jobs SET status = @status, last_error_category = COALESCE(@category, last_error_category),
        last_error = COALESCE(@message, last_error), result = COALESCE(@result, result), log_id = COALESCE(@logId, log_id),
        finished_at = @now, updated_at = @now WHERE id = @id AND status = 'unknown'`),
      attempts: db.prepare('SELECT * FROM queue_attempts WHERE job_id = ? ORDER BY id'),
      retry: db.prepare(`UPDATE queue_jobs SET status = 'pending', attempts = 0, run_at = @now, finished_at = NULL, abandoned_owner = NULL, updated_at = @now
        WHERE id = @id AND status IN ('dead', 'cancelled')`),
      cancel: db.prepare("UPDATE queue_jobs SET status = 'cancelled', finished_at = @now, updated_at = @now WHERE id = @id AND status = 'pending'"),
      purge: db.prepare('DELETE FROM queue_jobs WHERE status = ? AND finished_at < ?'),
      countPurgeable: db.prepare('SELECT COUNT(*) AS n FROM queue_jobs WHERE status = ? AND finished_at < ?'),
      countByStatus: db.prepare('SELECT status, integration, COUNT(*) AS count FROM queue_jobs GROUP BY status, integration ORDER BY integration, status'),
      oldestDue: db.prepare("SELECT MIN(run_at) AS oldest, COUNT(*) AS due FROM queue_jobs WHERE status = 'pending' AND run_at <= ?"),
      dueIds: db.prepare(`SELECT id FROM queue_jobs WHERE status = 'pending' AND run_at <= @now
        AND (@only IS NULL OR integration IN (SELECT value FROM json_each(@only)))`),
      countDue: db.prepare(`SELECT COUNT(*) AS n FROM queue_jobs WHERE status = 'pending' AND run_at <= @now
        AND (@only IS NULL OR integration IN (SELECT value FROM json_each(@only)))`),
      leaseOwners: db.prepare("SELECT DISTINCT lease_owner AS owner FROM queue_jobs WHERE status = 'leased'"),
    };

    this.enqueueTx = db.transaction((input) => {
      const live = this.stmt.liveByKey.get(input.idempotencyKey) as JobRow | undefined;
      if (live) return { job: jobFromRow(live), created: false };
      const id = Number(this.stmt.insert.run(input).lastInsertRowid);
      return { job: jobFromRow(this.stmt.byId.get(id) as JobRow), created: true };
    });

    this.claimTx = db.transaction((input) => {
      const stranded = new Set((this.stmt.expired.all(input.now) as { id: number }[]).map((r) => r.id));
      if (input.deadOwners?.length) for (const r of this.stmt.heldBy.all(JSON.stringify(input.deadOwners)) as { id: number }[]) stranded.add(r.id);
      for (const id of stranded) {
        this.stmt.abandonAttempt.run({ id, now: input.now, message: ABANDONED });
        this.stmt.recover.run({ id, now: input.now });
      }
      if (input.limit <= 0) return [];
      const rows = this.stmt.due.all({ now: input.now, only: names(input.only), exclude: names(input.exclude), limit: Math.floor(input.limit) }) as JobRow[];
      const until = input.now + input.leaseMs;
      const claimed: QueueJob[] = [];
      for (const row of rows) {
        this.stmt.lease.run({ id: row.id, owner: input.owner, until, now: input.now });
        this.stmt.startAttempt.run(row.id, row.attempts + 1, input.owner, input.now);
        claimed.push(jobFromRow({ ...row, status: 'leased', lease_owner: input.owner, lease_until: until, attempts: row.attempts + 1, updated_at: input.now }));
      }
      return claimed;
    });

    this.settleTx = db.transaction((id, owner, now, s) => {
      const released = s.status === 'released';
      const error = s.status === 'succeeded' ? undefined : s.status === 'released' ? s.reason : s.error;
      const terminal = s.status === 'succeeded' || s.status === 'dead' || s.status === 'unknown';
      const changed = this.stmt.finishJob.run({
        id,
        owner,
        now,
        status: terminal ? s.status : 'pending',
        category: error?.category ?? null,
        message: error?.message ?? null,
        result: s.status === 'succeeded' ? s.result : null,
        logId: s.status === 'released' ? null : s.logId,
        runAt: s.status === 'retry' || s.status === 'released' ? s.runAt : null,
        refund: released ? 1 : 0,
        finishedAt: terminal ? now : null,
      }).changes;
      if (!changed) return false;
      if (released) {
        this.stmt.dropAttempt.run({ id, owner });
      } else {
        this.stmt.finishAttempt.run({
          id,
          owner,
          now,
          outcome: s.status,
          category: error?.category ?? null,
          message: error?.message ?? null,
          logId: s.logId,
        });
      }
      return true;
    });
  }

  async enqueue(input: EnqueueInput): Promise<{ job: QueueJob; created: boolean }> {
    return this.enqueueTx.immediate(input);
  }

  async claim(input: ClaimInput): Promise<QueueJob[]> {
    // immediate: the select and the leasing are one step; no other process can lease the same rows.
    return this.claimTx.immediate(input);
  }

  async renew(ids: number[], owner: string, leaseUntil: number, now: number): Promise<number> {
    if (!ids.length) return 0;
    return this.stmt.renew.run({ ids: JSON.stringify(ids), owner, until: leaseUntil, now }).changes;
  }

  async settle(id: number, owner: string, now: number, settlement: JobSettlement): Promise<boolean> {
    return this.settleTx.immediate(id, owner, now, settlement);
  }

  async resolveUnknown(
    id: number,
    now: number,
    s: { status: 'succeeded'; result: string | null; logId: number | null } | { status: 'dead'; error: { category: string; message: string }; logId: number | null },
  ): Promise<boolean> {
    const changes = this.stmt.resolveUnknown.run({
      id,
      now,
      status: s.status,
      category: s.status === 'dead' ? s.error.category : null,
      message: s.status === 'dead' ? s.error.message : null,
      result: s.status === 'succeeded' ? s.result : null,
      logId: s.logId,
    }).changes;
    return changes === 1;
  }

  async get(id: number): Promise<QueueJob | undefined> {
    const row = this.stmt.byId.get(id) as JobRow | undefined;
    return row && jobFromRow(row);
  }

  async attempts(id: number): Promise<QueueAttempt[]> {
    return (this.stmt.attempts.all(id) as AttemptRow[]).map(attemptFromRow);
  }

  async list(filter: JobFilter): Promise<QueueJob[]> {
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (filter.status) (clauses.push('status = ?'), params.push(filter.status));
    if (filter.integration) (clauses.push('integration = ?'), params.push(filter.integration));
    const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    // Waiting jobs in the order a drain takes them; finished ones newest first.
    const order =
      filter.status === 'pending' || filter.status === 'leased'
        ? 'ORDER BY priority DESC, run_at, id'
        : filter.status
          ? 'ORDER BY COALESCE(finished_at, updated_at) DESC, id DESC'
          : 'ORDER BY id DESC';
    const limit = `LIMIT ${Math.max(0, Math.floor(filter.limit ?? 50))}`;
    return (this.db.prepare(`SELECT * FROM queue_jobs ${where} ${order} ${limit}`).all(...params) as JobRow[]).map(jobFromRow);
  }

  async retry(ids: number[], now: number): Promise<{ retried: number[]; refused: { id: number; reason: string }[] }> {
    return this.db
      .transaction(() => {
        const retried: number[] = [];
        const refused: { id: number; reason: string }[] = [];
        for (const id of ids) {
          const row = this.stmt.byId.get(id) as JobRow | undefined;
          if (!row) {
            refused.push({ id, reason: 'no such job' });
            continue;
          }
          if (row.status !== 'dead' && row.status !== 'cancelled') {
            const hint = row.status === 'unknown' ? '; its outcome is unknown: settle it with `queue reconcile` instead' : '';
            refused.push({ id, reason: `job is ${row.status}; only dead or cancelled jobs can be retried${hint}` });
            continue;
          }
          const live = this.stmt.liveByKey.get(row.idempotency_key) as JobRow | undefined;
          if (live) {
            refused.push({ id, reason: `job ${live.id} with the same idempotency key is already ${live.status}` });
            continue;
          }
          this.stmt.retry.run({ id, now });
          retried.push(id);
        }
        return { retried, refused };
      })
      .immediate();
  }

  async retryDead(filter: { integration?: string; sinceMs?: number; now: number }): Promise<number[]> {
    const clauses = ["status = 'dead'"];
    const params: unknown[] = [];
    if (filter.integration) (clauses.push('integration = ?'), params.push(filter.integration));
    if (filter.sinceMs !== undefined) (clauses.push('finished_at >= ?'), params.push(filter.sinceMs));
    const ids = (this.db.prepare(`SELECT id FROM queue_jobs WHERE ${clauses.join(' AND ')} ORDER BY id`).all(...params) as { id: number }[]).map((r) => r.id);
    return (await this.retry(ids, filter.now)).retried;
  }

  async cancel(id: number, now: number): Promise<{ ok: true } | { ok: false; reason: string }> {
    if (this.stmt.cancel.run({ id, now }).changes === 1) return { ok: true };
    const row = this.stmt.byId.get(id) as JobRow | undefined;
    if (!row) return { ok: false, reason: `no job ${id}` };
    if (row.status === 'leased') {
      return { ok: false, reason: `job ${id} is running (leased by ${row.lease_owner} until ${new Date(row.lease_until ?? 0).toISOString()}); only pending jobs can be cancelled` };
    }
    return { ok: false, reason: `job ${id} is ${row.status}; only pending jobs can be cancelled` };
  }

  async purge(status: 'succeeded' | 'dead' | 'cancelled', finishedBefore: number): Promise<number> {
    return this.stmt.purge.run(status, finishedBefore).changes;
  }

  async countPurgeable(status: 'succeeded' | 'dead' | 'cancelled', finishedBefore: number): Promise<number> {
    return (this.stmt.countPurgeable.get(status, finishedBefore) as { n: number }).n;
  }

  async stats(now: number): Promise<QueueStats> {
    const rows = this.stmt.countByStatus.all() as { status: JobStatus; integration: string; count: number }[];
    const byStatus = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
    for (const r of rows) byStatus[r.status] += r.count;
    const due = this.stmt.oldestDue.get(now) as { oldest: number | null; due: number };
    return { byStatus, byIntegration: rows, oldestDueRunAt: due.oldest, due: due.due };
  }

  async dueIds(now: number, integrations?: string[]): Promise<number[]> {
    return (this.stmt.dueIds.all({ now, only: names(integrations) }) as { id: number }[]).map((r) => r.id);
  }

  async countDue(now: number, integrations?: string[]): Promise<number> {
    return (this.stmt.countDue.get({ now, only: names(integrations) }) as { n: number }).n;
  }

  async leaseOwners(): Promise<string[]> {
    return (this.stmt.leaseOwners.all() as { owner: string }[]).map((r) => r.owner);
  }
}
