import { createHash, randomBytes } from 'node:crypto';
import type { InboundWebhook, NormalizedEvent, WebhookSection } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import type { SendgridConfig } from './config.js';
import { REFERENCE_ARG } from './operations/send.js';

/** One event of the Event Webhook's JSON array (providers.md §7); custom args arrive as extra top-level fields. */
export interface SendgridEvent {
  email?: string;
  timestamp?: number;
  'smtp-id'?: string;
  event?: string;
  category?: string | string[];
  sg_event_id?: string;
  sg_message_id?: string;
  response?: string;
  attempt?: string;
  reason?: string;
  status?: string;
  type?: string;
  url?: string;
  ip?: string;
  useragent?: string;
  [customArg: string]: unknown;
}

const TYPES: Record<string, string> = {
  processed: 'email.processed',
  deferred: 'email.deferred',
  delivered: 'email.delivered',
  bounce: 'email.bounced',
  dropped: 'email.dropped',
  open: 'email.opened',
  click: 'email.clicked',
  spamreport: 'email.spam_reported',
  unsubscribe: 'email.unsubscribed',
  group_unsubscribe: 'email.group_unsubscribed',
  group_resubscribe: 'email.group_resubscribed',
};

const DETAIL_FIELDS = ['response', 'attempt', 'reason', 'status', 'type', 'url', 'ip', 'useragent'] as const;

function read(req: InboundWebhook): SendgridEvent[] {
  try {
    const parsed = JSON.parse(req.rawBody.toString('utf8')) as unknown;
    if (Array.isArray(parsed)) return parsed as SendgridEvent[];
  } catch {
    // fall through
  }
  throw new IntegrationError('INVALID_REQUEST', 'not a SendGrid event batch: expected a JSON array of events');
}

function toEvent(e: SendgridEvent, receivedAt: number): NormalizedEvent {
  if (!e.event || !e.email) throw new IntegrationError('INVALID_REQUEST', 'SendGrid event lacks event or email');
  const details: Record<string, unknown> = {};
  for (const f of DETAIL_FIELDS) if (e[f] !== undefined) details[f] = e[f];
  const reference = e[REFERENCE_ARG];
  return {
    type: TYPES[e.event] ?? `email.${e.event}`,
    ...(e.sg_message_id ? { externalId: e.sg_message_id } : {}),
    occurredAt: new Date(typeof e.timestamp === 'number' ? e.timestamp * 1000 : receivedAt).toISOString(),
    data: {
      event: e.event,
      email: e.email,
      ...(e.sg_event_id ? { sgEventId: e.sg_event_id } : {}),
      // The X-Message-Id the send returned is the part before the first dot.
      ...(e.sg_message_id ? { sgMessageId: e.sg_message_id, messageId: e.sg_message_id.split('.')[0] } : {}),
      ...(e['smtp-id'] ? { smtpId: e['smtp-id'] } : {}),
      ...(e.category !== undefined ? { categories: Array.isArray(e.category) ? e.category : [e.category] } : {}),
      ...(typeof reference === 'string' ? { reference } : {}),
      ...details,
    },
  };
}

export const sendgridWebhook: WebhookSection<SendgridConfig> = {
  // Secret: the Signed Event Webhook's verification key (public; base64 DER as the dashboard shows it).
  verification: { scheme: 'sendgrid' },
  eventId(req) {
    let ids: string[];
    try {
      ids = read(req).map((e) => e.sg_event_id).filter((id): id is string => typeof id === 'string');
    } catch {
      return undefined;
    }
    if (ids.length === 0) return undefined;
    if (ids.length === 1) return ids[0];
    return `batch:${createHash('sha256').update(ids.sort().join('\n')).digest('hex').slice(0, 32)}`;
  },
  parse(req) {
    return read(req).map((e) => toEvent(e, req.receivedAt));
  },
  sampleEvents: ['email.delivered', 'email.bounced', 'email.opened', 'email.dropped', 'email.processed'],
  sample(eventType) {
    const type = eventType ?? 'email.delivered';
    const event = Object.entries(TYPES).find(([, t]) => t === type)?.[0];
    if (!event) throw new IntegrationError('INVALID_REQUEST', `sendgrid has no sample for "${type}"; samples: ${Object.values(TYPES).join(', ')}`);
    const xMessageId = randomBytes(16).toString('base64url').slice(0, 22);
    const body = [
      {
        email: 'recipient@example.com',
        timestamp: Math.floor(Date.now() / 1000),
        'smtp-id': `<${xMessageId}@geopod-ismtpd-1>`,
        event,
        category: ['sample'],
        sg_event_id: randomBytes(16).toString('base64url'),
        sg_message_id: `${xMessageId}.filterdrecv-sample-1-0.0`,
        ...(event === 'delivered' ? { response: '250 2.0.0 OK' } : {}),
        ...(event === 'bounce' ? { type: 'bounce', status: '5.1.1', reason: '550 5.1.1 The email account that you tried to reach does not exist.' } : {}),
        ...(event === 'dropped' ? { reason: 'Bounced Address' } : {}),
      },
    ];
    return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), eventType: type };
  },
};
