import { z } from 'zod';
import { secret } from '../../src/core/fields.js';

/**
 * The Graph API host (providers.md §6). Meta has no sandbox host: a test
 * phone number on the same API plays that role, so only one URL exists.
 */
export const WHATSAPP_BASE_URLS = { production: 'https://graph.facebook.com' } as const;

export const whatsappConfigSchema = z.object({
  accessToken: secret(z.string().min(1), 'System-user (or temporary) access token with whatsapp_business_messaging'),
  phoneNumberId: z
    .union([z.string(), z.number().int()])
    .transform(String)
    .pipe(z.string().regex(/^\d{5,20}$/, 'must be the numeric Phone number ID from the WhatsApp Manager (not the phone number)'))
    .describe('Phone number ID that sends'),
  // UNCONFIRMED which version Meta will retire next: pin the one your app was tested with.
  apiVersion: z.string().regex(/^v\d+\.\d+$/, 'must look like v21.0').default('v21.0').describe('Graph API version in the path'),
  baseUrl: z.url({ protocol: /^https?$/ }).optional().describe('Overrides https://graph.facebook.com (simulator, proxy)'),
});

export type WhatsappConfig = z.output<typeof whatsappConfigSchema>;

/** WhatsApp addresses are the international number in digits, no plus. */
export const waNumber = z
  .string()
  .transform((v) => v.replace(/[\s()+.-]/g, ''))
  .pipe(z.string().regex(/^[1-9]\d{7,14}$/, 'must be an international phone number, e.g. +254711222333'));
