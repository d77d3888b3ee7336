import { z } from 'zod';
import { secret } from '../../src/core/fields.js';

/**
 * Africa's Talking hosts (providers.md §4): the sandbox is a different host,
 * not a path. Operations add `/version1/...`.
 */
export const AT_BASE_URLS = {
  sandbox: 'https://api.sandbox.africastalking.com',
  production: 'https://api.africastalking.com',
} as const;

export const africastalkingConfigSchema = z.object({
  username: z.string().trim().min(1).describe("Application username (the sandbox app's is 'sandbox')"),
  apiKey: secret(z.string().min(1), 'API key from the Africa’s Talking dashboard'),
  senderId: z.string().trim().min(1).optional().describe('Registered sender ID or short code; omitted: the account default'),
  environment: z.enum(['sandbox', 'production']).default('sandbox'),
  baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional().describe('Overrides the API host (simulator, proxy)'),
});

export type AfricasTalkingConfig = z.output<typeof africastalkingConfigSchema>;
