import { z } from 'zod';
import { defineOperation } from '../../src/core/adapter.js';
import type { RazorpayConfig } from './config.js';
import { razorpay } from './api.js';
import type { RazorpayOrder } from './entities.js';
import { fromMinorUnits, toMinorUnits } from '../../src/core/adapter-kit/minor-units.js';

export const chargeInput = z.object({
  amount: z.number().positive().describe('In major units (e.g. 499.00 INR); sent to Razorpay in the smallest unit'),
  currency: z.string().length(3).optional().describe('Defaults to the config currency'),
  reference: z.string().min(1).max(40).describe('Your receipt; query by it to reconcile'),
  notes: z
    .record(z.string(), z.string().max(256))
    .refine((n) => Object.keys(n).length <= 15, { message: 'at most 15 notes' })
    .optional(),
  partialPayment: z.boolean().optional(),
});

export const chargeOutput = z.object({
  status: z.literal('pending'),
  orderId: z.string().describe('Hand it to Razorpay Checkout with the key id'),
  reference: z.string(),
  amount: z.number(),
  currency: z.string(),
  providerStatus: z.string(),
});

/**
 * POST /orders. Unsafe: Razorpay documents no idempotency key for orders
 * (providers.md §11), so a lost answer is reconciled with `query
 * { reference }` (orders are searchable by receipt).
 */
export const charge = defineOperation<RazorpayConfig, typeof chargeInput, typeof chargeOutput>({
  description: 'Create an order for Razorpay Checkout (POST /v1/orders)',
  input: chargeInput,
  output: chargeOutput,
  retry: 'unsafe',
  async run(ctx, input) {
    const currency = (input.currency ?? ctx.config.currency).toUpperCase();
    const order = await razorpay<RazorpayOrder>(ctx, {
      method: 'POST',
      path: '/orders',
      json: {
        amount: toMinorUnits(input.amount, currency),
        currency,
        receipt: input.reference,
        ...(input.notes ? { notes: input.notes } : {}),
        ...(input.partialPayment !== undefined ? { partial_payment: input.partialPayment } : {}),
      },
    });
    return {
      status: 'pending' as const,
      orderId: order.id,
      reference: order.receipt ?? input.reference,
      amount: fromMinorUnits(order.amount, order.currency),
      currency: order.currency,
      providerStatus: order.status,
    };
  },
});
