import { z } from 'zod';
import { secret } from '../../src/core/fields.js';

/** One host for test and live; the key pair (rzp_test_… / rzp_live_…) decides the mode. */
export const RAZORPAY_BASE_URLS = {
  sandbox: 'https://api.razorpay.com/v1',
  production: 'https://api.razorpay.com/v1',
};

export const razorpayConfig = z.object({
  keyId: z.string().min(1).describe('Key id (rzp_test_… or rzp_live_…); also used by Checkout in the browser'),
  keySecret: secret(z.string().min(1), 'Key secret; HTTP Basic password'),
  environment: z.enum(['sandbox', 'production']).default('sandbox'),
  baseUrl: z.url().optional().describe('Overrides the API base URL (a simulator, a proxy); include the /v1 prefix'),
  currency: z.string().length(3).default('INR').describe('Currency used when a charge names none'),
});

export type RazorpayConfig = z.output<typeof razorpayConfig>;
