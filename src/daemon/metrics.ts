import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { IngestObserver } from '../webhooks/ingest/ingest.js';

/** A reason becomes a label only when it is one of ours: short, lower-case, dashes. Anything else is "other". */
const REASON = /^[a-z0-9-]{1,40}$/;
/** Node's error codes (HPE_HEADER_OVERFLOW, ERR_HTTP_REQUEST_TIMEOUT), lower-cased. */
const CODE = /^[a-z0-9_]{1,40}$/;

/**
 * The daemon's Prometheus metrics, per integration. Integration labels come
 * only from configured names (unknown ones share "(unknown)") and reasons
 * from fixed codes, so no request can grow the label set.
 */
export class DaemonMetrics implements IngestObserver {
  readonly registry = new Registry();
  private readonly requests: Counter<'integration'>;
  private readonly verifiedTotal: Counter<'integration'>;
  private readonly rejectedTotal: Counter<'integration' | 'reason'>;
  private readonly duplicates: Counter<'integration'>;
  private readonly storeFailures: Counter<'integration'>;
  private readonly processedTotal: Counter<'integration' | 'outcome'>;
  private readonly processingSeconds: Histogram<'integration'>;
  private readonly ingestSeconds: Histogram<'integration'>;
  private readonly commitBatch: Histogram;
  private readonly commitSeconds: Histogram;
  private readonly rejectionsDropped: Counter;
  private readonly clientErrors: Counter<'code'>;

  constructor(options: { backlog?: () => number; defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.requests = new Counter({ name: 'integrations_webhook_requests_total', help: 'Webhook requests received', labelNames: ['integration'], registers });
    this.verifiedTotal = new Counter({ name: 'integrations_webhook_verified_total', help: 'Webhook requests that passed verification', labelNames: ['integration'], registers });
    this.rejectedTotal = new Counter({
      name: 'integrations_webhook_rejected_total',
      help: 'Webhook requests refused, by reason',
      labelNames: ['integration', 'reason'],
      registers,
    });
    this.duplicates = new Counter({ name: 'integrations_webhook_duplicates_total', help: 'Repeated provider event ids acknowledged without processing', labelNames: ['integration'], registers });
    this.storeFailures = new Counter({ name: 'integrations_webhook_store_failures_total', help: 'Verified webhooks answered 503 because the store could not commit', labelNames: ['integration'], registers });
    this.processedTotal = new Counter({
      name: 'integrations_webhook_processing_total',
      help: 'Webhooks processed, by outcome (processed | failed)',
      labelNames: ['integration', 'outcome'],
      registers,
    });
    this.processingSeconds = new Histogram({
      name: 'integrations_webhook_processing_seconds',
      help: 'Time to parse and record one webhook',
      labelNames: ['integration'],
      buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers,
    });
    this.ingestSeconds = new Histogram({
      name: 'integrations_webhook_ingest_seconds',
      help: 'From the end of the request body to the acknowledgement (verification and durable commit)',
      labelNames: ['integration'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    this.commitBatch = new Histogram({
      name: 'integrations_webhook_commit_batch_size',
      help: 'Deliveries committed per transaction (group commit)',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
      registers,
    });
    this.commitSeconds = new Histogram({
      name: 'integrations_webhook_commit_seconds',
      help: 'Duration of one group-commit transaction, fsync included (disk latency as the providers feel it)',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    this.rejectionsDropped = new Counter({ name: 'integrations_webhook_rejections_dropped_total', help: 'Rejection records not stored (backlog full or store failure)', registers });
    this.clientErrors = new Counter({ name: 'integrations_http_client_errors_total', help: 'Connections closed for malformed requests, oversized headers or timeouts', labelNames: ['code'], registers });
    const backlog = options.backlog;
    if (backlog) {
      new Gauge({
        name: 'integrations_webhook_processing_backlog',
        help: 'Stored webhooks waiting for processing in this daemon',
        registers,
        collect() {
          this.set(backlog());
        },
      });
    }
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** Per-integration children of the hot-path metrics, so a request does not hash its labels each time. */
  private readonly hot = new Map<string, { requests: Counter.Internal; verified: Counter.Internal; ingest: Histogram.Internal<'integration'> }>();

  private hotFor(integration: string) {
    let children = this.hot.get(integration);
    if (!children) {
      children = { requests: this.requests.labels(integration), verified: this.verifiedTotal.labels(integration), ingest: this.ingestSeconds.labels(integration) };
      this.hot.set(integration, children);
    }
    return children;
  }

  received(integration: string): void {
    this.hotFor(integration).requests.inc();
  }

  verified(integration: string): void {
    this.hotFor(integration).verified.inc();
  }

  rejected(integration: string, reason: string): void {
    this.rejectedTotal.inc({ integration, reason: REASON.test(reason) ? reason : 'other' });
  }

  duplicate(integration: string): void {
    this.duplicates.inc({ integration });
  }

  storeFailed(integration: string): void {
    this.storeFailures.inc({ integration });
  }

  processed(integration: string, outcome: 'processed' | 'failed', seconds: number): void {
    this.processedTotal.inc({ integration, outcome });
    this.processingSeconds.observe({ integration }, seconds);
  }

  acknowledged(integration: string, seconds: number): void {
    this.hotFor(integration).ingest.observe(seconds);
  }

  committed(deliveries: number, seconds: number): void {
    if (deliveries > 0) this.commitBatch.observe(deliveries);
    this.commitSeconds.observe(seconds);
  }

  dropped(count: number): void {
    this.rejectionsDropped.inc(count);
  }

  clientError(code: string): void {
    const label = code.toLowerCase();
    this.clientErrors.inc({ code: CODE.test(label) ? label : 'other' });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
