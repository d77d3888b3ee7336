import { z } from 'zod';
import { defineOperation } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import type { FlutterwaveConfig } from './config.js';
import { flutterwave, type FlutterwaveContext } from './api.js';
import { CARD_PATHS, describeTransaction, transactionOutput, type FlutterwaveTransaction, type TransactionOutput } from './transaction.js';

export const queryInput = z
  .object({
    transactionId: z.union([z.string().regex(/^\d+$/), z.number().int().positive()]).optional().describe('Flutterwave transaction id'),
    reference: z.string().min(1).optional().describe('Your tx_ref'),
  })
  .refine((v) => v.transactionId !== undefined || v.reference !== undefined, { message: 'give transactionId or reference' });

/** GET /transactions/{id}/verify, or by tx_ref; `not_found` when Flutterwave has no transaction (yet). */
export async function verifyTransaction(ctx: FlutterwaveContext, by: { transactionId?: string | number; reference?: string }): Promise<TransactionOutput> {
  try {
    const res =
      by.transactionId !== undefined
        ? await flutterwave<FlutterwaveTransaction>(ctx, { path: `/transactions/${encodeURIComponent(String(by.transactionId))}/verify` })
        : // verify_by_reference is not in providers.md; it is what Flutterwave's v3 API and its SDKs use for tx_ref lookups (assumed).
          await flutterwave<FlutterwaveTransaction>(ctx, { path: '/transactions/verify_by_reference', query: { tx_ref: by.reference } });
    return describeTransaction(res.data);
  } catch (err) {
    if (err instanceof IntegrationError && err.category === 'NOT_FOUND') {
      // Until the customer attempts a payment there is no transaction for a tx_ref: nothing was charged.
      return { status: 'not_found', providerStatus: err.provider?.message ?? 'not found', reference: by.reference ?? '', ...(by.transactionId !== undefined ? { transactionId: String(by.transactionId) } : {}) };
    }
    throw err;
  }
}

export const query = defineOperation<FlutterwaveConfig, typeof queryInput, typeof transactionOutput>({
  description: 'Verify a transaction by id or tx_ref (GET /v3/transactions/{id}/verify); reconciles unknown outcomes',
  input: queryInput,
  output: transactionOutput,
  retry: 'safe',
  sensitive: CARD_PATHS,
  run: (ctx, input) => verifyTransaction(ctx, input),
});
