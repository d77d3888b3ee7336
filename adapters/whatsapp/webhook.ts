import { createHash } from 'node:crypto';
import type { InboundWebhook, NormalizedEvent, WebhookSection } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import type { WhatsappConfig } from './config.js';
import { wamid } from './ids.js';
import { inboundWebhook, statusWebhook } from './payloads.js';

interface Status {
  id?: string;
  status?: string;
  timestamp?: string;
  recipient_id?: string;
  conversation?: { id?: string; origin?: { type?: string } };
  pricing?: { billable?: boolean; category?: string; pricing_model?: string };
  errors?: { code?: number; title?: string; message?: string; error_data?: { details?: string } }[];
}

interface Message {
  from?: string;
  id?: string;
  timestamp?: string;
  type?: string;
  text?: { body?: string };
  context?: { id?: string };
}

interface Value {
  metadata?: { phone_number_id?: string; display_phone_number?: string };
  contacts?: { wa_id?: string; profile?: { name?: string } }[];
  messages?: Message[];
  statuses?: Status[];
}

interface Body {
  object?: string;
  entry?: { id?: string; changes?: { field?: string; value?: Value }[] }[];
}

function read(req: InboundWebhook): Body {
  try {
    const parsed = JSON.parse(req.rawBody.toString('utf8')) as Body;
    if (parsed && typeof parsed === 'object' && parsed.object === 'whatsapp_business_account') return parsed;
  } catch {
    // fall through
  }
  throw new IntegrationError('INVALID_REQUEST', 'not a WhatsApp webhook: expected a JSON body with object "whatsapp_business_account"');
}

function values(body: Body): Value[] {
  return (body.entry ?? []).flatMap((e) => (e.changes ?? []).filter((c) => c.field === 'messages' && c.value).map((c) => c.value as Value));
}

const SAMPLE_EVENTS = ['message.delivered', 'message.read', 'message.failed', 'message.sent', 'message.received'];

const STATUS_EVENTS: Record<string, string> = { sent: 'message.sent', delivered: 'message.delivered', read: 'message.read', failed: 'message.failed' };

function iso(unixSeconds: string | undefined, fallback: number): string {
  const s = Number(unixSeconds);
  return new Date(Number.isFinite(s) && s > 0 ? s * 1000 : fallback).toISOString();
}

function statusEvent(s: Status, v: Value, receivedAt: number): NormalizedEvent {
  if (!s.id || !s.status) throw new IntegrationError('INVALID_REQUEST', 'WhatsApp status lacks id or status');
  return {
    type: STATUS_EVENTS[s.status] ?? 'message.status',
    externalId: s.id,
    occurredAt: iso(s.timestamp, receivedAt),
    data: {
      messageId: s.id,
      status: s.status,
      ...(s.recipient_id ? { recipientId: s.recipient_id } : {}),
      ...(v.metadata?.phone_number_id ? { phoneNumberId: v.metadata.phone_number_id } : {}),
      ...(s.conversation?.id ? { conversationId: s.conversation.id } : {}),
      ...(s.pricing?.category ? { pricingCategory: s.pricing.category, billable: s.pricing.billable === true } : {}),
      ...(s.errors?.length ? { errors: s.errors.map((e) => ({ code: e.code, title: e.title, ...(e.message ? { message: e.message } : {}), ...(e.error_data?.details ? { details: e.error_data.details } : {}) })) } : {}),
    },
  };
}

function messageEvent(m: Message, v: Value, receivedAt: number): NormalizedEvent {
  if (!m.id || !m.from) throw new IntegrationError('INVALID_REQUEST', 'WhatsApp inbound message lacks id or from');
  const name = v.contacts?.find((c) => c.wa_id === m.from)?.profile?.name;
  return {
    type: 'message.received',
    externalId: m.id,
    occurredAt: iso(m.timestamp, receivedAt),
    data: {
      messageId: m.id,
      from: m.from,
      type: m.type ?? 'unknown',
      ...(m.text?.body !== undefined ? { text: m.text.body } : {}),
      ...(name ? { profileName: name } : {}),
      ...(m.context?.id ? { replyTo: m.context.id } : {}),
      ...(v.metadata?.phone_number_id ? { phoneNumberId: v.metadata.phone_number_id } : {}),
    },
  };
}

export const whatsappWebhook: WebhookSection<WhatsappConfig> = {
  // Secret: the Meta app secret (webhook.secrets); the GET handshake needs webhook.verifyToken.
  verification: { scheme: 'meta' },
  eventId(req) {
    // Meta sends no delivery id; a delivery is identified by what it reports.
    let keys: string[];
    try {
      keys = values(read(req)).flatMap((v) => [...(v.statuses ?? []).map((s) => `${s.id}:${s.status}`), ...(v.messages ?? []).map((m) => `${m.id}`)]);
    } catch {
      return undefined;
    }
    if (keys.length === 0) return undefined;
    if (keys.length === 1) return keys[0];
    return `batch:${createHash('sha256').update(keys.sort().join('\n')).digest('hex').slice(0, 32)}`;
  },
  parse(req) {
    // Other fields (template status, account updates) share the webhook; they are not message events.
    return values(read(req)).flatMap((v) => [...(v.statuses ?? []).map((s) => statusEvent(s, v, req.receivedAt)), ...(v.messages ?? []).map((m) => messageEvent(m, v, req.receivedAt))]);
  },
  sampleEvents: SAMPLE_EVENTS,
  sample(eventType, config) {
    const type = eventType ?? 'message.delivered';
    const business = { wabaId: '102290129340398', phoneNumberId: config.phoneNumberId, displayPhoneNumber: '15550001234' };
    const now = Math.floor(Date.now() / 1000);
    const to = '254711222333';
    let body: Record<string, unknown>;
    if (type === 'message.received') {
      body = inboundWebhook(business, { id: wamid(to), from: to, name: 'Sample Customer', text: 'Hello', timestamp: now });
    } else {
      const status = type.slice('message.'.length);
      if (!['sent', 'delivered', 'read', 'failed'].includes(status)) {
        throw new IntegrationError('INVALID_REQUEST', `whatsapp has no sample for "${type}"; samples: ${SAMPLE_EVENTS.join(', ')}`);
      }
      body = statusWebhook(business, {
        id: wamid(to),
        status: status as 'sent',
        recipientId: to,
        timestamp: now,
        ...(status === 'failed' ? { errors: [{ code: 131026, title: 'Message undeliverable' }] } : {}),
      });
    }
    return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), eventType: type };
  },
};
