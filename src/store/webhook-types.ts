/**
 * Store repositories for inbound webhooks and the normalized events they
 * produce (DESIGN.md "Inbound webhook" flow).
 */

export type WebhookStatus = 'received' | 'processed' | 'failed';

export const WEBHOOK_STATUSES: readonly WebhookStatus[] = ['received', 'processed', 'failed'];

/** A verified delivery, as committed before its 2xx. Headers, path and query are already masked. */
export interface WebhookDeliveryInput {
  integration: string;
  /** The provider's delivery/event id; null when it gives none (no de-duplication then). */
  eventId: string | null;
  receivedAt: number;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lower-cased names. */
  headers: Record<string, string>;
  sourceIp: string | null;
  body: Buffer;
}

export interface WebhookRejectionInput {
  time: number;
  integration: string;
  reason: string;
  status: number;
  method: string;
  /** Masked. */
  path: string;
  sourceIp: string | null;
  /** Masked. */
  headers: Record<string, string>;
  bodySize: number;
}

export type IngestOutcome =
  | { id: number; duplicate: false }
  /** A repeat of a provider event id already stored: acknowledge, do not process again. */
  | { id: number; duplicate: true; status: WebhookStatus };

export interface WebhookSummary {
  id: number;
  integration: string;
  eventId: string | null;
  type: string | null;
  status: WebhookStatus;
  receivedAt: number;
  processedAt: number | null;
  error: string | null;
  attempts: number;
}

export interface WebhookRow extends WebhookSummary {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  sourceIp: string | null;
  body: Buffer;
}

export interface WebhookFilter {
  status?: WebhookStatus;
  integration?: string;
  sinceMs?: number;
  untilMs?: number;
  /** Only rows with id greater than this (paging). */
  afterId?: number;
  limit?: number;
  order?: 'asc' | 'desc';
}

export interface WebhookRejectionRow extends WebhookRejectionInput {
  /** Position in the integration's sequence of rejections. */
  seq: number;
}

export interface RejectionFilter {
  integration?: string;
  sinceMs?: number;
  limit?: number;
}

/** A normalized event as the dispatcher hands it to the store. */
export interface EventInput {
  type: string;
  externalId: string | null;
  occurredAt: string | null;
  data: Record<string, unknown>;
}

export interface StoredEvent extends EventInput {
  id: number;
  webhookId: number | null;
  /** Position among the events of its webhook; with webhookId, stable across replays. */
  seq: number;
  integration: string;
  createdAt: number;
}

export type ProcessingResult =
  | { id: number; at: number; ok: true; events: EventInput[] }
  | { id: number; at: number; ok: false; error: string };

export interface WebhookRepo {
  /**
   * Commits verified deliveries and rejections that arrived together in ONE
   * transaction (group commit); outcomes are in the order of `deliveries`.
   * A repeated (integration, eventId) is reported as a duplicate and not stored again.
   */
  commit(batch: { deliveries: WebhookDeliveryInput[]; rejections: WebhookRejectionInput[] }): Promise<IngestOutcome[]>;
  get(id: number): Promise<WebhookRow | undefined>;
  /** Several rows by id, in the order given; missing ids are left out. */
  getMany(ids: number[]): Promise<WebhookRow[]>;
  list(filter: WebhookFilter): Promise<WebhookSummary[]>;
  /**
   * Records processing outcomes in one transaction: events stored (replacing
   * those of an earlier run, ids kept), rows marked processed or failed,
   * attempts counted. Returns the stored events of each result, in order.
   * Need not be durable on its own: a lost outcome leaves the row `received`,
   * to be processed again.
   */
  settle(results: ProcessingResult[]): Promise<StoredEvent[][]>;
  /** Newest first. */
  rejections(filter: RejectionFilter): Promise<WebhookRejectionRow[]>;
}

export interface EventFilter {
  integration?: string;
  type?: string;
  webhookId?: number;
  sinceMs?: number;
  afterId?: number;
  limit?: number;
}

export interface EventRepo {
  get(id: number): Promise<StoredEvent | undefined>;
  /** Oldest first. */
  list(filter: EventFilter): Promise<StoredEvent[]>;
}
