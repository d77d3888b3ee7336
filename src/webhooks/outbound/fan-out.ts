import type { LoadedConfig } from '../../config/types.js';
import type { Clock } from '../../core/clock.js';
import type { Store } from '../../store/types.js';
import type { NewDelivery } from '../../store/outbound-types.js';
import type { StoredEvent } from '../../store/webhook-types.js';
import { compilePatterns } from './patterns.js';
import { newMessageId, outboundBody } from './payload.js';
import { deliverySchedule } from './schedule.js';

export interface FanOutOptions {
  now: number;
  /** Delay before the first attempt (the schedule's first entry). */
  firstDelayMs: number;
  /** Also move the fan-out cursor to this event id, in the same transaction. */
  cursor?: number;
}

/**
 * Creates one delivery per (event, matching subscription). Idempotent: an
 * event fanned out again (a replay, the catch-up) adds nothing for the
 * subscriptions it already has a delivery for. Returns how many were created.
 */
export async function fanOut(store: Pick<Store, 'outbound'>, events: readonly StoredEvent[], options: FanOutOptions): Promise<number> {
  if (events.length === 0 && options.cursor === undefined) return 0;
  const subscriptions = (await store.outbound.listSubscriptions()).map((s) => ({ id: s.id, matches: compilePatterns(s.events) }));
  const deliveries: NewDelivery[] = [];
  for (const event of events) {
    const targets = subscriptions.filter((s) => s.matches(event.type));
    if (targets.length === 0) continue;
    const payload = JSON.stringify(outboundBody(event));
    for (const target of targets) {
      deliveries.push({
        subscriptionId: target.id,
        eventId: event.id,
        messageId: newMessageId(),
        eventType: event.type,
        integration: event.integration,
        payload,
        runAt: options.now + options.firstDelayMs,
      });
    }
  }
  return store.outbound.enqueue({ deliveries, now: options.now, cursor: options.cursor });
}

/**
 * Fans out every event stored after the cursor, page by page, moving the
 * cursor as it goes: what a process that died between storing events and
 * fanning them out left behind. Returns how many deliveries were created.
 */
export async function catchUpFanOut(store: Pick<Store, 'outbound' | 'events'>, options: Omit<FanOutOptions, 'cursor'> & { pageSize?: number }): Promise<number> {
  const pageSize = options.pageSize ?? 500;
  let created = 0;
  for (;;) {
    const cursor = await store.outbound.fanOutCursor();
    const events = await store.events.list({ afterId: cursor, limit: pageSize });
    if (events.length === 0) return created;
    created += await fanOut(store, events, { ...options, cursor: events[events.length - 1].id });
    if (events.length < pageSize) return created;
  }
}

/**
 * An onEvent listener that only fans out (no sending), for processes that
 * store events but do not deliver, such as `webhooks replay`: the daemon or
 * the next `queue drain` sends them.
 */
export function fanOutListener(deps: { store: Pick<Store, 'outbound'>; config: Pick<LoadedConfig, 'webhooks'>; clock: Clock }): (event: StoredEvent) => Promise<void> {
  const firstDelayMs = deliverySchedule(deps.config)[0];
  return async (event) => {
    await fanOut(deps.store, [event], { now: deps.clock.now(), firstDelayMs });
  };
}
