import { z } from 'zod';
import { defineOperation } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import type { PesapalConfig } from './config.js';
import { pesapal } from './api.js';
import { beforeSending } from '../../src/core/adapter-kit/before-sending.js';
import { transactionStatus } from './query.js';

export const refundInput = z
  .object({
    orderTrackingId: z.string().min(1).optional().describe('Looks up the confirmation code and amount'),
    confirmationCode: z.string().min(1).optional().describe('The payment\'s confirmation code, from query'),
    amount: z.number().positive().optional().describe('Major units; omitted: the full amount (needs orderTrackingId)'),
    remarks: z.string().min(1).max(200).describe('Why the refund is made; Pesapal requires it'),
    username: z.string().min(1).optional().describe('Who requested it; defaults to the config refundUsername'),
  })
  .refine((v) => v.orderTrackingId || v.confirmationCode, { message: 'give orderTrackingId or confirmationCode' })
  .refine((v) => v.orderTrackingId || v.amount !== undefined, { message: 'amount is required when only confirmationCode is given', path: ['amount'] });

export const refundOutput = z.object({
  status: z.literal('pending').describe('Pesapal refunds wait for approval; the order reads REVERSED once done'),
  providerStatus: z.string(),
  confirmationCode: z.string(),
  amount: z.number(),
  orderTrackingId: z.string().optional(),
});

/**
 * RefundRequest {confirmation_code, amount, username, remarks}: not in
 * providers.md; fields per Pesapal's API 3.0 refund page as used by
 * third-party clients (UNCONFIRMED-official). Only COMPLETED payments refund.
 */
export const refund = defineOperation<PesapalConfig, typeof refundInput, typeof refundOutput>({
  description: 'Request a refund of a completed payment (RefundRequest)',
  input: refundInput,
  output: refundOutput,
  retry: 'unsafe',
  async run(ctx, input) {
    const username = input.username ?? ctx.config.refundUsername;
    if (!username) {
      throw new IntegrationError('VALIDATION_FAILED', 'pesapal refund needs a username (in the payload or the config refundUsername)', {
        requestSent: false,
        issues: ['payload.username: required when the config has no refundUsername'],
      });
    }
    let confirmationCode = input.confirmationCode;
    let amount = input.amount;
    if (input.orderTrackingId && (!confirmationCode || amount === undefined)) {
      const tx = await transactionStatus(ctx, input.orderTrackingId).catch(beforeSending);
      if (tx.status !== 'succeeded' || !tx.confirmationCode) {
        throw new IntegrationError('INVALID_REQUEST', `pesapal order ${input.orderTrackingId} is ${tx.providerStatus}; only COMPLETED payments can be refunded`, {
          requestSent: false,
        });
      }
      confirmationCode ??= tx.confirmationCode;
      amount ??= tx.amount;
    }
    if (!confirmationCode || amount === undefined) throw new IntegrationError('VALIDATION_FAILED', 'pesapal refund needs a confirmation code and an amount', { requestSent: false });
    const res = await pesapal<{ status?: string; message?: string }>(ctx, {
      method: 'POST',
      path: '/api/Transactions/RefundRequest',
      json: { confirmation_code: confirmationCode, amount, username, remarks: input.remarks },
    });
    return {
      status: 'pending' as const,
      providerStatus: res.message ?? 'Refund request successfully',
      confirmationCode,
      amount,
      ...(input.orderTrackingId ? { orderTrackingId: input.orderTrackingId } : {}),
    };
  },
});
