import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Dispatcher } from 'undici';
import type { Logger } from '../../core/adapter.js';
import type { Clock } from '../../core/clock.js';
import { silentLogger } from '../../core/logger.js';
import { parseRetryAfter } from '../../http/status-errors.js';
import type { ClaimedDelivery, DeliverySettlement } from '../../store/outbound-types.js';
import type { Store } from '../../store/types.js';
import { DEFAULT_DELIVERY_SCHEDULE_MS, nextAttemptDelay } from './schedule.js';
import { sendDelivery } from './send.js';

/** Svix's per-attempt limit: a receiver should answer fast and do its work after. */
export const DEFAULT_DELIVERY_TIMEOUT_MS = 15_000;

export interface DeliveryWorkerOptions {
  store: Pick<Store, 'outbound'>;
  clock: Clock;
  scheduleMs?: readonly number[];
  /** Who holds the leases; unique per process. */
  owner?: string;
  timeoutMs?: number;
  /** Must outlast an attempt: a lease that expires mid-attempt lets another worker send the same delivery. */
  leaseMs?: number;
  /** Attempts in flight at once. */
  concurrency?: number;
  dispatcher?: Dispatcher;
  /** In [0, 1), for jitter. */
  random?: () => number;
  /** Per attempt, the signal that ends it for taking too long (default: a real timer of timeoutMs). */
  deadline?: (timeoutMs: number) => AbortSignal;
  log?: Logger;
  /** `webhooks.outbound.allowPrivateNetworks`: every subscription may reach loopback, private and link-local addresses. */
  allowPrivateNetworks?: boolean;
}

export interface DeliveryRunSummary {
  claimed: number;
  succeeded: number;
  retried: number;
  failed: number;
  /** Attempts whose lease had gone by the time they finished (recorded, decided nothing). */
  lost: number;
}

export interface DeliveryWorker {
  readonly owner: string;
  /**
   * Claims and sends due deliveries until none is due, `limit` have been
   * claimed, or the signal aborts. An abort stops claiming; attempts in
   * flight finish (each is bounded by the timeout) so none is left half-recorded.
   */
  workDueDeliveries(options?: { limit?: number; signal?: AbortSignal }): Promise<DeliveryRunSummary>;
}

export function createDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const { store, clock } = options;
  const scheduleMs = options.scheduleMs?.length ? options.scheduleMs : DEFAULT_DELIVERY_SCHEDULE_MS;
  const owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS;
  const leaseMs = options.leaseMs ?? timeoutMs * 4;
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const random = options.random ?? Math.random;
  const log = options.log ?? silentLogger;

  async function attempt(delivery: ClaimedDelivery): Promise<{ status: DeliverySettlement['status']; held: boolean }> {
    const result = await sendDelivery({
      url: delivery.url,
      secret: delivery.secret,
      messageId: delivery.messageId,
      payload: delivery.payload,
      timestampSeconds: clock.now() / 1000,
      timeoutMs,
      dispatcher: options.dispatcher,
      deadline: options.deadline?.(timeoutMs),
      allowPrivateNetwork: options.allowPrivateNetworks === true || delivery.allowPrivateNetwork,
    });
    const { retryAfter, ...attemptResult } = result;
    const now = clock.now();
    let settlement: DeliverySettlement;
    if (result.responseStatus !== null && result.responseStatus >= 200 && result.responseStatus < 300) {
      settlement = { status: 'succeeded', result: attemptResult };
    } else {
      const delay = nextAttemptDelay({ attempts: delivery.attempts, scheduleMs, retryAfterMs: parseRetryAfter(retryAfter, now), random });
      settlement = delay === undefined ? { status: 'failed', result: attemptResult } : { status: 'retry', runAt: now + delay, result: attemptResult };
    }
    const held = await store.outbound.settle({ id: delivery.id, attemptId: delivery.attemptId }, owner, now, settlement);
    const fields = { deliveryId: delivery.id, messageId: delivery.messageId, attempt: delivery.attemptNumber, status: result.responseStatus, error: result.error };
    if (!held) log.warn('delivery lease lost before the attempt finished', fields);
    else if (settlement.status === 'failed') log.warn('delivery failed: retry schedule spent', fields);
    else if (settlement.status === 'retry') log.info('delivery attempt failed; will retry', { ...fields, runAt: new Date(settlement.runAt).toISOString() });
    else log.debug('delivered', fields);
    return { status: settlement.status, held };
  }

  return {
    owner,
    async workDueDeliveries({ limit = Number.POSITIVE_INFINITY, signal } = {}) {
      const summary: DeliveryRunSummary = { claimed: 0, succeeded: 0, retried: 0, failed: 0, lost: 0 };
      const running = new Set<Promise<void>>();
      const count = (o: { status: DeliverySettlement['status']; held: boolean }) => {
        if (!o.held) summary.lost++;
        else if (o.status === 'succeeded') summary.succeeded++;
        else if (o.status === 'retry') summary.retried++;
        else summary.failed++;
      };
      let exhausted = false;
      // A pool: a slow receiver holds one slot, not the whole batch.
      for (;;) {
        const free = Math.min(concurrency - running.size, limit - summary.claimed);
        if (!exhausted && free > 0 && !signal?.aborted) {
          const claimed = await store.outbound.claim({ owner, now: clock.now(), leaseMs, limit: free });
          if (claimed.length < free) exhausted = true;
          summary.claimed += claimed.length;
          for (const delivery of claimed) {
            const task: Promise<void> = attempt(delivery).then(count, (error: unknown) => {
              // The store refused the settlement: the lease expires and the delivery is offered again.
              summary.lost++;
              log.error('could not record a delivery attempt', { deliveryId: delivery.id, error: (error as Error)?.message ?? String(error) });
            });
            running.add(task);
            void task.finally(() => running.delete(task));
          }
          if (claimed.length > 0) continue;
        }
        if (running.size === 0) break;
        await Promise.race(running);
        // A slot freed: more may have fallen due meanwhile.
        exhausted = false;
      }
      return summary;
    },
  };
}
