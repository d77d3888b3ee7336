import { randomBytes } from 'node:crypto';
import type { InboundWebhook, NormalizedEvent, WebhookSection } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import type { AfricasTalkingConfig } from './config.js';

/**
 * Delivery reports (and incoming messages) arrive as form posts to the
 * callback URLs set in the dashboard (providers.md §4; the form encoding is
 * UNCONFIRMED, so JSON is read too). A message gets several reports
 * (Sent, then Success or Failed), so the delivery's id is the message id
 * plus its status.
 */
const FINAL_FAILURE = new Set(['Failed', 'Rejected']);

function fields(req: InboundWebhook): Record<string, string> {
  const text = req.rawBody.toString('utf8');
  if ((req.headers['content-type'] ?? '').includes('json')) {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        return Object.fromEntries(Object.entries(parsed as Record<string, unknown>).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]));
      }
    } catch {
      // fall through to the error below
    }
    throw new IntegrationError('INVALID_REQUEST', "Africa's Talking callback body is not a JSON object");
  }
  return Object.fromEntries(new URLSearchParams(text));
}

function deliveryEvent(f: Record<string, string>, req: InboundWebhook): NormalizedEvent {
  const type = f.status === 'Success' ? 'sms.delivered' : FINAL_FAILURE.has(f.status) ? 'sms.failed' : 'sms.sent';
  return {
    type,
    externalId: f.id,
    occurredAt: new Date(req.receivedAt).toISOString(),
    data: {
      messageId: f.id,
      status: f.status,
      final: type !== 'sms.sent',
      ...(f.phoneNumber ? { phone: f.phoneNumber } : {}),
      ...(f.networkCode ? { networkCode: f.networkCode } : {}),
      ...(f.failureReason ? { failureReason: f.failureReason } : {}),
      ...(f.retryCount ? { retryCount: Number(f.retryCount) } : {}),
    },
  };
}

function incomingEvent(f: Record<string, string>, req: InboundWebhook): NormalizedEvent {
  const at = f.date ? Date.parse(f.date) : Number.NaN;
  return {
    type: 'sms.received',
    externalId: f.id,
    occurredAt: new Date(Number.isNaN(at) ? req.receivedAt : at).toISOString(),
    data: { messageId: f.id, from: f.from, to: f.to, text: f.text, ...(f.linkId ? { linkId: f.linkId } : {}), ...(f.networkCode ? { networkCode: f.networkCode } : {}) },
  };
}

export const atWebhook: WebhookSection<AfricasTalkingConfig> = {
  // Unsigned: a secret token in the callback path, plus an optional IP allow-list.
  verification: { scheme: 'token', location: 'path' },
  eventId(req) {
    try {
      const f = fields(req);
      if (!f.id) return undefined;
      return f.status ? `${f.id}:${f.status}` : f.id;
    } catch {
      return undefined;
    }
  },
  parse(req) {
    const f = fields(req);
    if (f.id && f.status) return [deliveryEvent(f, req)];
    if (f.from && f.text !== undefined) return [incomingEvent(f, req)];
    throw new IntegrationError('INVALID_REQUEST', "not an Africa's Talking delivery report (id, status) or incoming message (from, text)");
  },
  sampleEvents: ['sms.delivered', 'sms.failed'],
  sample(eventType) {
    const type = eventType ?? 'sms.delivered';
    if (type !== 'sms.delivered' && type !== 'sms.failed') {
      throw new IntegrationError('INVALID_REQUEST', `africastalking has no sample for "${type}"; samples: sms.delivered, sms.failed`);
    }
    const body = new URLSearchParams({
      id: `ATXid_${randomBytes(16).toString('hex')}`,
      status: type === 'sms.delivered' ? 'Success' : 'Failed',
      phoneNumber: '+254711082000',
      networkCode: '63902',
      retryCount: '0',
      ...(type === 'sms.failed' ? { failureReason: 'UserInBlackList' } : {}),
    });
    return { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString(), eventType: type };
  },
};
