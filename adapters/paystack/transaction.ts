import { z } from 'zod';
import { fromMinorUnits } from '../../src/core/adapter-kit/minor-units.js';
import { presentFields } from '../../src/core/adapter-kit/present-fields.js';

export const paymentStatus = z.enum(['pending', 'succeeded', 'failed', 'reversed', 'not_found']);
export type PaymentStatus = z.output<typeof paymentStatus>;

/**
 * GET /transaction/verify/:reference `data`. Nullability as PaystackOSS/openapi
 * (dist/paystack.yaml, VerifyResponse) publishes it: `authorization.bin` is
 * nullable (and null for channels with no card: bank, bank_transfer,
 * mobile_money), as are `message`, `paid_at`, `fees`; the other
 * authorization strings are read as nullable too, since the same channels
 * answer them null. Only id, status, reference, amount and currency are read
 * as required.
 */
export interface PaystackTransaction {
  id: number;
  domain?: string;
  status: string;
  reference: string;
  amount: number;
  currency: string;
  gateway_response?: string;
  message?: string | null;
  paid_at?: string | null;
  created_at?: string;
  channel?: string;
  fees?: number | null;
  customer?: { id?: number; email?: string; customer_code?: string };
  authorization?: {
    authorization_code?: string | null;
    bin?: string | null;
    last4?: string | null;
    exp_month?: string | null;
    exp_year?: string | null;
    channel?: string | null;
    card_type?: string | null;
    bank?: string | null;
    brand?: string | null;
    reusable?: boolean | null;
    signature?: string | null;
  } | null;
}

/**
 * Paystack's statuses. `abandoned` is what an initialized transaction reads
 * until the customer pays, so it is pending, not failed.
 */
export function toPaymentStatus(status: string): PaymentStatus {
  switch (status) {
    case 'success':
      return 'succeeded';
    case 'failed':
      return 'failed';
    case 'reversed':
      return 'reversed';
    default:
      return 'pending';
  }
}

export const transactionOutput = z.object({
  status: paymentStatus,
  providerStatus: z.string(),
  reference: z.string(),
  transactionId: z.string().optional(),
  amount: z.number().optional(),
  currency: z.string().optional(),
  gatewayResponse: z.string().optional(),
  channel: z.string().optional(),
  paidAt: z.string().optional(),
  createdAt: z.string().optional(),
  customerEmail: z.string().optional(),
  authorization: z
    .object({
      /** Charges the card again (charge_authorization): as good as the card, never logged. */
      authorizationCode: z.string().optional(),
      bin: z.string().optional(),
      last4: z.string().optional(),
      expMonth: z.string().optional(),
      expYear: z.string().optional(),
      cardType: z.string().optional(),
      bank: z.string().optional(),
      reusable: z.boolean().optional(),
    })
    .optional(),
});

export type TransactionOutput = z.input<typeof transactionOutput>;

/** Card data in transactionOutput: redacted in logs and queue payloads. */
export const CARD_PATHS = ['authorization.authorizationCode', 'authorization.bin', 'authorization.expMonth', 'authorization.expYear'];

export function describeTransaction(t: PaystackTransaction): TransactionOutput {
  const a = t.authorization;
  return {
    status: toPaymentStatus(t.status),
    providerStatus: t.status,
    reference: t.reference,
    transactionId: String(t.id),
    amount: fromMinorUnits(t.amount, t.currency),
    currency: t.currency,
    ...(t.gateway_response ? { gatewayResponse: t.gateway_response } : {}),
    ...(t.channel ? { channel: t.channel } : {}),
    ...(t.paid_at ? { paidAt: t.paid_at } : {}),
    ...(t.created_at ? { createdAt: t.created_at } : {}),
    ...(t.customer?.email ? { customerEmail: t.customer.email } : {}),
    ...(a && a.authorization_code
      ? {
          // A null (no card behind a bank or mobile-money payment) is left out, not passed on as a value.
          authorization: {
            authorizationCode: a.authorization_code,
            ...presentFields({ bin: a.bin, last4: a.last4, expMonth: a.exp_month, expYear: a.exp_year, cardType: a.card_type, bank: a.bank, reusable: a.reusable }),
          },
        }
      : {}),
  };
}

