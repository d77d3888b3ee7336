import { z } from 'zod';
import { secret } from '../../src/core/fields.js';

/**
 * Test and live mode share one host; the secret key decides the mode
 * (Flutterwave/Node-v3 lib/rave.base.js), so both environments point at it.
 */
export const FLUTTERWAVE_BASE_URLS = {
  sandbox: 'https://api.flutterwave.com/v3',
  production: 'https://api.flutterwave.com/v3',
};

export const flutterwaveConfig = z.object({
  secretKey: secret(z.string().min(1), 'Secret key from the dashboard (API keys), sent as the Bearer token'),
  environment: z.enum(['sandbox', 'production']).default('sandbox'),
  baseUrl: z.url().optional().describe('Overrides the API base URL (a simulator, a proxy); include the /v3 prefix'),
  currency: z.string().length(3).default('NGN').describe('Currency used when a charge names none'),
  redirectUrl: z.url().optional().describe('Where the customer lands after the hosted checkout, when a charge names none'),
});

export type FlutterwaveConfig = z.output<typeof flutterwaveConfig>;
