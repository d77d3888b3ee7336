import { z } from 'zod';
import { secret } from '../../src/core/fields.js';

/**
 * SendGrid has no sandbox host: sandbox mode is a flag on each send
 * (providers.md §7), so `sandboxMode` stands in for the environment. EU
 * regional subusers set baseUrl to https://api.eu.sendgrid.com.
 */
export const SENDGRID_BASE_URLS = { production: 'https://api.sendgrid.com' } as const;

export const address = z.union([z.email(), z.object({ email: z.email(), name: z.string().min(1).optional() })]);

export const sendgridConfigSchema = z.object({
  apiKey: secret(z.string().min(1), 'API key with the mail.send scope (messages.read too, for query)'),
  from: address.describe('Default sender: a verified Sender Identity, as an address or {email, name}'),
  sandboxMode: z.boolean().default(false).describe('Validate sends without delivering them (SendGrid answers 200 and fires no events)'),
  baseUrl: z.url({ protocol: /^https?$/ }).optional().describe('Overrides https://api.sendgrid.com (EU subusers: https://api.eu.sendgrid.com; simulator)'),
});

export type SendgridConfig = z.output<typeof sendgridConfigSchema>;
export type Address = z.output<typeof address>;

export function toAddress(a: Address): { email: string; name?: string } {
  return typeof a === 'string' ? { email: a } : a;
}
