import type { InboundWebhook, NormalizedEvent } from '../../core/adapter.js';
import type { EventInput, WebhookRow } from '../../store/webhook-types.js';
import { MAX_NESTING, NestingError, nestsDeeper } from '../../core/nesting.js';
import type { WebhookEndpoint } from '../ingest/endpoints.js';
import { DEFAULT_MAX_JSON_DEPTH, looksLikeJson, nestsDeeperThan } from './json-depth.js';

export type ParseOutcome = { ok: true; events: EventInput[] } | { ok: false; error: string };

/** A parse that never settles must not hold the dispatcher forever. */
export const PARSE_TIMEOUT_MS = 10_000;

const MAX_ERROR = 2_000;

/** The request as the adapter's parser saw it at receipt, rebuilt from the stored row (headers and path masked). */
export function inboundFromRow(row: WebhookRow): InboundWebhook {
  return {
    method: row.method,
    path: row.path,
    query: row.query,
    headers: row.headers,
    rawBody: row.body,
    sourceIp: row.sourceIp ?? undefined,
    receivedAt: row.receivedAt,
  };
}

function normalize(event: NormalizedEvent, index: number): EventInput {
  if (!event || typeof event !== 'object') throw new TypeError(`event ${index} is not an object`);
  if (typeof event.type !== 'string' || event.type === '') throw new TypeError(`event ${index} has no type`);
  const data = event.data ?? {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new TypeError(`event ${index} (${event.type}): data must be an object`);
  // Storing, announcing and fanning out walk the data recursively: refuse here, with a reason, what they could not walk.
  if (nestsDeeper(data, MAX_NESTING)) throw new NestingError(MAX_NESTING, `event ${index} (${event.type}): data`);
  return {
    type: event.type,
    externalId: event.externalId === undefined || event.externalId === null ? null : String(event.externalId),
    occurredAt: event.occurredAt === undefined || event.occurredAt === null ? null : String(event.occurredAt),
    data,
  };
}

function withTimeout<T>(value: T | Promise<T>, ms: number): Promise<T> {
  if (!(value instanceof Promise)) return Promise.resolve(value);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`parse did not finish within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([value, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs the adapter's parser and checks what it returns. Never throws: a
 * parser's failure is the webhook's `failed` status, with a message from
 * which the integration's secrets are scrubbed.
 */
export async function parseEvents(endpoint: WebhookEndpoint, request: InboundWebhook, timeoutMs = PARSE_TIMEOUT_MS): Promise<ParseOutcome> {
  // Checked here, after the durable insert, not on the request path: the
  // bytes are kept and the delivery fails with the reason, replayable once
  // the limit is raised. Parsers and everything after them then meet only
  // payloads they can walk.
  const limit = endpoint.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH;
  if (looksLikeJson(request.headers['content-type'], request.rawBody) && nestsDeeperThan(request.rawBody, limit)) {
    return { ok: false, error: `nesting deeper than ${limit}` };
  }
  try {
    const parsed = await withTimeout(
      endpoint.section.parse(request, { integration: endpoint.name, config: endpoint.integration.config }),
      timeoutMs,
    );
    if (!Array.isArray(parsed)) throw new TypeError('the adapter parser returned no list of events');
    return { ok: true, events: parsed.map(normalize) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, error: endpoint.masker.text(message || 'parse failed').slice(0, MAX_ERROR) };
  }
}
