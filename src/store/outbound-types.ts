/**
 * Store repository for outbound webhooks: subscriptions to normalized events,
 * one delivery per (event, subscription), every attempt recorded.
 */

export interface Subscription {
  id: number;
  url: string;
  /** Event type patterns ('payment.*', 'sms.delivered', '*'). */
  events: string[];
  description: string | null;
  createdAt: number;
  removedAt: number | null;
  /** The operator allowed a loopback, private or link-local destination for this one. */
  allowPrivateNetwork: boolean;
}

export interface SubscriptionInput {
  url: string;
  events: string[];
  /** 'whsec_' + base64. */
  secret: string;
  description: string | null;
  now: number;
  allowPrivateNetwork?: boolean;
}

export type DeliveryStatus = 'pending' | 'leased' | 'succeeded' | 'failed' | 'cancelled';

export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'leased', 'succeeded', 'failed', 'cancelled'];

export interface NewDelivery {
  subscriptionId: number;
  eventId: number;
  /** webhook-id, fixed for the life of the delivery. */
  messageId: string;
  eventType: string;
  integration: string;
  /** The JSON body to sign and send. */
  payload: string;
  runAt: number;
}

export interface Delivery {
  id: number;
  subscriptionId: number;
  eventId: number;
  messageId: string;
  eventType: string;
  integration: string;
  /** The subscription's URL. */
  url: string;
  payload: string;
  status: DeliveryStatus;
  runAt: number;
  /** Attempts in the current round; a redelivery starts again at 0. */
  attempts: number;
  leaseOwner: string | null;
  leaseUntil: number | null;
  lastResponseStatus: number | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

/** A leased delivery, with what sending it needs. Never print `secret`. */
export interface ClaimedDelivery extends Delivery {
  secret: string;
  /** Its subscription may reach a loopback, private or link-local address. */
  allowPrivateNetwork: boolean;
  /** The attempt row this claim opened. */
  attemptId: number;
  /** Its number over the delivery's whole life. */
  attemptNumber: number;
}

export type DeliveryAttemptOutcome = 'succeeded' | 'retry' | 'failed' | 'abandoned';

export interface DeliveryAttempt {
  id: number;
  deliveryId: number;
  attempt: number;
  owner: string;
  url: string;
  startedAt: number;
  finishedAt: number | null;
  /** null while in flight. */
  outcome: DeliveryAttemptOutcome | null;
  responseStatus: number | null;
  latencyMs: number | null;
  /** At most 1 KB of the receiver's answer. */
  responseExcerpt: string | null;
  error: string | null;
}

/** What one attempt produced. */
export interface AttemptResult {
  /** null when no HTTP answer came (refused, timed out, reset). */
  responseStatus: number | null;
  latencyMs: number;
  responseExcerpt: string | null;
  error: string | null;
}

export type DeliverySettlement =
  | { status: 'succeeded'; result: AttemptResult }
  /** Due again at runAt. */
  | { status: 'retry'; runAt: number; result: AttemptResult }
  /** The schedule is spent. */
  | { status: 'failed'; result: AttemptResult };

export interface DeliveryClaimInput {
  owner: string;
  now: number;
  leaseMs: number;
  limit: number;
}

export interface DeliveryFilter {
  status?: DeliveryStatus;
  subscriptionId?: number;
  /** Created at or after. */
  sinceMs?: number;
  limit?: number;
}

export interface OutboundRepo {
  createSubscription(input: SubscriptionInput): Promise<Subscription>;
  getSubscription(id: number): Promise<Subscription | undefined>;
  /** Active subscriptions, oldest first. */
  listSubscriptions(): Promise<Subscription[]>;
  /** Soft-removes it (secret wiped) and cancels its pending and leased deliveries. */
  removeSubscription(id: number, now: number): Promise<{ removed: boolean; cancelled: number }>;
  /** Its pending and leased deliveries: what `removeSubscription` would cancel (asked before removing). */
  countWaiting(subscriptionId: number): Promise<number>;
  /**
   * Stores new deliveries (an (event, subscription) pair already present, or
   * a subscription removed meanwhile, is skipped) and, when given, moves the
   * fan-out cursor forward to `cursor`, in one transaction. Returns how many were created.
   */
  enqueue(input: { deliveries: NewDelivery[]; now: number; cursor?: number }): Promise<number>;
  /** The newest event id fan-out has certainly covered. */
  fanOutCursor(): Promise<number>;
  /**
   * Atomically, across processes: recovers expired leases (their open
   * attempts marked abandoned), then leases up to `limit` due deliveries,
   * oldest run_at first, opening an attempt row for each.
   */
  claim(input: DeliveryClaimInput): Promise<ClaimedDelivery[]>;
  /**
   * Records the attempt's result (always) and moves the delivery on (only
   * while `owner` still holds the lease; false otherwise).
   */
  settle(delivery: { id: number; attemptId: number }, owner: string, now: number, settlement: DeliverySettlement): Promise<boolean>;
  get(id: number): Promise<Delivery | undefined>;
  /** Newest first. */
  list(filter: DeliveryFilter): Promise<Delivery[]>;
  attempts(id: number): Promise<DeliveryAttempt[]>;
  /** Finished deliveries (succeeded, failed, cancelled) back to pending, due now, with a fresh schedule. */
  redeliver(ids: number[], now: number): Promise<{ redelivered: number[]; refused: { id: number; reason: string }[] }>;
  /** Every failed delivery (finished at or after sinceMs) back to pending; returns the ids. */
  redeliverFailed(filter: { sinceMs?: number; now: number }): Promise<number[]>;
  /** When something next becomes due: the earliest pending run_at or leased lease_until; null when nothing waits. */
  nextDueAt(): Promise<number | null>;
}
