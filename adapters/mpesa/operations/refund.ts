import { z } from 'zod';
import { defineOperation, type AdapterContext } from '../../../src/core/adapter.js';
import type { MpesaConfig } from '../config.js';
import { initiatorSettings } from '../initiator.js';
import { amountSchema } from './fields.js';
import { acceptedOutput, submitAsync } from './async-request.js';

/** Transaction reversal: Daraja answers "accepted", the outcome arrives at ResultURL (refund.succeeded / refund.failed). */
export const refund = defineOperation({
  description: 'Reverse an M-Pesa payment by its receipt number; the outcome arrives at the result URL',
  input: z.object({
    transactionId: z.string().trim().regex(/^[A-Z0-9]{10}$/, 'must be an M-Pesa receipt number such as RLA0R69NXM').describe('MpesaReceiptNumber of the payment'),
    amount: amountSchema,
    remarks: z.string().trim().min(1).max(100).default('Reversal'),
    occasion: z.string().trim().max(100).optional(),
  }),
  output: acceptedOutput,
  // Daraja takes no idempotency key for reversals; a blind resend could reverse twice.
  retry: 'unsafe',
  async run(ctx: AdapterContext<MpesaConfig>, input) {
    const s = initiatorSettings(ctx.config, 'reversal');
    return submitAsync(
      ctx,
      '/mpesa/reversal/v1/request',
      {
        Initiator: s.initiator,
        SecurityCredential: s.securityCredential,
        CommandID: 'TransactionReversal',
        TransactionID: input.transactionId,
        Amount: input.amount,
        ReceiverParty: ctx.config.shortcode,
        // Daraja's spelling; "11" is what its samples send for an organisation shortcode.
        RecieverIdentifierType: '11',
        ResultURL: s.resultUrl,
        QueueTimeOutURL: s.timeoutUrl,
        Remarks: input.remarks,
        Occasion: input.occasion ?? '',
      },
      'reversal',
    );
  },
});
