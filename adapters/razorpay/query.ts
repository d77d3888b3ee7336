import { z } from 'zod';
import { defineOperation } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import type { RazorpayConfig } from './config.js';
import { razorpay, type Collection, type RazorpayContext } from './api.js';
import type { RazorpayOrder, RazorpayPayment } from './entities.js';
import { fromMinorUnits } from '../../src/core/adapter-kit/minor-units.js';

export const paymentStatus = z.enum(['pending', 'succeeded', 'failed', 'reversed', 'not_found']);

export const queryInput = z
  .object({
    orderId: z.string().regex(/^order_\w+$/).optional(),
    reference: z.string().min(1).max(40).optional().describe('The receipt the order was created with'),
  })
  .refine((v) => v.orderId || v.reference, { message: 'give orderId or reference' });

export const queryOutput = z.object({
  status: paymentStatus,
  providerStatus: z.string(),
  orderId: z.string().optional(),
  reference: z.string().optional(),
  amount: z.number().optional(),
  amountPaid: z.number().optional(),
  amountDue: z.number().optional(),
  currency: z.string().optional(),
  attempts: z.number().optional(),
  createdAt: z.string().optional(),
  paymentId: z.string().optional().describe('The captured payment (or the latest attempt): what refund takes'),
  paymentStatus: z.string().optional(),
  method: z.string().optional(),
  amountRefunded: z.number().optional(),
  errorCode: z.string().optional(),
  errorDescription: z.string().optional(),
});

type QueryOutput = z.input<typeof queryOutput>;

async function findOrder(ctx: RazorpayContext, input: { orderId?: string; reference?: string }): Promise<RazorpayOrder | undefined> {
  if (input.orderId) {
    try {
      return await razorpay<RazorpayOrder>(ctx, { path: `/orders/${encodeURIComponent(input.orderId)}` });
    } catch (err) {
      if (err instanceof IntegrationError && err.category === 'NOT_FOUND') return undefined;
      throw err;
    }
  }
  // Receipts need not be unique at Razorpay; the newest order with it is the one a retry would have made.
  const list = await razorpay<Collection<RazorpayOrder>>(ctx, { path: '/orders', query: { receipt: input.reference, count: 10 } });
  return [...list.items].sort((a, b) => b.created_at - a.created_at)[0];
}

export async function orderPayments(ctx: RazorpayContext, orderId: string): Promise<RazorpayPayment[]> {
  const list = await razorpay<Collection<RazorpayPayment>>(ctx, { path: `/orders/${encodeURIComponent(orderId)}/payments` });
  return [...list.items].sort((a, b) => b.created_at - a.created_at);
}

/** The payment that decides the order: a captured (or refunded) one, else the latest attempt. */
export function decisivePayment(payments: RazorpayPayment[]): RazorpayPayment | undefined {
  return payments.find((p) => p.status === 'captured' || p.status === 'refunded') ?? payments[0];
}

function statusOf(order: RazorpayOrder, payment: RazorpayPayment | undefined): z.output<typeof paymentStatus> {
  if (payment?.status === 'refunded' && payment.refund_status === 'full') return 'reversed';
  if (payment?.status === 'captured' || payment?.status === 'refunded' || order.status === 'paid') return 'succeeded';
  if (payment?.status === 'failed') return 'failed';
  // created / attempted with an authorized payment awaiting capture
  return 'pending';
}

export async function queryOrder(ctx: RazorpayContext, input: { orderId?: string; reference?: string }): Promise<QueryOutput> {
  const order = await findOrder(ctx, input);
  if (!order) return { status: 'not_found', providerStatus: 'not_found', ...(input.orderId ? { orderId: input.orderId } : {}), ...(input.reference ? { reference: input.reference } : {}) };
  const payment = decisivePayment(await orderPayments(ctx, order.id));
  const cur = order.currency;
  return {
    status: statusOf(order, payment),
    providerStatus: order.status,
    orderId: order.id,
    ...(order.receipt ? { reference: order.receipt } : {}),
    amount: fromMinorUnits(order.amount, cur),
    amountPaid: fromMinorUnits(order.amount_paid, cur),
    amountDue: fromMinorUnits(order.amount_due, cur),
    currency: cur,
    attempts: order.attempts,
    createdAt: new Date(order.created_at * 1000).toISOString(),
    ...(payment
      ? {
          paymentId: payment.id,
          paymentStatus: payment.status,
          method: payment.method,
          amountRefunded: fromMinorUnits(payment.amount_refunded, cur),
          ...(payment.error_code ? { errorCode: payment.error_code } : {}),
          ...(payment.error_description ? { errorDescription: payment.error_description } : {}),
        }
      : {}),
  };
}

export const query = defineOperation<RazorpayConfig, typeof queryInput, typeof queryOutput>({
  description: 'Read an order and its payments (GET /v1/orders/{id}, or by receipt); reconciles unknown outcomes',
  input: queryInput,
  output: queryOutput,
  retry: 'safe',
  run: (ctx, input) => queryOrder(ctx, input),
});
