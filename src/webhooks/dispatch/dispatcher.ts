import type { InboundWebhook, Logger } from '../../core/adapter.js';
import type { Clock } from '../../core/clock.js';
import { silentLogger } from '../../core/logger.js';
import { StoreError, mapSqliteError } from '../../store/errors.js';
import type { Store } from '../../store/types.js';
import type { ProcessingResult, StoredEvent } from '../../store/webhook-types.js';
import type { WebhookEndpoints } from '../ingest/endpoints.js';
import { inboundFromRow, parseEvents } from './parse-events.js';

/** Called for every normalized event once it is stored; outbound delivery plugs in here. */
export type EventListener = (event: StoredEvent) => void | Promise<void>;

export interface DispatchJob {
  id: number;
  integration: string;
  request: InboundWebhook;
}

export interface DispatchOutcome {
  id: number;
  integration: string;
  status: 'processed' | 'failed';
  events: StoredEvent[];
  error?: string;
}

export interface DispatcherOptions {
  store: Pick<Store, 'webhooks'>;
  endpoints: WebhookEndpoints;
  clock: Clock;
  log?: Logger;
  onEvent?: EventListener;
  /** Per webhook, for metrics: its outcome and the seconds its processing took. */
  onOutcome?(integration: string, status: 'processed' | 'failed', seconds: number): void;
  /** Webhooks settled per transaction. */
  batchSize?: number;
  /**
   * How long a partial batch waits for company (default 20 ms): processing
   * is off the request path, and fewer, larger transactions leave the disk
   * to the ingest commits that providers are waiting on.
   */
  coalesceMs?: number;
  /**
   * Most deliveries held in memory waiting for processing (default 10,000).
   * Past it, new ones stay `received` in the store and are caught up from
   * there once the queue drains, so a flood cannot exhaust memory.
   */
  maxQueued?: number;
}

/**
 * Processing, off the request path: the adapter's parser turns each stored
 * delivery into normalized events, which are stored together with the
 * delivery's new status (processed, or failed with the error) in one
 * transaction per batch, then handed to the onEvent listener. Used live by
 * the daemon (enqueue) and directly by replay (run).
 */
export class Dispatcher {
  private readonly queue: DispatchJob[] = [];
  /** Ids queued or being processed, so recovery never runs a row twice. */
  private readonly inFlight = new Set<number>();
  private working = false;
  private idleWaiters: (() => void)[] = [];
  private stopped = false;
  /** Deliveries were left in the store because the queue was full. */
  private behind = false;
  private readonly log: Logger;
  private readonly batchSize: number;
  private readonly coalesceMs: number;
  private readonly maxQueued: number;

  constructor(private readonly options: DispatcherOptions) {
    this.log = options.log ?? silentLogger;
    this.batchSize = options.batchSize ?? 256;
    this.coalesceMs = options.coalesceMs ?? 20;
    this.maxQueued = options.maxQueued ?? 10_000;
  }

  enqueue(job: DispatchJob): void {
    if (this.inFlight.has(job.id)) return;
    if (this.queue.length >= this.maxQueued) {
      this.behind = true;
      return;
    }
    this.inFlight.add(job.id);
    this.queue.push(job);
    if (!this.working) {
      this.working = true;
      setTimeout(() => void this.work(), this.coalesceMs);
    }
  }

  get backlog(): number {
    return this.queue.length;
  }

  /** Resolves when the queue is empty and nothing is being processed. */
  idle(): Promise<void> {
    if (!this.working && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops recovery from fetching more; queued work still finishes (see idle()). */
  stop(): void {
    this.stopped = true;
  }

  /**
   * Processes rows left in `received` (by a crash, or by a full queue): those
   * that exist now, page by page. Ids queued or in processing are skipped,
   * so it never races the live queue.
   */
  async recover(pageSize = 200): Promise<number> {
    const newest = await this.options.store.webhooks.list({ status: 'received', order: 'desc', limit: 1 });
    if (newest.length === 0) return 0;
    const upTo = newest[0].id;
    let afterId = 0;
    let count = 0;
    while (!this.stopped) {
      const page = (await this.options.store.webhooks.list({ status: 'received', order: 'asc', afterId, limit: pageSize })).filter((r) => r.id <= upTo);
      if (page.length === 0) break;
      afterId = page[page.length - 1].id;
      const rows = await this.options.store.webhooks.getMany(page.map((r) => r.id).filter((id) => !this.inFlight.has(id)));
      const jobs = rows.filter((r) => r.status === 'received').map((r) => ({ id: r.id, integration: r.integration, request: inboundFromRow(r) }));
      for (const job of jobs) this.inFlight.add(job.id);
      try {
        await this.run(jobs);
      } finally {
        for (const job of jobs) this.inFlight.delete(job.id);
      }
      count += jobs.length;
      if (afterId >= upTo) break;
    }
    if (count) this.log.info('recovered unprocessed webhooks', { count });
    return count;
  }

  /**
   * Parses, stores and announces a batch. A delivery that cannot be parsed
   * or stored, whatever the error, is recorded as failed alone; it throws
   * only when the store itself cannot be written (the rows stay `received`).
   */
  async run(jobs: DispatchJob[]): Promise<DispatchOutcome[]> {
    if (jobs.length === 0) return [];
    const started = performance.now();
    const results: ProcessingResult[] = [];
    for (const job of jobs) {
      const endpoint = this.options.endpoints.get(job.integration);
      const at = this.options.clock.now();
      if (!endpoint) {
        results.push({ id: job.id, at, ok: false, error: `integration "${job.integration}" is not configured to receive webhooks` });
        continue;
      }
      const parsed = await parseEvents(endpoint, job.request);
      results.push(parsed.ok ? { id: job.id, at, ok: true, events: parsed.events } : { id: job.id, at, ok: false, error: parsed.error });
    }
    const stored = await this.record(results);
    const seconds = (performance.now() - started) / 1000 / jobs.length;
    const outcomes = jobs.map((job, i): DispatchOutcome => {
      const r = results[i];
      const status = r.ok ? 'processed' : 'failed';
      this.options.onOutcome?.(job.integration, status, seconds);
      if (!r.ok) this.log.warn('webhook processing failed', { webhookId: job.id, integration: job.integration, error: r.error });
      return { id: job.id, integration: job.integration, status, events: stored[i] ?? [], ...(r.ok ? {} : { error: r.error }) };
    });
    await this.announce(outcomes);
    return outcomes;
  }

  /**
   * One transaction for the batch; when it is refused for anything but the
   * store being unwritable, each delivery in a transaction of its own, so
   * the one that cannot be stored (events too large to serialise, a value
   * the store refuses) is marked failed with the reason and the others go in.
   * Replaces the entries of `results` that ended failed.
   */
  private async record(results: ProcessingResult[]): Promise<StoredEvent[][]> {
    const { webhooks } = this.options.store;
    try {
      return await webhooks.settle(results);
    } catch (error) {
      // Nothing to split: a lone failure mark the store refuses is the store's problem.
      if (isStoreOutage(error) || (results.length === 1 && !results[0].ok)) throw error;
    }
    const stored: StoredEvent[][] = [];
    for (let i = 0; i < results.length; i++) {
      try {
        stored.push((await webhooks.settle([results[i]]))[0] ?? []);
      } catch (error) {
        if (isStoreOutage(error)) throw error;
        const failed: ProcessingResult = { id: results[i].id, at: results[i].at, ok: false, error: `could not record processing: ${errorText(error)}` };
        await webhooks.settle([failed]);
        results[i] = failed;
        stored.push([]);
      }
    }
    return stored;
  }

  private async announce(outcomes: DispatchOutcome[]): Promise<void> {
    const listener = this.options.onEvent;
    if (!listener) return;
    for (const outcome of outcomes) {
      for (const event of outcome.events) {
        try {
          await listener(event);
        } catch (error) {
          // The event is stored; a listener's failure is its own to retry.
          this.log.error('event listener failed', { eventId: event.id, type: event.type, error: (error as Error)?.message ?? String(error) });
        }
      }
    }
  }

  private async work(): Promise<void> {
    try {
      for (;;) {
        await this.drainQueue();
        if (!this.behind || this.stopped) break;
        this.behind = false;
        try {
          await this.recover();
        } catch (error) {
          this.log.error('could not catch up on unprocessed webhooks', { error: (error as Error)?.message ?? String(error) });
        }
      }
    } finally {
      this.working = false;
      for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  private async drainQueue(): Promise<void> {
    while (this.queue.length > 0) {
      const jobs = this.queue.splice(0, this.batchSize);
      try {
        await this.run(jobs);
      } catch (error) {
        // The store refused the outcomes: the rows stay `received` and are
        // picked up by recovery at the next start (or by replay).
        this.log.error('could not record webhook processing', { count: jobs.length, error: (error as Error)?.message ?? String(error) });
      } finally {
        for (const job of jobs) this.inFlight.delete(job.id);
      }
      // Requests are handled in between batches: processing must never starve ingest.
      if (this.queue.length < this.batchSize && !this.stopped) await new Promise((resolve) => setTimeout(resolve, this.coalesceMs));
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

/** The store cannot be written at all (locked, full, gone): no delivery is to blame, all stay `received`. */
function isStoreOutage(error: unknown): boolean {
  return error instanceof StoreError || mapSqliteError(error, '') instanceof StoreError;
}

function errorText(error: unknown): string {
  return ((error as Error)?.message ?? String(error)).slice(0, 500) || 'unknown error';
}
