import type { Logger } from '../core/adapter.js';
import type { Clock } from '../core/clock.js';
import type { Store } from '../store/types.js';
import type { WebhookRow, WebhookStatus } from '../store/webhook-types.js';
import { Dispatcher, type EventListener } from './dispatch/dispatcher.js';
import { inboundFromRow, parseEvents } from './dispatch/parse-events.js';
import type { WebhookEndpoints } from './ingest/endpoints.js';

export type ReplaySelection =
  | { ids: number[] }
  | { failed: true; integration?: string; sinceMs?: number };

export interface ReplayOptions {
  store: Pick<Store, 'webhooks'>;
  endpoints: WebhookEndpoints;
  clock: Clock;
  log?: Logger;
  onEvent?: EventListener;
  /** Parse only: report what processing would produce, change nothing. */
  dryRun?: boolean;
  /** After each batch: how many have been replayed so far and how many of them failed. */
  onProgress?: (progress: { done: number; failed: number }) => void;
}

export interface ReplayItem {
  id: number;
  integration: string | null;
  eventId: string | null;
  previousStatus: WebhookStatus | null;
  /** not-found: no such webhook id. */
  status: 'processed' | 'failed' | 'not-found';
  events: { id: number | null; type: string; externalId: string | null }[];
  error: string | null;
}

export interface ReplaySummary {
  dryRun: boolean;
  selected: number;
  processed: number;
  failed: number;
  notFound: number;
  items: ReplayItem[];
}

const PAGE = 200;

/**
 * Re-runs processing from the stored raw bytes, as the daemon would have:
 * with or without a daemon running (the store serialises the writers). A
 * replayed webhook's events keep their ids, so downstream consumers can
 * tell a replay from a new event.
 */
export async function replayWebhooks(selection: ReplaySelection, options: ReplayOptions): Promise<ReplaySummary> {
  const dispatcher = new Dispatcher({ store: options.store, endpoints: options.endpoints, clock: options.clock, log: options.log, onEvent: options.onEvent });
  const items: ReplayItem[] = [];

  const replayRows = async (all: WebhookRow[]) => {
    // An integration waiting on an unset variable cannot parse: its rows are reported and left exactly as they are.
    const rows: WebhookRow[] = [];
    for (const row of all) {
      const waiting = options.endpoints.waitingOn(row.integration);
      if (!waiting) rows.push(row);
      else items.push({ id: row.id, integration: row.integration, eventId: row.eventId, previousStatus: row.status, status: 'failed', events: [], error: `${row.integration}: ${waiting}; left as it was` });
    }
    if (options.dryRun) {
      for (const row of rows) items.push(await dryRun(row, options.endpoints));
    } else {
      await processRows(rows);
    }
    options.onProgress?.({ done: items.length, failed: items.filter((i) => i.status === 'failed').length });
  };

  const processRows = async (rows: WebhookRow[]) => {
    const outcomes = await dispatcher.run(rows.map((r) => ({ id: r.id, integration: r.integration, request: inboundFromRow(r) })));
    outcomes.forEach((o, i) => {
      items.push({
        id: o.id,
        integration: o.integration,
        eventId: rows[i].eventId,
        previousStatus: rows[i].status,
        status: o.status,
        events: o.events.map((e) => ({ id: e.id, type: e.type, externalId: e.externalId })),
        error: o.error ?? null,
      });
    });
  };

  if ('ids' in selection) {
    for (let i = 0; i < selection.ids.length; i += PAGE) {
      const ids = selection.ids.slice(i, i + PAGE);
      const rows = await options.store.webhooks.getMany(ids);
      const found = new Set(rows.map((r) => r.id));
      await replayRows(rows);
      for (const id of ids) {
        if (!found.has(id)) items.push({ id, integration: null, eventId: null, previousStatus: null, status: 'not-found', events: [], error: 'no such webhook' });
      }
    }
  } else {
    // Pages by id over a snapshot of the failed rows: a row that fails again
    // is not picked up twice, and new failures during the replay wait for the next one.
    const upTo = (await options.store.webhooks.list({ order: 'desc', limit: 1 }))[0]?.id ?? 0;
    let afterId = 0;
    for (;;) {
      const page = (
        await options.store.webhooks.list({ status: 'failed', integration: selection.integration, sinceMs: selection.sinceMs, afterId, order: 'asc', limit: PAGE })
      ).filter((r) => r.id <= upTo);
      if (page.length === 0) break;
      afterId = page[page.length - 1].id;
      await replayRows(await options.store.webhooks.getMany(page.map((r) => r.id)));
    }
  }

  return {
    dryRun: options.dryRun === true,
    selected: items.length,
    processed: items.filter((i) => i.status === 'processed').length,
    failed: items.filter((i) => i.status === 'failed').length,
    notFound: items.filter((i) => i.status === 'not-found').length,
    items,
  };
}

async function dryRun(row: WebhookRow, endpoints: WebhookEndpoints): Promise<ReplayItem> {
  const base = { id: row.id, integration: row.integration, eventId: row.eventId, previousStatus: row.status };
  const endpoint = endpoints.get(row.integration);
  if (!endpoint) {
    return { ...base, status: 'failed', events: [], error: `integration "${row.integration}" is not configured to receive webhooks` };
  }
  const parsed = await parseEvents(endpoint, inboundFromRow(row));
  if (!parsed.ok) return { ...base, status: 'failed', events: [], error: parsed.error };
  return { ...base, status: 'processed', events: parsed.events.map((e) => ({ id: null, type: e.type, externalId: e.externalId })), error: null };
}
