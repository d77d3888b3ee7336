import { z } from 'zod';
import { defineOperation } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import { beforeSending } from '../../src/core/adapter-kit/before-sending.js';
import type { FlutterwaveConfig } from './config.js';
import { flutterwave } from './api.js';
import { verifyTransaction } from './query.js';

export const refundInput = z.object({
  transactionId: z.union([z.string().regex(/^\d+$/), z.number().int().positive()]).describe('Flutterwave transaction id (from query or the webhook)'),
  amount: z.number().positive().optional().describe('Major units; omitted: the full amount'),
});

export const refundOutput = z.object({
  refundId: z.string(),
  transactionId: z.string(),
  status: z.enum(['pending', 'succeeded', 'failed']),
  providerStatus: z.string(),
  amount: z.number(),
  flwRef: z.string().optional(),
  createdAt: z.string().optional(),
});

interface FlutterwaveRefund {
  id: number;
  tx_id?: number;
  flw_ref?: string;
  amount_refunded: number;
  status: string;
  created_at?: string;
}

/**
 * POST /transactions/{id}/refund. The SDK always sends `amount`; whether
 * Flutterwave accepts it missing for a full refund is UNCONFIRMED, so a full
 * refund first reads the transaction's amount with verify.
 */
export const refund = defineOperation<FlutterwaveConfig, typeof refundInput, typeof refundOutput>({
  description: 'Refund a transaction fully or partly (POST /v3/transactions/{id}/refund)',
  input: refundInput,
  output: refundOutput,
  retry: 'unsafe',
  async run(ctx, input) {
    const transactionId = String(input.transactionId);
    let amount = input.amount;
    if (amount === undefined) {
      // Only the read failed when this throws: no refund was posted, so the executor may retry this unsafe operation.
      const tx = await verifyTransaction(ctx, { transactionId }).catch(beforeSending);
      if (tx.status === 'not_found' || tx.amount === undefined) {
        throw new IntegrationError('NOT_FOUND', `flutterwave has no transaction ${transactionId} to refund`, { requestSent: false });
      }
      amount = tx.amount;
    }
    const res = await flutterwave<FlutterwaveRefund>(ctx, { method: 'POST', path: `/transactions/${encodeURIComponent(transactionId)}/refund`, json: { amount } });
    const r = res.data;
    const status = r.status === 'completed' || r.status === 'successful' ? 'succeeded' : r.status === 'failed' ? 'failed' : 'pending';
    return {
      refundId: String(r.id),
      transactionId: String(r.tx_id ?? transactionId),
      status,
      providerStatus: r.status,
      amount: r.amount_refunded ?? amount,
      ...(r.flw_ref ? { flwRef: r.flw_ref } : {}),
      ...(r.created_at ? { createdAt: r.created_at } : {}),
    };
  },
});
