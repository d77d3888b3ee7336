import { z } from 'zod';
import { secret } from '../../src/core/fields.js';

/** Src: Pesapal-Ltd/sample_api3 helper/pesapalV30Helper.php (providers.md §3). */
export const PESAPAL_BASE_URLS = {
  sandbox: 'https://cybqa.pesapal.com/pesapalv3',
  production: 'https://pay.pesapal.com/v3',
};

export const pesapalConfig = z
  .object({
    consumerKey: secret(z.string().min(1), 'Consumer key from the Pesapal merchant dashboard'),
    consumerSecret: secret(z.string().min(1), 'Consumer secret from the Pesapal merchant dashboard'),
    environment: z.enum(['sandbox', 'production']).default('sandbox'),
    baseUrl: z.url().optional().describe('Overrides the API base URL (a simulator, a proxy)'),
    ipnUrl: secret(
      z.url().optional(),
      'Where Pesapal sends IPNs: the daemon URL ending in the webhook path token (so it is kept secret); registered once',
    ),
    ipnNotificationType: z.enum(['GET', 'POST']).default('POST').describe('How Pesapal delivers IPNs; the daemon ingests both'),
    ipnId: z.string().optional().describe('An IPN id registered already; skips registration'),
    callbackUrl: z.url().optional().describe("Where the customer's browser returns after paying, when a charge names none"),
    currency: z.string().length(3).default('KES').describe('Currency used when a charge names none'),
    refundUsername: z.string().optional().describe('The username Pesapal records as having requested refunds'),
  })
  .refine((c) => c.ipnUrl || c.ipnId, { message: 'set ipnUrl (registered on first charge) or ipnId', path: ['ipnUrl'] });

export type PesapalConfig = z.output<typeof pesapalConfig>;
