import type { InboundWebhook } from '../../core/adapter.js';
import type { Clock } from '../../core/clock.js';
import { clientAddress } from '../verify/allow-ips.js';
import type { TrustedProxies } from '../verify/types.js';
import type { WebhookEndpoint } from './endpoints.js';
import type { GroupCommit } from './group-commit.js';
import { structuralMasker, type Masker } from './mask.js';

/** What happened to one request, for metrics and logs; reasons are short fixed strings. */
export interface IngestObserver {
  received?(integration: string): void;
  verified?(integration: string): void;
  rejected?(integration: string, reason: string, status: number): void;
  duplicate?(integration: string): void;
  stored?(integration: string, id: number): void;
  storeFailed?(integration: string, error: unknown): void;
}

export type IngestResult =
  | { kind: 'accepted'; id: number; duplicate: boolean; eventId: string | null }
  | { kind: 'rejected'; status: number; reason: string }
  /** The store could not commit: answer 503 so the provider retries. */
  | { kind: 'unavailable'; error: unknown };

export interface IngestOptions {
  commit: GroupCommit;
  clock: Clock;
  publicUrl?: string;
  /** The operator's reverse proxies (compiled from `daemon.trustProxy`). */
  trustedProxies?: TrustedProxies;
  observer?: IngestObserver;
  /** Called for each newly stored delivery, after its commit: the dispatcher's queue. */
  onStored?(id: number, endpoint: WebhookEndpoint, request: InboundWebhook): void;
}

/** A request refused before or instead of verification (unknown integration, too large, handshake). */
export interface RejectionDetails {
  integration: string;
  reason: string;
  status: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  sourceIp?: string;
  bodySize: number;
}

/** Integration label for requests naming no configured integration: one bounded bucket. */
export const UNKNOWN_INTEGRATION = '(unknown)';

const MAX_EVENT_ID = 512;

function contentTypeOnly(headers: Record<string, string>): Record<string, string> {
  return headers['content-type'] === undefined ? {} : { 'content-type': headers['content-type'] };
}

/**
 * The request path of an inbound webhook: verify, then commit durably (group
 * commit), then hand the stored delivery to processing. Only the outcome
 * goes back to the HTTP layer, which answers after the commit.
 */
export class Ingest {
  constructor(private readonly options: IngestOptions) {}

  async receive(endpoint: WebhookEndpoint, request: InboundWebhook): Promise<IngestResult> {
    const { observer } = this.options;
    const name = endpoint.name;
    observer?.received?.(name);
    const verdict = endpoint.verify!(request, { now: this.options.clock.now(), publicUrl: this.options.publicUrl, trustedProxies: this.options.trustedProxies });
    if (!verdict.ok) {
      this.reject({ ...request, integration: name, reason: verdict.reason, status: verdict.status, bodySize: request.rawBody.length }, endpoint.masker);
      return { kind: 'rejected', status: verdict.status, reason: verdict.reason };
    }
    observer?.verified?.(name);
    // Where the signature covers no header, the adapter's id may come from the signed body only.
    const idSource = verdict.unsignedHeaders ? { ...request, headers: contentTypeOnly(request.headers) } : request;
    const eventId = this.eventIdOf(endpoint, idSource) ?? verdict.eventId ?? null;
    let outcome;
    try {
      outcome = await this.options.commit.deliver({
        integration: name,
        eventId: eventId === null ? null : eventId.slice(0, MAX_EVENT_ID),
        receivedAt: request.receivedAt,
        method: request.method,
        path: endpoint.masker.path(request.path),
        query: endpoint.masker.query(request.query),
        headers: endpoint.masker.headers(request.headers),
        sourceIp: this.sourceIp(request) ?? null,
        body: request.rawBody,
      });
    } catch (error) {
      observer?.storeFailed?.(name, error);
      return { kind: 'unavailable', error };
    }
    if (outcome.duplicate) {
      observer?.duplicate?.(name);
    } else {
      observer?.stored?.(name, outcome.id);
      this.options.onStored?.(outcome.id, endpoint, request);
    }
    return { kind: 'accepted', id: outcome.id, duplicate: outcome.duplicate, eventId };
  }

  /** Records a refused request (bounded table, masked headers) and counts it. */
  reject(details: RejectionDetails, masker: Masker = structuralMasker): void {
    this.options.observer?.rejected?.(details.integration, details.reason, details.status);
    this.options.commit.reject({
      time: this.options.clock.now(),
      integration: details.integration,
      reason: details.reason,
      status: details.status,
      method: details.method,
      path: masker.path(details.path),
      sourceIp: this.sourceIp(details) ?? null,
      headers: masker.headers(details.headers),
      bodySize: details.bodySize,
    });
  }

  /** The client as the allow-list sees it: the socket peer, or our proxy's X-Forwarded-For entry when trusted. */
  private sourceIp(req: { headers: Record<string, string>; sourceIp?: string }): string | undefined {
    return clientAddress(req, this.options.trustedProxies);
  }

  private eventIdOf(endpoint: WebhookEndpoint, request: InboundWebhook): string | undefined {
    if (!endpoint.section.eventId) return undefined;
    try {
      const id = endpoint.section.eventId(request, { integration: endpoint.name, config: endpoint.integration.config });
      return id === undefined || id === null || id === '' ? undefined : String(id);
    } catch {
      // A body the adapter cannot read is still a verified delivery: it is
      // stored (without de-duplication) and processing reports the problem.
      return undefined;
    }
  }
}
