import { z } from 'zod';
import { defineOperation } from '../../src/core/adapter.js';
import type { PaystackConfig } from './config.js';
import { paystack } from './api.js';
import { toMinorUnits } from '../../src/core/adapter-kit/minor-units.js';

export const chargeInput = z.object({
  amount: z.number().positive().describe('In major units (e.g. 2500.50 NGN); sent to Paystack in the subunit (kobo)'),
  currency: z.string().length(3).optional().describe('Defaults to the config currency'),
  reference: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9.=-]+$/, 'letters, digits, "-", "." and "=" only')
    .describe('Your unique transaction reference; query by it to reconcile'),
  email: z.email().describe("The customer's email"),
  callbackUrl: z.url().optional().describe('Defaults to the config callbackUrl, else the dashboard setting'),
  channels: z.array(z.enum(['card', 'bank', 'ussd', 'qr', 'mobile_money', 'bank_transfer', 'eft', 'apple_pay'])).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

export const chargeOutput = z.object({
  status: z.literal('pending'),
  reference: z.string(),
  authorizationUrl: z.url().describe('The Paystack checkout to send the customer to'),
  accessCode: z.string(),
});

/**
 * POST /transaction/initialize. Unsafe: a repeated reference is refused as a
 * duplicate rather than answered with the first result, so it is no
 * idempotency key; a lost answer is reconciled with `query { reference }`.
 */
export const charge = defineOperation<PaystackConfig, typeof chargeInput, typeof chargeOutput>({
  description: 'Initialize a transaction and get the checkout URL (POST /transaction/initialize)',
  input: chargeInput,
  output: chargeOutput,
  retry: 'unsafe',
  async run(ctx, input) {
    const currency = (input.currency ?? ctx.config.currency).toUpperCase();
    const callbackUrl = input.callbackUrl ?? ctx.config.callbackUrl;
    const res = await paystack<{ authorization_url: string; access_code: string; reference: string }>(ctx, {
      method: 'POST',
      path: '/transaction/initialize',
      json: {
        email: input.email,
        amount: toMinorUnits(input.amount, currency),
        currency,
        reference: input.reference,
        ...(callbackUrl ? { callback_url: callbackUrl } : {}),
        ...(input.channels ? { channels: input.channels } : {}),
        ...(input.metadata ? { metadata: input.metadata } : {}),
      },
    });
    return { status: 'pending' as const, reference: res.data.reference || input.reference, authorizationUrl: res.data.authorization_url, accessCode: res.data.access_code };
  },
});
