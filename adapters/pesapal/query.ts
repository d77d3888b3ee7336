import { z } from 'zod';
import { defineOperation } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import type { PesapalConfig } from './config.js';
import { pesapal, type PesapalContext } from './api.js';
import { trackingIdFor } from './orders.js';
import { describeStatus, transactionOutput, type PesapalTransactionStatus, type TransactionOutput } from './transaction.js';

export const queryInput = z
  .object({
    orderTrackingId: z.string().min(1).optional().describe('From charge, or the IPN'),
    reference: z.string().min(1).optional().describe('Your merchant reference; works for orders this integration submitted'),
  })
  .refine((v) => v.orderTrackingId || v.reference, { message: 'give orderTrackingId or reference' });

export async function transactionStatus(ctx: PesapalContext, orderTrackingId: string): Promise<TransactionOutput> {
  try {
    const s = await pesapal<PesapalTransactionStatus>(ctx, { path: '/api/Transactions/GetTransactionStatus', query: { orderTrackingId } });
    return describeStatus(orderTrackingId, s);
  } catch (err) {
    if (err instanceof IntegrationError && err.category === 'NOT_FOUND') {
      return { status: 'not_found', providerStatus: err.provider?.code ?? 'not_found', orderTrackingId, message: err.provider?.message };
    }
    throw err;
  }
}

export const query = defineOperation<PesapalConfig, typeof queryInput, typeof transactionOutput>({
  description: 'Read an order\'s payment status (GetTransactionStatus); confirms IPNs and reconciles unknown outcomes',
  input: queryInput,
  output: transactionOutput,
  retry: 'safe',
  sensitive: ['paymentAccount'],
  async run(ctx, input) {
    const orderTrackingId = input.orderTrackingId ?? (await trackingIdFor(ctx, input.reference!));
    if (!orderTrackingId) {
      // Pesapal has no lookup by merchant reference. An order whose answer never reached us
      // gave no customer its payment page, so nothing can have been paid on it.
      return {
        status: 'not_found',
        providerStatus: 'NO_TRACKING_ID',
        reference: input.reference,
        message: `no order tracking id was issued to this integration for reference ${input.reference}; no customer can have paid it. Submit a new order with a new reference.`,
      };
    }
    const out = await transactionStatus(ctx, orderTrackingId);
    return input.reference && !out.reference ? { ...out, reference: input.reference } : out;
  },
});
