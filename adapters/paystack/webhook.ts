import { randomInt } from 'node:crypto';
import type { InboundWebhook, NormalizedEvent, WebhookSection } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import type { PaystackConfig } from './config.js';
import { fromMinorUnits } from '../../src/core/adapter-kit/minor-units.js';
import { chargeSuccess, refundEvent } from './payloads.js';

type Json = Record<string, unknown>;

function readEvent(req: InboundWebhook): { event: string; data: Json } {
  try {
    const body = JSON.parse(req.rawBody.toString('utf8')) as { event?: unknown; data?: unknown };
    if (body && typeof body.event === 'string' && body.data && typeof body.data === 'object') return { event: body.event, data: body.data as Json };
  } catch {
    // fall through
  }
  throw new IntegrationError('INVALID_REQUEST', 'paystack webhook body is not a JSON {event, data} object');
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : typeof v === 'number' ? String(v) : undefined);

const REFUND_TYPES: Record<string, string> = {
  'refund.processed': 'refund.succeeded',
  'refund.failed': 'refund.failed',
  'refund.pending': 'refund.pending',
  'refund.processing': 'refund.pending',
};

/**
 * charge.success becomes payment.succeeded (externalId: the reference the
 * charge returned); refund.* the refund's progress (externalId: the refund
 * id the refund operation returned). Paystack sends no webhook for a failed
 * standard checkout, so failures surface through query. Other events parse
 * to nothing.
 */
export function parsePaystack(req: InboundWebhook): NormalizedEvent[] {
  const { event, data } = readEvent(req);
  const currency = str(data.currency) ?? 'NGN';
  if (event === 'charge.success') {
    const reference = str(data.reference);
    if (!reference) throw new IntegrationError('INVALID_REQUEST', 'paystack charge.success without a reference');
    const customer = (data.customer ?? {}) as Json;
    const paidAt = str(data.paid_at) ?? str(data.paidAt);
    return [
      {
        type: 'payment.succeeded',
        externalId: reference,
        ...(paidAt ? { occurredAt: new Date(paidAt).toISOString() } : {}),
        data: {
          reference,
          ...(str(data.id) ? { transactionId: str(data.id) } : {}),
          amount: fromMinorUnits(Number(data.amount), currency),
          currency,
          providerStatus: str(data.status) ?? 'success',
          ...(str(data.channel) ? { channel: str(data.channel) } : {}),
          ...(str(data.gateway_response) ? { gatewayResponse: str(data.gateway_response) } : {}),
          ...(str(customer.email) ? { customerEmail: str(customer.email) } : {}),
        },
      },
    ];
  }
  const type = REFUND_TYPES[event];
  if (type) {
    const refundId = str(data.id);
    const reference = str(data.transaction_reference);
    return [
      {
        type,
        ...(refundId ? { externalId: refundId } : reference ? { externalId: reference } : {}),
        data: {
          ...(refundId ? { refundId } : {}),
          ...(reference ? { reference } : {}),
          amount: fromMinorUnits(Number(data.amount), currency),
          currency,
          providerStatus: str(data.status) ?? event.slice('refund.'.length),
        },
      },
    ];
  }
  return [];
}

export const webhook: WebhookSection<PaystackConfig> = {
  // x-paystack-signature: hex HMAC-SHA512 of the raw body keyed with the secret key,
  // so this integration's webhook secrets must hold the secret key.
  verification: { scheme: 'paystack' },
  eventId(req) {
    try {
      const { event, data } = readEvent(req);
      // No delivery id: the event and the transaction's (or refund's) id name one notification.
      const id = str(data.id) ?? str(data.reference) ?? str(data.transaction_reference);
      return id ? `${event}:${id}` : undefined;
    } catch {
      return undefined;
    }
  },
  parse: (req) => parsePaystack(req),
  sampleEvents: ['payment.succeeded', 'refund.succeeded'],
  sample(eventType, config) {
    const type = eventType ?? 'payment.succeeded';
    const id = randomInt(1_000_000, 9_999_999);
    const currency = config?.currency ?? 'NGN';
    const body =
      type === 'refund.succeeded'
        ? refundEvent({ id, status: 'processed', transactionReference: `sample-${id}`, amount: 250000, currency })
        : chargeSuccess({
            id,
            status: 'success',
            reference: `sample-${id}`,
            amount: 250000,
            currency,
            paid_at: new Date().toISOString(),
            created_at: new Date().toISOString(),
            customer: { id: 1, email: 'customer@example.com', customer_code: 'CUS_sample' },
            authorization: { authorization_code: 'AUTH_sample', bin: '408408', last4: '4081', exp_month: '12', exp_year: '2030', card_type: 'visa', bank: 'TEST BANK', reusable: true },
          });
    return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), eventType: type };
  },
};
