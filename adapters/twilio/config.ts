import { z } from 'zod';
import { secret } from '../../src/core/fields.js';

/**
 * Twilio has one host for test and live credentials (providers.md §5): test
 * Account SIDs and magic numbers run against it too, so there is no
 * sandbox URL to declare.
 */
export const TWILIO_BASE_URLS = { production: 'https://api.twilio.com' } as const;

export const TWILIO_API_VERSION = '2010-04-01';

/** E.164: a plus, a country code and at most 15 digits in all. */
export const e164 = z
  .string()
  .transform((v) => v.replace(/[\s().-]/g, ''))
  .pipe(z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +14155550100'));

/** A phone number, a short code, or an alphanumeric sender id (where the destination allows one). */
export const sender = z
  .string()
  .trim()
  .regex(/^(\+[1-9]\d{6,14}|\d{3,8}|[A-Za-z0-9 ]{1,11})$/, 'must be an E.164 number, a short code or an alphanumeric sender id');

export const twilioConfigSchema = z.object({
  accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be an Account SID (AC followed by 32 hex digits)').describe('Account SID, from the Twilio console'),
  authToken: secret(z.string().min(1), 'Auth token: the password of HTTP Basic auth and the key of X-Twilio-Signature'),
  from: sender.optional().describe('Default sender (phone number, short code or alphanumeric id) when a send names none'),
  messagingServiceSid: z.string().regex(/^MG[0-9a-fA-F]{32}$/, 'must be a Messaging Service SID (MG…)').optional().describe('Send through this Messaging Service when a send names no sender'),
  statusCallbackUrl: z.url({ protocol: /^https?$/ }).optional().describe('Where Twilio POSTs status callbacks (the daemon: /webhooks/<integration>)'),
  baseUrl: z.url({ protocol: /^https?$/ }).optional().describe('Overrides https://api.twilio.com (simulator, proxy)'),
});

export type TwilioConfig = z.output<typeof twilioConfigSchema>;
