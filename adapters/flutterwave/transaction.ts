import { z } from 'zod';
import { presentFields } from '../../src/core/adapter-kit/present-fields.js';

/** What `query` reports, in the vocabulary every payment adapter shares. */
export const paymentStatus = z.enum(['pending', 'succeeded', 'failed', 'reversed', 'not_found']);
export type PaymentStatus = z.output<typeof paymentStatus>;

/** Flutterwave's transaction statuses: successful, failed, cancelled, pending (and "error" on some rails). */
export function toPaymentStatus(status: string | undefined): PaymentStatus {
  switch ((status ?? '').toLowerCase()) {
    case 'successful':
    case 'success':
    case 'completed':
      return 'succeeded';
    case 'failed':
    case 'cancelled':
    case 'error':
      return 'failed';
    case 'reversed':
    case 'refunded':
      return 'reversed';
    default:
      return 'pending';
  }
}

/**
 * The `data` of GET /transactions/{id}/verify (Node-v3 documentation/transactions.md;
 * developer.flutterwave.com verify samples). Flutterwave publishes no OpenAPI;
 * its samples answer `customer.phone_number`, `customer.name`, `narration`,
 * `device_fingerprint` and `meta` null, `card` only for card payments (absent
 * for bank transfer, mobile money, USSD), and `amount_settled` only once
 * settled. Only id, tx_ref, amount, currency and status are read as required.
 */
export interface FlutterwaveTransaction {
  id: number;
  tx_ref: string;
  flw_ref?: string | null;
  amount: number;
  currency: string;
  charged_amount?: number | null;
  app_fee?: number | null;
  amount_settled?: number | null;
  status: string;
  payment_type?: string | null;
  processor_response?: string | null;
  narration?: string | null;
  created_at?: string | null;
  card?: { first_6digits?: string | null; last_4digits?: string | null; issuer?: string | null; country?: string | null; type?: string | null; token?: string | null; expiry?: string | null } | null;
  customer?: { id?: number; name?: string | null; phone_number?: string | null; email?: string | null } | null;
}

export const transactionOutput = z.object({
  status: paymentStatus,
  providerStatus: z.string(),
  reference: z.string(),
  transactionId: z.string().optional(),
  flwRef: z.string().optional(),
  amount: z.number().optional(),
  chargedAmount: z.number().optional(),
  amountSettled: z.number().optional(),
  currency: z.string().optional(),
  paymentType: z.string().optional(),
  processorResponse: z.string().optional(),
  createdAt: z.string().optional(),
  customer: z.object({ email: z.string().optional(), name: z.string().optional(), phone: z.string().optional() }).optional(),
  card: z
    .object({
      first6Digits: z.string().optional(),
      last4Digits: z.string().optional(),
      issuer: z.string().optional(),
      type: z.string().optional(),
      country: z.string().optional(),
      expiry: z.string().optional(),
      /** Charges the card again (tokenized charges): as good as the card, never logged. */
      token: z.string().optional(),
    })
    .optional(),
});

export type TransactionOutput = z.input<typeof transactionOutput>;

export function describeTransaction(t: FlutterwaveTransaction): TransactionOutput {
  return {
    status: toPaymentStatus(t.status),
    providerStatus: t.status,
    reference: t.tx_ref,
    transactionId: String(t.id),
    amount: t.amount,
    currency: t.currency,
    ...presentFields({
      flwRef: t.flw_ref || undefined,
      chargedAmount: t.charged_amount,
      amountSettled: t.amount_settled,
      paymentType: t.payment_type || undefined,
      processorResponse: t.processor_response || undefined,
      createdAt: t.created_at || undefined,
    }),
    ...(t.customer ? { customer: presentFields({ email: t.customer.email, name: t.customer.name, phone: t.customer.phone_number }) } : {}),
    ...(t.card
      ? {
          card: presentFields({
            first6Digits: t.card.first_6digits,
            last4Digits: t.card.last_4digits,
            issuer: t.card.issuer,
            type: t.card.type,
            country: t.card.country,
            expiry: t.card.expiry,
            token: t.card.token,
          }),
        }
      : {}),
  };
}

/** Paths of transactionOutput that hold card data: redacted in logs and queue payloads. */
export const CARD_PATHS = ['card.token', 'card.expiry', 'card.first6Digits'];
