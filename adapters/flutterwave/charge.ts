import { z } from 'zod';
import { defineOperation } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import type { FlutterwaveConfig } from './config.js';
import { flutterwave } from './api.js';

export const chargeInput = z.object({
  amount: z.number().positive().describe('In major units (e.g. 1500.50 NGN)'),
  currency: z.string().length(3).optional().describe('Defaults to the config currency'),
  reference: z.string().min(1).max(100).describe('Your unique tx_ref; query by it to reconcile'),
  customer: z.object({ email: z.email(), name: z.string().optional(), phone: z.string().optional() }),
  redirectUrl: z.url().optional().describe('Defaults to the config redirectUrl'),
  description: z.string().max(200).optional(),
  title: z.string().max(100).optional(),
  paymentOptions: z.string().optional().describe('Comma list, e.g. "card,mobilemoneyghana,ussd"'),
  sessionDurationMinutes: z.number().int().positive().max(1440).optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
});

export const chargeOutput = z.object({
  status: z.literal('pending'),
  reference: z.string(),
  link: z.url().describe('The hosted checkout to send the customer to'),
});

/**
 * Standard checkout: POST /payments returns a hosted link. Unsafe: Flutterwave
 * documents no idempotency key (providers.md), so a lost answer is reconciled
 * with `query { reference }`, never by posting again.
 */
export const charge = defineOperation<FlutterwaveConfig, typeof chargeInput, typeof chargeOutput>({
  description: 'Create a hosted checkout link (Standard checkout, POST /v3/payments)',
  input: chargeInput,
  output: chargeOutput,
  retry: 'unsafe',
  async run(ctx, input) {
    const redirectUrl = input.redirectUrl ?? ctx.config.redirectUrl;
    if (!redirectUrl) {
      throw new IntegrationError('VALIDATION_FAILED', 'flutterwave charge needs a redirectUrl (in the payload or the integration config)', {
        requestSent: false,
        issues: ['payload.redirectUrl: required when the config has no redirectUrl'],
      });
    }
    const customizations = input.title || input.description ? { title: input.title, description: input.description } : undefined;
    const body = {
      tx_ref: input.reference,
      amount: input.amount,
      currency: (input.currency ?? ctx.config.currency).toUpperCase(),
      redirect_url: redirectUrl,
      customer: { email: input.customer.email, name: input.customer.name, phonenumber: input.customer.phone },
      ...(customizations ? { customizations } : {}),
      ...(input.paymentOptions ? { payment_options: input.paymentOptions } : {}),
      ...(input.sessionDurationMinutes ? { session_duration: input.sessionDurationMinutes } : {}),
      ...(input.meta ? { meta: input.meta } : {}),
    };
    const res = await flutterwave<{ link: string }>(ctx, { method: 'POST', path: '/payments', json: body });
    if (!res.data?.link) throw new IntegrationError('SERVER_ERROR', `flutterwave answered "${res.message}" without a checkout link`);
    return { status: 'pending' as const, reference: input.reference, link: res.data.link };
  },
});
