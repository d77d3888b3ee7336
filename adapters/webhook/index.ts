import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { defineAdapter, type InboundWebhook } from '../../src/core/adapter.js';
import { isoTime, readPayload, scalarText, setAtPath, valueAtPath, type Payload } from './payload.js';

const path = (description: string) => z.string().min(1).optional().describe(description);
const header = (description: string) =>
  z
    .string()
    .min(1)
    .transform((h) => h.toLowerCase())
    .optional()
    .describe(description);

const config = z.object({
  eventIdHeader: header('header holding the provider\'s delivery id (e.g. "x-github-delivery"); wins over eventIdPath'),
  eventIdPath: path('dotted JSON path of the provider\'s event id (e.g. "id" or "data.id"); without either, the scheme\'s id (webhook-id) is used'),
  eventTypeHeader: header('header holding the event type (e.g. "x-github-event"); wins over eventTypePath'),
  eventTypePath: z.string().min(1).default('type').describe('dotted JSON path of the event type'),
  defaultEventType: z.string().min(1).default('received').describe('type when the delivery names none'),
  requireEventType: z
    .boolean()
    .default(false)
    .describe('a delivery naming no type fails processing (kept, replayable once the path is fixed) instead of taking defaultEventType'),
  externalIdPath: path('dotted JSON path of the id of the thing the event is about'),
  occurredAtPath: path('dotted JSON path of the time the event happened (ISO-8601 or epoch seconds/milliseconds)'),
});

export type GenericWebhookConfig = z.output<typeof config>;

/** Event types are provider text: trimmed to something that reads as a name. */
const MAX_TYPE = 100;

function eventTypeOf(req: InboundWebhook, payload: Payload, cfg: GenericWebhookConfig): string {
  const raw = (cfg.eventTypeHeader ? req.headers[cfg.eventTypeHeader] : undefined) ?? scalarText(valueAtPath(payload, cfg.eventTypePath));
  const type = raw?.trim().slice(0, MAX_TYPE);
  if (!type && cfg.requireEventType) {
    throw new Error(`no event type at ${cfg.eventTypeHeader ? `header ${cfg.eventTypeHeader} or ` : ''}JSON path "${cfg.eventTypePath}"`);
  }
  return type || cfg.defaultEventType;
}

/**
 * Receive-only adapter for providers without an adapter of their own: the
 * integration's `webhook` config picks the verification scheme; this config
 * says where the event id and type live. Events come out as
 * `<integration>.<type>` with the payload as data.
 */
export default defineAdapter<GenericWebhookConfig>({
  name: 'webhook',
  kind: 'generic',
  description: 'Generic webhook receiver: any verification scheme from config, event id and type from JSON paths or headers',
  config,
  operations: {},
  webhook: {
    verification: { scheme: 'standard-webhooks' },
    eventId(req, { config: cfg }) {
      if (cfg.eventIdHeader) return req.headers[cfg.eventIdHeader] || undefined;
      if (!cfg.eventIdPath) return undefined; // the scheme's id (webhook-id, X-GitHub-Delivery...) is used
      return scalarText(valueAtPath(readPayload(req), cfg.eventIdPath));
    },
    parse(req, { integration, config: cfg }) {
      const payload = readPayload(req);
      return [
        {
          type: `${integration}.${eventTypeOf(req, payload, cfg)}`,
          externalId: cfg.externalIdPath ? scalarText(valueAtPath(payload, cfg.externalIdPath)) : undefined,
          occurredAt: cfg.occurredAtPath ? isoTime(valueAtPath(payload, cfg.occurredAtPath)) : undefined,
          data: payload,
        },
      ];
    },
    sampleEvents: ['ping'],
    sample(eventType, cfg) {
      const type = eventType ?? 'ping';
      const id = `evt_${randomUUID().replace(/-/g, '')}`;
      const body: Payload = {};
      const headers: Record<string, string> = {};
      if (cfg.eventIdHeader) headers[cfg.eventIdHeader] = id;
      setAtPath(body, cfg.eventIdPath ?? 'id', id);
      if (cfg.eventTypeHeader) headers[cfg.eventTypeHeader] = type;
      else setAtPath(body, cfg.eventTypePath, type);
      if (cfg.occurredAtPath) setAtPath(body, cfg.occurredAtPath, new Date().toISOString());
      if (cfg.externalIdPath) setAtPath(body, cfg.externalIdPath, `obj_${id.slice(4, 16)}`);
      setAtPath(body, 'data.message', 'Test delivery from `integrations webhooks trigger`');
      return { headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), eventType: type };
    },
  },
});
