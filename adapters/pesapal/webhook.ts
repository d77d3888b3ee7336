import { randomUUID } from 'node:crypto';
import type { InboundWebhook, NormalizedEvent, WebhookSection } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import type { PesapalConfig } from './config.js';

export interface IpnNotice {
  orderTrackingId: string;
  reference?: string;
  notificationType: string;
}

function fields(req: InboundWebhook): Record<string, unknown> {
  if (req.method.toUpperCase() === 'GET') return req.query;
  const text = req.rawBody.toString('utf8').trim();
  if (!text) return req.query;
  const type = req.headers['content-type'] ?? '';
  if (type.includes('x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  try {
    const body = JSON.parse(text) as unknown;
    if (body && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new IntegrationError('INVALID_REQUEST', 'pesapal IPN body is neither JSON nor a form');
}

/** GET: ?OrderTrackingId=…&OrderMerchantReference=…&OrderNotificationType=IPNCHANGE; POST: the same keys as JSON. */
export function readIpn(req: InboundWebhook): IpnNotice {
  const f = fields(req);
  const orderTrackingId = f.OrderTrackingId ?? f.orderTrackingId;
  if (typeof orderTrackingId !== 'string' || !orderTrackingId) throw new IntegrationError('INVALID_REQUEST', 'pesapal IPN without OrderTrackingId');
  const reference = f.OrderMerchantReference ?? f.orderMerchantReference;
  const type = f.OrderNotificationType ?? f.orderNotificationType;
  return { orderTrackingId, ...(typeof reference === 'string' && reference ? { reference } : {}), notificationType: typeof type === 'string' && type ? type : 'IPNCHANGE' };
}

/**
 * Pesapal signs nothing and an IPN says only "this order changed", so it
 * becomes `payment.notified` naming the query that tells what happened
 * (data.confirmWith). Deciding paid/failed here would trust an unsigned
 * request; a parser has no HTTP client to ask Pesapal itself.
 */
export function parseIpn(req: InboundWebhook): NormalizedEvent[] {
  const ipn = readIpn(req);
  return [
    {
      type: 'payment.notified',
      externalId: ipn.orderTrackingId,
      data: {
        orderTrackingId: ipn.orderTrackingId,
        ...(ipn.reference ? { reference: ipn.reference } : {}),
        notificationType: ipn.notificationType,
        confirmWith: { operation: 'query', payload: { orderTrackingId: ipn.orderTrackingId } },
      },
    },
  ];
}

export const webhook: WebhookSection<PesapalConfig> = {
  // Unsigned: the IPN URL registered with Pesapal ends in a secret path token. Pesapal
  // advises against IP allow-lists (providers.md §3), so none is declared.
  verification: { scheme: 'token', location: 'path' },
  // No eventId on purpose: every status change of an order arrives as the same three
  // fields, so de-duplicating on them would drop a later change (FAILED, then COMPLETED).
  parse: (req) => parseIpn(req),
  // Pesapal wants JSON back (500 = retry). It echoes the IPN's fields in its docs; a static
  // acknowledgement cannot, so it carries the status Pesapal reads.
  acknowledge: { status: 200, contentType: 'application/json', body: '{"orderNotificationType":"IPNCHANGE","status":200}' },
  sampleEvents: ['payment.notified'],
  sample() {
    const body = { OrderTrackingId: randomUUID(), OrderMerchantReference: `sample-${Date.now()}`, OrderNotificationType: 'IPNCHANGE' };
    return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), eventType: 'payment.notified' };
  },
};
