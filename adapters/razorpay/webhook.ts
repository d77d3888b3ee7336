import { randomBytes } from 'node:crypto';
import type { InboundWebhook, NormalizedEvent, WebhookSection } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import type { RazorpayConfig } from './config.js';
import type { RazorpayOrder, RazorpayPayment, RazorpayRefund } from './entities.js';
import { fromMinorUnits } from '../../src/core/adapter-kit/minor-units.js';
import { eventBody } from './payloads.js';

interface RazorpayEvent {
  event?: string;
  created_at?: number;
  payload?: { payment?: { entity?: RazorpayPayment }; order?: { entity?: RazorpayOrder }; refund?: { entity?: RazorpayRefund } };
}

function readEvent(req: InboundWebhook): RazorpayEvent {
  try {
    const body = JSON.parse(req.rawBody.toString('utf8')) as unknown;
    if (body && typeof body === 'object' && !Array.isArray(body)) return body as RazorpayEvent;
  } catch {
    // fall through
  }
  throw new IntegrationError('INVALID_REQUEST', 'razorpay webhook body is not a JSON object');
}

const REFUND_TYPES: Record<string, string> = { 'refund.processed': 'refund.succeeded', 'refund.failed': 'refund.failed', 'refund.created': 'refund.pending' };

/**
 * payment.captured and order.paid mean the order is paid (Razorpay sends
 * both when both are subscribed: consumers key on data.paymentId);
 * payment.failed a failed attempt; refund.* a refund's progress. externalId
 * is the order id the charge returned (the refund id for refunds).
 */
export function parseRazorpay(req: InboundWebhook): NormalizedEvent[] {
  const body = readEvent(req);
  const event = body.event ?? '';
  const occurredAt = typeof body.created_at === 'number' ? new Date(body.created_at * 1000).toISOString() : undefined;
  const payment = body.payload?.payment?.entity;
  const order = body.payload?.order?.entity;
  const refund = body.payload?.refund?.entity;

  if ((event === 'payment.captured' || event === 'order.paid' || event === 'payment.failed') && payment) {
    const orderId = payment.order_id ?? order?.id ?? undefined;
    return [
      {
        type: event === 'payment.failed' ? 'payment.failed' : 'payment.succeeded',
        externalId: orderId ?? payment.id,
        ...(occurredAt ? { occurredAt } : {}),
        data: {
          ...(orderId ? { orderId } : {}),
          paymentId: payment.id,
          ...(order?.receipt ? { reference: order.receipt } : {}),
          amount: fromMinorUnits(payment.amount, payment.currency),
          currency: payment.currency,
          method: payment.method,
          providerStatus: payment.status,
          providerEvent: event,
          ...(payment.error_code ? { errorCode: payment.error_code, errorDescription: payment.error_description } : {}),
        },
      },
    ];
  }
  if (REFUND_TYPES[event] && refund) {
    return [
      {
        type: REFUND_TYPES[event],
        externalId: refund.id,
        ...(occurredAt ? { occurredAt } : {}),
        data: {
          refundId: refund.id,
          paymentId: refund.payment_id,
          ...(payment?.order_id ? { orderId: payment.order_id } : {}),
          amount: fromMinorUnits(refund.amount, refund.currency),
          currency: refund.currency,
          providerStatus: refund.status,
          providerEvent: event,
        },
      },
    ];
  }
  return [];
}

const id = (prefix: string) => `${prefix}_${randomBytes(10).toString('base64url').replace(/[-_]/g, 'x').slice(0, 14)}`;

export const webhook: WebhookSection<RazorpayConfig> = {
  // X-Razorpay-Signature: hex HMAC-SHA256 of the raw body with the webhook secret.
  verification: { scheme: 'razorpay' },
  eventId: (req) => req.headers['x-razorpay-event-id'] || undefined,
  parse: (req) => parseRazorpay(req),
  sampleEvents: ['payment.succeeded', 'payment.failed', 'refund.succeeded'],
  sample(eventType, config) {
    const type = eventType ?? 'payment.succeeded';
    const now = Math.floor(Date.now() / 1000);
    const currency = config?.currency ?? 'INR';
    const order: RazorpayOrder = { id: id('order'), entity: 'order', amount: 50000, amount_paid: 50000, amount_due: 0, currency, receipt: `sample-${now}`, status: 'paid', attempts: 1, notes: [], created_at: now };
    const failed = type === 'payment.failed';
    const payment: RazorpayPayment = {
      id: id('pay'),
      entity: 'payment',
      amount: 50000,
      currency,
      status: failed ? 'failed' : 'captured',
      order_id: order.id,
      method: 'upi',
      amount_refunded: 0,
      refund_status: null,
      captured: !failed,
      email: 'customer@example.com',
      contact: '+919000090000',
      error_code: failed ? 'BAD_REQUEST_ERROR' : null,
      error_description: failed ? 'Payment was unsuccessful as the customer declined it.' : null,
      created_at: now,
    };
    const body =
      type === 'refund.succeeded'
        ? eventBody('refund.processed', { refund: { id: id('rfnd'), entity: 'refund', amount: 50000, currency, payment_id: payment.id, receipt: null, status: 'processed', created_at: now }, payment }, now)
        : eventBody(failed ? 'payment.failed' : 'payment.captured', { payment }, now);
    return { headers: { 'content-type': 'application/json', 'x-razorpay-event-id': id('evt').slice(4) }, body: JSON.stringify(body), eventType: type };
  },
};
