/**
 * The Store: an async interface so a PostgreSQL backend can drop in beside
 * SQLite without touching callers. Each capability owns one repository.
 */
import type { EventRepo, WebhookRepo } from './webhook-types.js';

export type * from './webhook-types.js';
import type { CircuitRepo, QueueRepo, RateLimitRepo } from './queue-types.js';
export type * from './queue-types.js';
import type { OutboundRepo } from './outbound-types.js';
export type * from './outbound-types.js';

export type OperationStatus = 'ok' | 'failed';

export interface OperationLogInput {
  time: number;
  integration: string;
  adapter: string;
  operation: string;
  tenant: string | null;
  idempotencyKey: string;
  correlationId: string;
  status: OperationStatus;
  errorCategory: string | null;
  errorMessage: string | null;
  attempts: number;
  durationMs: number;
  /** JSON, already redacted. */
  request: string;
  /** JSON, already redacted; null on failure. */
  response: string | null;
  /** Set on the row that settles an earlier OUTCOME_UNKNOWN row (`integrations reconcile`); absent on every other row. */
  reconciles?: LogSettlement;
}

/** How a row settles an unknown outcome: which row, by the provider's query or by hand (who, and why). */
export interface LogSettlement {
  /** The OUTCOME_UNKNOWN row; null for a queued job that went unknown without one (its drain died mid-call). */
  logId: number | null;
  by: 'query' | 'hand';
  /** The OS user who settled it by hand. */
  actor: string | null;
  reason: string | null;
}

export interface OperationLogRow extends OperationLogInput {
  id: number;
}

export interface LogFilter {
  integration?: string;
  status?: OperationStatus;
  sinceMs?: number;
  untilMs?: number;
  /** Only rows with id greater than this (for follow mode). */
  afterId?: number;
  limit?: number;
  order?: 'asc' | 'desc';
}

export interface IntegrationOutcome {
  integration: string;
  lastSuccess: number | null;
  lastFailure: number | null;
  lastError: string | null;
}

export interface OperationLogRepo {
  append(row: OperationLogInput): Promise<number>;
  get(id: number): Promise<OperationLogRow | undefined>;
  query(filter: LogFilter): Promise<OperationLogRow[]>;
  /** Streams rows in id order without holding them all in memory. */
  iterate(filter: LogFilter): AsyncIterable<OperationLogRow>;
  count(filter: LogFilter): Promise<number>;
  /** Deletes rows older than the cut-off; returns how many. */
  prune(olderThanMs: number): Promise<number>;
  outcomes(): Promise<IntegrationOutcome[]>;
  /** Appends a row that settles another (`row.reconciles`); null, and nothing written, when that one is settled already. */
  appendSettlement(row: OperationLogInput & { reconciles: LogSettlement }): Promise<number | null>;
  /** The row that settled this one, if any. */
  settlementOf(id: number): Promise<OperationLogRow | undefined>;
  /** OUTCOME_UNKNOWN rows no row settles yet, oldest first. */
  unsettledUnknown(filter: { integration?: string; limit?: number }): Promise<OperationLogRow[]>;
}

export type IdempotencyState = 'in_flight' | 'completed' | 'unknown';

export interface IdempotencyRecord {
  key: string;
  integration: string;
  operation: string;
  state: IdempotencyState;
  owner: string;
  claimedAt: number;
  /** A claim older than this may be taken over (its process is presumed dead). */
  staleAt: number;
  expiresAt: number;
  /** JSON of the result, when completed. */
  result: string | null;
  logId: number | null;
}

export type ClaimResult =
  | { outcome: 'claimed' }
  | { outcome: 'taken-over'; previousOwner: string }
  | { outcome: 'exists'; record: IdempotencyRecord };

export interface IdempotencyRepo {
  /**
   * Claims a key atomically. A missing or expired key is claimed; an
   * in-flight claim past its staleAt is taken over; anything else is
   * returned as it stands.
   */
  claim(input: { key: string; integration: string; operation: string; owner: string; now: number; staleAt: number; expiresAt: number }): Promise<ClaimResult>;
  /** Records the outcome under the owner's claim. */
  settle(input: { key: string; owner: string; state: 'completed' | 'unknown'; result: string | null; logId: number | null; expiresAt: number }): Promise<void>;
  /** Drops the owner's claim so the key can run again (the operation failed before any effect could be assumed). */
  release(key: string, owner: string): Promise<void>;
  get(key: string): Promise<IdempotencyRecord | undefined>;
  purgeExpired(now: number): Promise<number>;
}

export interface KvRepo {
  get(scope: string, key: string, now: number): Promise<string | undefined>;
  set(scope: string, key: string, value: string, expiresAt: number | null): Promise<void>;
  delete(scope: string, key: string): Promise<void>;
}

export interface Store {
  readonly backend: 'sqlite' | 'postgres';
  /** Where it lives, for messages. */
  readonly location: string;
  readonly logs: OperationLogRepo;
  readonly idempotency: IdempotencyRepo;
  readonly kv: KvRepo;
  readonly webhooks: WebhookRepo;
  readonly events: EventRepo;
  readonly queue: QueueRepo;
  readonly circuits: CircuitRepo;
  readonly rateLimits: RateLimitRepo;
  readonly outbound: OutboundRepo;
  /** Proves the store accepts writes (readiness, health). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
