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

/**
 * Every status change of an order arrives as the same three fields, so an
 * IPN is a repeat only within this window (Pesapal resending one whose answer
 * it did not get); a later one may announce a new status and is processed.
 */
export const IPN_REPEAT_WINDOW_MS = 60_000;

/** The delivery's de-duplication key: its fields and the window it arrived in. */
export function ipnEventId(req: InboundWebhook): string {
  const ipn = readIpn(req);
  return `${ipn.notificationType}:${ipn.orderTrackingId}:${ipn.reference ?? ''}:${Math.floor(req.receivedAt / IPN_REPEAT_WINDOW_MS)}`;
}

/** The answer Pesapal expects: the IPN's fields echoed with status 200 (anything else makes it resend). */
export function ipnAnswer(req: InboundWebhook): string {
  let ipn: IpnNotice | undefined;
  try {
    ipn = readIpn(req);
  } catch {
    // Stored all the same (processing reports it); Pesapal still reads the status.
  }
  return JSON.stringify({
    orderNotificationType: ipn?.notificationType ?? 'IPNCHANGE',
    orderTrackingId: ipn?.orderTrackingId ?? '',
    orderMerchantReference: ipn?.reference ?? '',
    status: 200,
  });
}

export const webhook: WebhookSection<PesapalConfig> = {
  // Unsigned: the IPN URL registered with Pesapal ends in a secret path token. Pesapal
  // advises against IP allow-lists (providers.md §3), so none is declared.
  verification: { scheme: 'token', location: 'path' },
  // An IPN URL may be registered for GET (ipnNotificationType): the same fields in the query.
  acceptsGet: true,
  eventId: (req) => ipnEventId(req),
  parse: (req) => parseIpn(req),
  // Pesapal wants JSON back echoing the IPN (500 = retry).
  acknowledge: { status: 200, contentType: 'application/json', body: ipnAnswer },
  sampleEvents: ['payment.notified'],
  sample() {
    const body = { OrderTrackingId: randomUUID(), OrderMerchantReference: `sample-${Date.now()}`, OrderNotificationType: 'IPNCHANGE' };
    return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), eventType: 'payment.notified' };
  },
};
