import { z } from 'zod';

export const paymentStatus = z.enum(['pending', 'succeeded', 'failed', 'reversed', 'not_found']);
export type PaymentStatus = z.output<typeof paymentStatus>;

/**
 * GetTransactionStatus (providers.md §3; pesapal-sdk TransactionStatusResponse.kt).
 * Pesapal publishes no OpenAPI and its pages mark no field required; an
 * order not yet paid answers payment_method, confirmation_code and
 * payment_account empty and `error` with null members, so every field is
 * read as optional or null (empty and null are both left out of the output).
 */
export interface PesapalTransactionStatus {
  payment_method?: string | null;
  amount?: number | null;
  created_date?: string | null;
  confirmation_code?: string | null;
  payment_status_description?: string | null;
  description?: string | null;
  message?: string | null;
  payment_account?: string | null;
  call_back_url?: string | null;
  status_code?: number | null;
  merchant_reference?: string | null;
  payment_status_code?: string | null;
  currency?: string | null;
  status?: string;
}

/**
 * status_code: 0 INVALID, 1 COMPLETED, 2 FAILED, 3 REVERSED. An order the
 * customer has not paid yet reads INVALID, so 0 is reported as pending.
 */
export function toPaymentStatus(code: number | null | undefined, description: string | null | undefined): PaymentStatus {
  const d = (description ?? '').toUpperCase();
  if (code === 1 || d === 'COMPLETED') return 'succeeded';
  if (code === 2 || d === 'FAILED') return 'failed';
  if (code === 3 || d === 'REVERSED') return 'reversed';
  return 'pending';
}

export const transactionOutput = z.object({
  status: paymentStatus,
  providerStatus: z.string(),
  statusCode: z.number().optional(),
  orderTrackingId: z.string().optional(),
  reference: z.string().optional(),
  amount: z.number().optional(),
  currency: z.string().optional(),
  paymentMethod: z.string().optional(),
  confirmationCode: z.string().optional(),
  /** The masked card number or the phone number that paid. */
  paymentAccount: z.string().optional(),
  description: z.string().optional(),
  message: z.string().optional(),
  createdAt: z.string().optional(),
});

export type TransactionOutput = z.input<typeof transactionOutput>;

const opt = <K extends string>(key: K, value: string | undefined | null) => (value ? ({ [key]: value } as Record<K, string>) : {});

export function describeStatus(orderTrackingId: string, s: PesapalTransactionStatus): TransactionOutput {
  return {
    status: toPaymentStatus(s.status_code, s.payment_status_description),
    providerStatus: s.payment_status_description || 'INVALID',
    ...(typeof s.status_code === 'number' ? { statusCode: s.status_code } : {}),
    orderTrackingId,
    ...opt('reference', s.merchant_reference),
    ...(typeof s.amount === 'number' ? { amount: s.amount } : {}),
    ...opt('currency', s.currency),
    ...opt('paymentMethod', s.payment_method),
    ...opt('confirmationCode', s.confirmation_code),
    ...opt('paymentAccount', s.payment_account),
    ...opt('description', s.description),
    ...opt('message', s.message),
    ...opt('createdAt', s.created_date),
  };
}
