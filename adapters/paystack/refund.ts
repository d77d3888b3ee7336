import { z } from 'zod';
import { defineOperation } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import type { PaystackConfig } from './config.js';
import { beforeSending } from '../../src/core/adapter-kit/before-sending.js';
import { paystack } from './api.js';
import { fromMinorUnits, toMinorUnits } from '../../src/core/adapter-kit/minor-units.js';
import { verify } from './query.js';

export const refundInput = z.object({
  reference: z.string().min(1).describe('The transaction reference (or id) to refund'),
  amount: z.number().positive().optional().describe('Major units; omitted: the full amount'),
  customerNote: z.string().max(200).optional(),
  merchantNote: z.string().max(200).optional(),
});

export const refundOutput = z.object({
  refundId: z.string(),
  reference: z.string(),
  status: z.enum(['pending', 'succeeded', 'failed']),
  providerStatus: z.string(),
  amount: z.number(),
  currency: z.string(),
  expectedAt: z.string().optional(),
});

interface PaystackRefund {
  id: number;
  status: string;
  amount: number;
  currency: string;
  expected_at?: string;
  transaction?: { id?: number; reference?: string };
}

/**
 * POST /refund. Reads the transaction first: its currency fixes the
 * amount's unit, and only successful transactions can be refunded. Unsafe:
 * no idempotency key is documented for refunds.
 */
export const refund = defineOperation<PaystackConfig, typeof refundInput, typeof refundOutput>({
  description: 'Refund a transaction fully or partly (POST /refund)',
  input: refundInput,
  output: refundOutput,
  retry: 'unsafe',
  async run(ctx, input) {
    const tx = await verify(ctx, input.reference).catch(beforeSending);
    if (tx.status === 'not_found') throw new IntegrationError('NOT_FOUND', `paystack has no transaction ${input.reference}`, { requestSent: false, provider: { message: tx.providerStatus } });
    if (tx.status !== 'succeeded') {
      throw new IntegrationError('INVALID_REQUEST', `paystack transaction ${input.reference} is ${tx.providerStatus}; only successful transactions can be refunded`, { requestSent: false });
    }
    const currency = tx.currency ?? ctx.config.currency;
    const res = await paystack<PaystackRefund>(ctx, {
      method: 'POST',
      path: '/refund',
      json: {
        transaction: input.reference,
        ...(input.amount !== undefined ? { amount: toMinorUnits(input.amount, currency) } : {}),
        ...(input.customerNote ? { customer_note: input.customerNote } : {}),
        ...(input.merchantNote ? { merchant_note: input.merchantNote } : {}),
      },
    });
    const r = res.data;
    return {
      refundId: String(r.id),
      reference: r.transaction?.reference ?? input.reference,
      status: r.status === 'processed' ? ('succeeded' as const) : r.status === 'failed' ? ('failed' as const) : ('pending' as const),
      providerStatus: r.status,
      amount: fromMinorUnits(r.amount, r.currency ?? currency),
      currency: r.currency ?? currency,
      ...(r.expected_at ? { expectedAt: r.expected_at } : {}),
    };
  },
});
