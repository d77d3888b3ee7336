import type { Logger } from '../../core/adapter.js';
import type { Clock } from '../../core/clock.js';
import { silentLogger } from '../../core/logger.js';
import type { Store } from '../../store/types.js';
import type { StoredEvent } from '../../store/webhook-types.js';
import { catchUpFanOut, fanOut } from './fan-out.js';
import { DEFAULT_DELIVERY_SCHEDULE_MS } from './schedule.js';
import { createDeliveryWorker, type DeliveryWorker, type DeliveryWorkerOptions } from './worker.js';

export interface OutboundServiceOptions extends Omit<DeliveryWorkerOptions, 'store'> {
  store: Pick<Store, 'outbound' | 'events'>;
  /** Longest sleep between looks at the store (other processes add deliveries too). Default 5 s. */
  pollMs?: number;
  log?: Logger;
}

export interface OutboundService {
  readonly worker: DeliveryWorker;
  /**
   * The dispatcher's onEvent listener. Events announced together are fanned
   * out in one transaction (one fsync, not one per event), then the loop is
   * woken. It returns at once: should the process die first, the catch-up
   * from the fan-out cursor delivers them at the next start.
   */
  onEvent(event: StoredEvent): void;
  /** Stops claiming, lets attempts in flight finish, and resolves when the loop has ended. */
  close(): Promise<void>;
}

/**
 * Outbound delivery inside the daemon: the live fan-out of each processed
 * event, and a loop that sends what is due, catching up on events a crashed
 * process stored but never fanned out, and sleeping until the next delivery
 * falls due (or an event arrives).
 */
export function startOutboundService(options: OutboundServiceOptions): OutboundService {
  const { store, clock } = options;
  const log = options.log ?? silentLogger;
  const scheduleMs = options.scheduleMs?.length ? options.scheduleMs : DEFAULT_DELIVERY_SCHEDULE_MS;
  const pollMs = options.pollMs ?? 5_000;
  const worker = createDeliveryWorker({ ...options, scheduleMs, log });
  const stopping = new AbortController();
  let wake = new AbortController();
  let pending = false;
  let batch: StoredEvent[] = [];
  let flushing: Promise<void> | undefined;
  // The catch-up only finds what a crashed process left behind (live events
  // are fanned out by flush), so it runs at start and once per poll interval,
  // not after every live batch: each run is a write transaction on this
  // thread that would compete with the daemon's ingest commits.
  let lastCatchUp = -Infinity;

  const poke = () => {
    pending = true;
    wake.abort();
  };

  async function flush(): Promise<void> {
    // The loop is woken only when there is something to send or catch up:
    // each wake claims in a write transaction, which would compete with the
    // daemon's ingest commits for nothing when no subscription matched.
    let wakeLoop = false;
    while (batch.length) {
      const events = batch;
      batch = [];
      try {
        if ((await fanOut(store, events, { now: clock.now(), firstDelayMs: scheduleMs[0] })) > 0) wakeLoop = true;
      } catch (error) {
        // Left to the catch-up: the cursor has not moved past these events.
        log.error('could not fan events out; the catch-up will', { count: events.length, error: (error as Error)?.message ?? String(error) });
        lastCatchUp = -Infinity;
        wakeLoop = true;
      }
    }
    flushing = undefined;
    if (wakeLoop) poke();
  }

  async function loop(): Promise<void> {
    while (!stopping.signal.aborted) {
      pending = false;
      try {
        if (clock.now() - lastCatchUp >= pollMs) {
          lastCatchUp = clock.now();
          const created = await catchUpFanOut(store, { now: lastCatchUp, firstDelayMs: scheduleMs[0] });
          if (created) log.info('fanned out events missed earlier', { deliveries: created });
        }
        await worker.workDueDeliveries({ signal: stopping.signal });
      } catch (error) {
        log.error('outbound delivery loop failed; retrying', { error: (error as Error)?.message ?? String(error) });
      }
      if (pending || stopping.signal.aborted) continue;
      let sleepMs = pollMs;
      try {
        const next = await store.outbound.nextDueAt();
        if (next !== null) sleepMs = Math.min(pollMs, Math.max(0, next - clock.now()));
      } catch {
        // The store is busy or closing: look again after the poll interval.
      }
      wake = new AbortController();
      // Nothing can interleave from here to the sleep: a poke or close that came first is seen.
      if (pending || stopping.signal.aborted) continue;
      try {
        await clock.sleep(sleepMs, wake.signal);
      } catch {
        // Woken early: an event arrived or we are stopping.
      }
    }
  }

  const running = loop();

  return {
    worker,
    onEvent(event) {
      batch.push(event);
      flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(flush);
    },
    async close() {
      await flushing;
      stopping.abort();
      wake.abort();
      await running;
    },
  };
}
