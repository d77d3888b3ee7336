import { z } from 'zod';
import { secret } from '../../src/core/fields.js';

/** One host for test and live; the secret key (sk_test_… / sk_live_…) decides the mode. */
export const PAYSTACK_BASE_URLS = {
  sandbox: 'https://api.paystack.co',
  production: 'https://api.paystack.co',
};

export const paystackConfig = z.object({
  secretKey: secret(z.string().min(1), 'Secret key (sk_test_… or sk_live_…); Bearer token, and the key Paystack signs webhooks with'),
  environment: z.enum(['sandbox', 'production']).default('sandbox'),
  baseUrl: z.url().optional().describe('Overrides the API base URL (a simulator, a proxy)'),
  currency: z.string().length(3).default('NGN').describe('Currency used when a charge names none'),
  callbackUrl: z.url().optional().describe('Where Paystack returns the customer, when a charge names none (else the dashboard setting)'),
});

export type PaystackConfig = z.output<typeof paystackConfig>;
