import { z } from 'zod';
import { secret } from '../../src/core/fields.js';

/** Daraja hosts (providers.md §1). */
export const MPESA_BASE_URLS = {
  sandbox: 'https://sandbox.safaricom.co.ke',
  production: 'https://api.safaricom.co.ke',
} as const;

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

export const mpesaConfigSchema = z.object({
  consumerKey: z.string().min(1).describe('Daraja app consumer key'),
  consumerSecret: secret(z.string().min(1), 'Daraja app consumer secret'),
  shortcode: z
    .union([z.string(), z.number().int()])
    .transform(String)
    .pipe(z.string().regex(/^\d{5,8}$/, 'must be the numeric paybill or till shortcode'))
    .describe('BusinessShortCode (paybill, or the store number for buy goods)'),
  passkey: secret(z.string().min(1), 'Lipa Na M-Pesa Online passkey'),
  callbackUrl: httpUrl.describe('Where Daraja POSTs the STK callback (include the secret path token)'),
  environment: z.enum(['sandbox', 'production']).default('sandbox'),
  baseUrl: httpUrl.optional().describe('Overrides the Daraja host (simulator, proxy)'),
  transactionType: z.enum(['CustomerPayBillOnline', 'CustomerBuyGoodsOnline']).default('CustomerPayBillOnline'),
  partyB: z.string().regex(/^\d{5,8}$/).optional().describe('PartyB when it differs from the shortcode (the till number for buy goods)'),
  initiator: z.string().min(1).optional().describe('API operator username (reversal, account balance)'),
  securityCredential: secret(z.string().min(1), 'Initiator password encrypted with the M-Pesa certificate, base64').optional(),
  resultUrl: httpUrl.optional().describe('Where Daraja POSTs reversal and balance results'),
  timeoutUrl: httpUrl.optional().describe('Where Daraja POSTs when a reversal or balance request times out in its queue'),
});

export type MpesaConfig = z.output<typeof mpesaConfigSchema>;
