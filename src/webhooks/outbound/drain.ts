import type { Logger } from '../../core/adapter.js';
import type { Clock } from '../../core/clock.js';
import type { LoadedConfig } from '../../config/types.js';
import type { Store } from '../../store/types.js';
import { catchUpFanOut } from './fan-out.js';
import { deliverySchedule } from './schedule.js';
import { createDeliveryWorker, type DeliveryRunSummary, type DeliveryWorkerOptions } from './worker.js';

export interface OutboundDeps {
  store: Pick<Store, 'outbound' | 'events'>;
  config: Pick<LoadedConfig, 'webhooks'>;
  clock: Clock;
  log?: Logger;
  owner?: string;
  /** Tests: the HTTP dispatcher, jitter and per-attempt deadline. */
  worker?: Pick<DeliveryWorkerOptions, 'dispatcher' | 'random' | 'deadline' | 'timeoutMs' | 'concurrency'>;
}

export interface DeliveryDrainSummary extends DeliveryRunSummary {
  /** Deliveries created for events no process had fanned out yet. */
  fannedOut: number;
}

/**
 * One pass for `queue drain`: fans out events still behind the cursor, then
 * sends due deliveries (leased as jobs are, so it runs safely beside the
 * daemon and other drains) until none is due, `limit` are claimed or the
 * signal aborts.
 */
export async function drainDeliveries(deps: OutboundDeps, options: { limit?: number; signal?: AbortSignal } = {}): Promise<DeliveryDrainSummary> {
  const scheduleMs = deliverySchedule(deps.config);
  const fannedOut = await catchUpFanOut(deps.store, { now: deps.clock.now(), firstDelayMs: scheduleMs[0] });
  const worker = createDeliveryWorker({
    ...deps.worker,
    store: deps.store,
    clock: deps.clock,
    scheduleMs,
    owner: deps.owner,
    log: deps.log,
    allowPrivateNetworks: deps.config.webhooks?.allowPrivateNetworks,
  });
  const run = await worker.workDueDeliveries({ limit: options.limit, signal: options.signal });
  return { ...run, fannedOut };
}
