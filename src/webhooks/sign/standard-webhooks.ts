import { standardWebhookKey, standardWebhookSignature } from '../verify/standard-webhooks.js';

export interface StandardWebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * Headers for one outbound delivery to a subscriber, as the official
 * `standardwebhooks` package verifies them. Throws TypeError when the secret
 * is not `whsec_` + base64.
 */
export function signStandardWebhook(secret: string, id: string, timestampSeconds: number, body: string | Buffer): StandardWebhookHeaders {
  const seconds = Math.floor(timestampSeconds);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(seconds),
    'webhook-signature': `v1,${standardWebhookSignature(standardWebhookKey(secret), id, seconds, body)}`,
  };
}
