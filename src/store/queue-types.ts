/**
 * Store repositories for the offline queue and the resilience state every
 * process shares: circuit breakers, Retry-After pauses, token buckets.
 */

export type JobStatus = 'pending' | 'leased' | 'succeeded' | 'dead' | 'unknown' | 'cancelled';

export const JOB_STATUSES: readonly JobStatus[] = ['pending', 'leased', 'succeeded', 'dead', 'unknown', 'cancelled'];

export type JobOrigin = 'enqueue' | 'on-failure';

export interface EnqueueInput {
  integration: string;
  operation: string;
  /** JSON of the payload as given. */
  payload: string;
  tenant: string | null;
  idempotencyKey: string;
  correlationId: string | null;
  origin: JobOrigin;
  /** 0 (lowest) to 10. */
  priority: number;
  runAt: number;
  maxAttempts: number;
  now: number;
}

export interface QueueJob {
  id: number;
  integration: string;
  operation: string;
  payload: string;
  tenant: string | null;
  idempotencyKey: string;
  correlationId: string | null;
  origin: JobOrigin;
  status: JobStatus;
  priority: number;
  runAt: number;
  attempts: number;
  maxAttempts: number;
  leaseOwner: string | null;
  leaseUntil: number | null;
  /** The holder of a lease that expired or whose process died, until the job runs again. */
  abandonedOwner: string | null;
  lastErrorCategory: string | null;
  lastError: string | null;
  result: string | null;
  logId: number | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

export type AttemptOutcome = 'succeeded' | 'retry' | 'dead' | 'unknown' | 'abandoned';

export interface QueueAttempt {
  id: number;
  jobId: number;
  attempt: number;
  owner: string;
  startedAt: number;
  finishedAt: number | null;
  /** null while running. */
  outcome: AttemptOutcome | null;
  errorCategory: string | null;
  errorMessage: string | null;
  logId: number | null;
}

export interface ClaimInput {
  owner: string;
  now: number;
  leaseMs: number;
  limit: number;
  /** Only these integrations (undefined: all). */
  only?: string[];
  /** Never these (open circuits, paused, disabled, at their concurrency cap). */
  exclude?: string[];
  /** Lease holders known to be dead: their leases are recovered at once instead of at expiry. */
  deadOwners?: string[];
}

export interface JobError {
  category: string;
  message: string;
}

/** How a leased job ends its attempt. */
export type JobSettlement =
  | { status: 'succeeded'; result: string | null; logId: number | null }
  | { status: 'dead' | 'unknown'; error: JobError; logId: number | null }
  /** Transient failure: due again at runAt. */
  | { status: 'retry'; runAt: number; error: JobError; logId: number | null }
  /** Not attempted after all (circuit open, paused, shutting down): the attempt is given back. */
  | { status: 'released'; runAt: number; reason?: JobError };

export interface JobFilter {
  status?: JobStatus;
  integration?: string;
  limit?: number;
}

export interface QueueStats {
  byStatus: Record<JobStatus, number>;
  byIntegration: { integration: string; status: JobStatus; count: number }[];
  /** run_at of the oldest job that is due and waiting, or null when none is. */
  oldestDueRunAt: number | null;
  due: number;
}

export interface QueueRepo {
  /** Stores a job; a live job (pending, leased, unknown) with the same idempotency key is returned instead. */
  enqueue(input: EnqueueInput): Promise<{ job: QueueJob; created: boolean }>;
  /**
   * Atomically, across processes: recovers expired leases (and those of dead
   * holders), then leases up to `limit` due jobs, priority high first, then
   * oldest run_at, counting an attempt for each.
   */
  claim(input: ClaimInput): Promise<QueueJob[]>;
  /** Extends the owner's leases; returns how many it still holds. */
  renew(ids: number[], owner: string, leaseUntil: number, now: number): Promise<number>;
  /** Ends the owner's current attempt; false when the owner no longer holds the lease. */
  settle(id: number, owner: string, now: number, settlement: JobSettlement): Promise<boolean>;
  /** Settles a job in `unknown` (reconcile): succeeded or dead. */
  resolveUnknown(id: number, now: number, settlement: { status: 'succeeded'; result: string | null; logId: number | null } | { status: 'dead'; error: JobError; logId: number | null }): Promise<boolean>;
  get(id: number): Promise<QueueJob | undefined>;
  attempts(id: number): Promise<QueueAttempt[]>;
  list(filter: JobFilter): Promise<QueueJob[]>;
  /** Dead or cancelled jobs back to pending with fresh attempts; returns the ids moved. */
  retry(ids: number[], now: number): Promise<{ retried: number[]; refused: { id: number; reason: string }[] }>;
  retryDead(filter: { integration?: string; sinceMs?: number; now: number }): Promise<number[]>;
  /** A pending job to cancelled; the reason when it cannot be. */
  cancel(id: number, now: number): Promise<{ ok: true } | { ok: false; reason: string }>;
  purge(status: 'succeeded' | 'dead' | 'cancelled', finishedBefore: number): Promise<number>;
  /** How many jobs `purge` with the same arguments would delete (asked before deleting). */
  countPurgeable(status: 'succeeded' | 'dead' | 'cancelled', finishedBefore: number): Promise<number>;
  stats(now: number): Promise<QueueStats>;
  /** Due pending jobs (ids), optionally of some integrations only. */
  dueIds(now: number, integrations?: string[]): Promise<number[]>;
  countDue(now: number, integrations?: string[]): Promise<number>;
  /** Distinct holders of current leases (to find dead ones). */
  leaseOwners(): Promise<string[]>;
}

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitRecord {
  integration: string;
  state: CircuitState;
  consecutiveFailures: number;
  /** Failure-ratio window: start and counts. */
  windowStart: number;
  windowCalls: number;
  windowFailures: number;
  openedAt: number | null;
  /** While open: the time the next call becomes the half-open trial. */
  openUntil: number | null;
  /** While half-open: who holds the one trial call, and until when. */
  trialOwner: string | null;
  trialUntil: number | null;
  /** A provider's Retry-After: no calls before this time, in any process. */
  pausedUntil: number | null;
  pauseReason: string | null;
  /** The failure that last opened it. */
  lastError: string | null;
  updatedAt: number;
}

export interface CircuitRepo {
  get(integration: string): Promise<CircuitRecord | undefined>;
  list(): Promise<CircuitRecord[]>;
  /**
   * Reads the record, applies `change` and writes what it returns (nothing
   * when it returns null), as one atomic step across processes. Returns the
   * record as it stands afterwards (undefined when there is none).
   */
  update(integration: string, change: (current: CircuitRecord | undefined) => CircuitRecord | null): Promise<CircuitRecord | undefined>;
  delete(integration: string): Promise<boolean>;
}

export interface RateTake {
  granted: boolean;
  /** When not granted: how long until a token is there. */
  waitMs: number;
}

export interface RateLimitRepo {
  /** Takes one token from the integration's bucket (refilled at perSecond up to burst), atomically across processes. */
  take(input: { integration: string; now: number; perSecond: number; burst: number }): Promise<RateTake>;
}
