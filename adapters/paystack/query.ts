import { z } from 'zod';
import { defineOperation } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import type { PaystackConfig } from './config.js';
import { paystack, type PaystackContext } from './api.js';
import { CARD_PATHS, describeTransaction, transactionOutput, type PaystackTransaction, type TransactionOutput } from './transaction.js';

export const queryInput = z.object({
  reference: z.string().min(1).describe('The transaction reference'),
});

export async function verify(ctx: PaystackContext, reference: string): Promise<TransactionOutput> {
  try {
    const res = await paystack<PaystackTransaction>(ctx, { path: `/transaction/verify/${encodeURIComponent(reference)}` });
    return describeTransaction(res.data);
  } catch (err) {
    if (err instanceof IntegrationError && err.category === 'NOT_FOUND') {
      return { status: 'not_found', providerStatus: err.provider?.message ?? 'not found', reference };
    }
    throw err;
  }
}

export const query = defineOperation<PaystackConfig, typeof queryInput, typeof transactionOutput>({
  description: 'Verify a transaction by reference (GET /transaction/verify/:reference); reconciles unknown outcomes',
  input: queryInput,
  output: transactionOutput,
  retry: 'safe',
  sensitive: CARD_PATHS,
  run: (ctx, input) => verify(ctx, input.reference),
});
