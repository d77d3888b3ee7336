import type { Store } from '../../store/types.js';
import type { IngestOutcome, WebhookDeliveryInput, WebhookRejectionInput } from '../../store/webhook-types.js';

export interface GroupCommitOptions {
  store: Pick<Store, 'webhooks'>;
  /** Most deliveries in one transaction; the rest go in the next. */
  maxBatch?: number;
  /** Rejections waiting beyond this are dropped (and counted): a flood must not grow memory. */
  maxPendingRejections?: number;
  /** After each transaction, for metrics. */
  onCommit?(info: { deliveries: number; rejections: number; ms: number }): void;
  /** Rejections lost because the store failed or the backlog was full. */
  onRejectionsDropped?(count: number, error?: unknown): void;
}

interface Pending {
  input: WebhookDeliveryInput;
  resolve(outcome: IngestOutcome): void;
  reject(error: unknown): void;
}

/**
 * Group commit: everything submitted during one turn of the event loop is
 * written in ONE transaction (one fsync with synchronous=FULL), then each
 * caller is answered. A flush is scheduled with setImmediate, which runs
 * after the poll phase has read every request that arrived together; while a
 * transaction runs, new arrivals queue for the next one. Durability per
 * request stays exact: nobody is answered before their row is on disk.
 */
export class GroupCommit {
  private deliveries: Pending[] = [];
  private rejections: WebhookRejectionInput[] = [];
  private scheduled = false;
  private running = false;
  private idleWaiters: (() => void)[] = [];
  private readonly maxBatch: number;
  private readonly maxPendingRejections: number;

  constructor(private readonly options: GroupCommitOptions) {
    this.maxBatch = options.maxBatch ?? 512;
    this.maxPendingRejections = options.maxPendingRejections ?? 10_000;
  }

  /** Resolves once the delivery is committed (or found to be a duplicate); rejects when the store fails. */
  deliver(input: WebhookDeliveryInput): Promise<IngestOutcome> {
    return new Promise((resolve, reject) => {
      this.deliveries.push({ input, resolve, reject });
      this.schedule();
    });
  }

  /** Queued for the next transaction; nobody waits on it (the 4xx does not depend on it). */
  reject(input: WebhookRejectionInput): void {
    if (this.rejections.length >= this.maxPendingRejections) {
      this.options.onRejectionsDropped?.(1);
      return;
    }
    this.rejections.push(input);
    this.schedule();
  }

  get pending(): number {
    return this.deliveries.length + this.rejections.length;
  }

  /** Resolves when nothing is queued or being written. */
  flushed(): Promise<void> {
    if (!this.running && !this.scheduled && this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    this.running = true;
    const batch = this.deliveries.length > this.maxBatch ? this.deliveries.splice(0, this.maxBatch) : this.deliveries.splice(0);
    const rejections = this.rejections.splice(0);
    const started = performance.now();
    try {
      const outcomes = await this.options.store.webhooks.commit({ deliveries: batch.map((p) => p.input), rejections });
      this.options.onCommit?.({ deliveries: batch.length, rejections: rejections.length, ms: performance.now() - started });
      for (let i = 0; i < batch.length; i++) batch[i].resolve(outcomes[i]);
    } catch (error) {
      for (const p of batch) p.reject(error);
      if (rejections.length) this.options.onRejectionsDropped?.(rejections.length, error);
    } finally {
      this.running = false;
    }
    if (this.pending > 0) this.schedule();
    else for (const wake of this.idleWaiters.splice(0)) wake();
  }
}
