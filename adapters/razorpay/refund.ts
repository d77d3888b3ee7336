import { z } from 'zod';
import { defineOperation } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import { beforeSending } from '../../src/core/adapter-kit/before-sending.js';
import type { RazorpayConfig } from './config.js';
import { razorpay, type RazorpayContext } from './api.js';
import type { RazorpayPayment, RazorpayRefund } from './entities.js';
import { fromMinorUnits, toMinorUnits } from '../../src/core/adapter-kit/minor-units.js';
import { decisivePayment, orderPayments } from './query.js';

export const refundInput = z
  .object({
    paymentId: z.string().regex(/^pay_\w+$/).optional(),
    orderId: z.string().regex(/^order_\w+$/).optional().describe('Refunds the order\'s captured payment'),
    amount: z.number().positive().optional().describe('Major units; omitted: the full amount'),
    speed: z.enum(['normal', 'optimum']).optional(),
    reference: z.string().max(40).optional().describe('Your receipt for the refund'),
    notes: z.record(z.string(), z.string().max(256)).optional(),
  })
  .refine((v) => v.paymentId || v.orderId, { message: 'give paymentId or orderId' });

export const refundOutput = z.object({
  refundId: z.string(),
  paymentId: z.string(),
  status: z.enum(['pending', 'succeeded', 'failed']),
  providerStatus: z.string(),
  amount: z.number(),
  currency: z.string(),
  speedProcessed: z.string().optional(),
  createdAt: z.string(),
});

/** Reads the payment first (its currency fixes the amount's unit; only captured payments refund). */
async function paymentToRefund(ctx: RazorpayContext, input: { paymentId?: string; orderId?: string }): Promise<RazorpayPayment> {
  if (input.paymentId) return razorpay<RazorpayPayment>(ctx, { path: `/payments/${encodeURIComponent(input.paymentId)}` });
  const payment = decisivePayment(await orderPayments(ctx, input.orderId!));
  if (!payment || (payment.status !== 'captured' && payment.status !== 'refunded')) {
    throw new IntegrationError('INVALID_REQUEST', `razorpay order ${input.orderId} has no captured payment to refund`, { requestSent: false });
  }
  return payment;
}

/** POST /payments/{id}/refund. Unsafe: no idempotency key is documented for refunds. */
export const refund = defineOperation<RazorpayConfig, typeof refundInput, typeof refundOutput>({
  description: 'Refund a captured payment fully or partly (POST /v1/payments/{id}/refund)',
  input: refundInput,
  output: refundOutput,
  retry: 'unsafe',
  async run(ctx, input) {
    // Only the read failed when this throws; no refund was requested, so a retry is safe.
    const payment = await paymentToRefund(ctx, input).catch(beforeSending);
    const r = await razorpay<RazorpayRefund>(ctx, {
      method: 'POST',
      path: `/payments/${encodeURIComponent(payment.id)}/refund`,
      json: {
        ...(input.amount !== undefined ? { amount: toMinorUnits(input.amount, payment.currency) } : {}),
        ...(input.speed ? { speed: input.speed } : {}),
        ...(input.reference ? { receipt: input.reference } : {}),
        ...(input.notes ? { notes: input.notes } : {}),
      },
    });
    return {
      refundId: r.id,
      paymentId: r.payment_id,
      status: r.status === 'processed' ? ('succeeded' as const) : r.status === 'failed' ? ('failed' as const) : ('pending' as const),
      providerStatus: r.status,
      amount: fromMinorUnits(r.amount, r.currency),
      currency: r.currency,
      ...(r.speed_processed ? { speedProcessed: r.speed_processed } : {}),
      createdAt: new Date(r.created_at * 1000).toISOString(),
    };
  },
});
