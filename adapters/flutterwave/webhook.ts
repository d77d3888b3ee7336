import { randomInt } from 'node:crypto';
import type { InboundWebhook, NormalizedEvent, WebhookSection } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import type { FlutterwaveConfig } from './config.js';
import { toPaymentStatus } from './transaction.js';
import { chargeCompletedV3, legacyCharge } from './payloads.js';

/** Both body shapes reduced to what the events need. */
interface ChargeNotice {
  shape: 'v3' | 'legacy';
  event: string;
  id: string;
  txRef: string;
  flwRef?: string;
  amount?: number;
  currency?: string;
  status: string;
  paymentType?: string;
  createdAt?: string;
  customerEmail?: string;
}

type Json = Record<string, unknown>;

function readJson(req: InboundWebhook): Json {
  try {
    const body = JSON.parse(req.rawBody.toString('utf8')) as unknown;
    if (body && typeof body === 'object' && !Array.isArray(body)) return body as Json;
  } catch {
    // fall through
  }
  throw new IntegrationError('INVALID_REQUEST', 'flutterwave webhook body is not a JSON object');
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : undefined);

/** v3: {event, data:{id, tx_ref, …}}; legacy: {id, txRef, flwRef, …} at the top level. */
export function readNotice(body: Json): ChargeNotice | undefined {
  if (typeof body.event === 'string' && body.data && typeof body.data === 'object') {
    const d = body.data as Json;
    const customer = (d.customer ?? {}) as Json;
    if (d.id === undefined || d.tx_ref === undefined) return undefined;
    return {
      shape: 'v3',
      event: body.event,
      id: str(d.id)!,
      txRef: str(d.tx_ref)!,
      flwRef: str(d.flw_ref),
      amount: num(d.amount),
      currency: str(d.currency),
      status: str(d.status) ?? '',
      paymentType: str(d.payment_type),
      createdAt: str(d.created_at),
      customerEmail: str(customer.email),
    };
  }
  if (body.txRef !== undefined && body.id !== undefined) {
    const customer = (body.customer ?? {}) as Json;
    return {
      shape: 'legacy',
      event: 'charge.completed',
      id: str(body.id)!,
      txRef: str(body.txRef)!,
      flwRef: str(body.flwRef),
      amount: num(body.amount),
      currency: str(body.currency),
      status: str(body.status) ?? '',
      paymentType: str(body['event.type']),
      createdAt: str(body.createdAt),
      customerEmail: str(customer.email),
    };
  }
  return undefined;
}

/**
 * Only charge outcomes become events; other Flutterwave events (transfers,
 * subscriptions) parse to nothing. externalId is the tx_ref, the handle the
 * charge operation returned; the transaction id is in data.
 */
export function parseFlutterwave(req: InboundWebhook): NormalizedEvent[] {
  const notice = readNotice(readJson(req));
  if (!notice || notice.event !== 'charge.completed') return [];
  const status = toPaymentStatus(notice.status);
  if (status !== 'succeeded' && status !== 'failed') return [];
  return [
    {
      type: status === 'succeeded' ? 'payment.succeeded' : 'payment.failed',
      externalId: notice.txRef,
      ...(notice.createdAt ? { occurredAt: new Date(notice.createdAt).toISOString() } : {}),
      data: {
        reference: notice.txRef,
        transactionId: notice.id,
        ...(notice.flwRef ? { flwRef: notice.flwRef } : {}),
        amount: notice.amount,
        currency: notice.currency,
        providerStatus: notice.status,
        ...(notice.paymentType ? { paymentType: notice.paymentType } : {}),
        ...(notice.customerEmail ? { customerEmail: notice.customerEmail } : {}),
        shape: notice.shape,
        // verif-hash is a shared secret, not a signature over the body: confirm before giving value.
        confirmWith: { operation: 'query', payload: { transactionId: notice.id } },
      },
    },
  ];
}

export const webhook: WebhookSection<FlutterwaveConfig> = {
  // The `verif-hash` header carries the secret hash set in the dashboard, compared for equality.
  verification: { scheme: 'flutterwave' },
  eventId(req) {
    try {
      const notice = readNotice(readJson(req));
      // Flutterwave sends no delivery id; a transaction id with its status names one outcome.
      return notice ? `${notice.event}:${notice.id}:${notice.status}` : undefined;
    } catch {
      return undefined;
    }
  },
  parse: (req) => parseFlutterwave(req),
  sampleEvents: ['payment.succeeded', 'payment.failed', 'payment.succeeded.legacy'],
  sample(eventType, config) {
    const type = eventType ?? 'payment.succeeded';
    const legacy = type.endsWith('.legacy');
    const failed = type.startsWith('payment.failed');
    const id = randomInt(4_000_000, 9_000_000);
    const tx = {
      id,
      txRef: `sample-${id}`,
      flwRef: `FLW-MOCK-${id.toString(16)}`,
      amount: 2500,
      currency: config?.currency ?? 'NGN',
      status: failed ? ('failed' as const) : ('successful' as const),
      paymentType: 'card',
      createdAt: new Date().toISOString(),
      customer: { id: 1, email: 'customer@example.com', name: 'Sample Customer' },
    };
    return {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(legacy ? legacyCharge(tx) : chargeCompletedV3(tx)),
      eventType: failed ? 'payment.failed' : 'payment.succeeded',
    };
  },
};
