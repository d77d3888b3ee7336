import { z } from 'zod';

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

/** The `data` of GET /transactions/{id}/verify (Node-v3 documentation/transactions.md). */
export interface FlutterwaveTransaction {
  id: number;
  tx_ref: string;
  flw_ref?: string;
  amount: number;
  currency: string;
  charged_amount?: number;
  app_fee?: number;
  amount_settled?: number;
  status: string;
  payment_type?: string;
  processor_response?: string;
  narration?: string;
  created_at?: string;
  card?: { first_6digits?: string; last_4digits?: string; issuer?: string; country?: string; type?: string; token?: string; expiry?: string };
  customer?: { id?: number; name?: string; phone_number?: string; email?: string };
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
    ...(t.flw_ref ? { flwRef: t.flw_ref } : {}),
    amount: t.amount,
    ...(t.charged_amount !== undefined ? { chargedAmount: t.charged_amount } : {}),
    ...(t.amount_settled !== undefined ? { amountSettled: t.amount_settled } : {}),
    currency: t.currency,
    ...(t.payment_type ? { paymentType: t.payment_type } : {}),
    ...(t.processor_response ? { processorResponse: t.processor_response } : {}),
    ...(t.created_at ? { createdAt: t.created_at } : {}),
    ...(t.customer ? { customer: { email: t.customer.email, name: t.customer.name, phone: t.customer.phone_number } } : {}),
    ...(t.card
      ? {
          card: {
            first6Digits: t.card.first_6digits,
            last4Digits: t.card.last_4digits,
            issuer: t.card.issuer,
            type: t.card.type,
            country: t.card.country,
            expiry: t.card.expiry,
            token: t.card.token,
          },
        }
      : {}),
  };
}

/** Paths of transactionOutput that hold card data: redacted in logs and queue payloads. */
export const CARD_PATHS = ['card.token', 'card.expiry', 'card.first6Digits'];
