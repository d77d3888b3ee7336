import { createHmac } from 'node:crypto';

/**
 * X-Twilio-Signature as Twilio computes it (twilio-node src/webhooks/webhooks.ts):
 * base64 HMAC-SHA1 keyed by the auth token over the full URL followed by
 * every POST parameter, sorted by name, as name+value.
 */
export function twilioSignature(authToken: string, url: string, params: URLSearchParams): string {
  const names = [...new Set(params.keys())].sort();
  let data = url;
  for (const name of names) for (const value of [...new Set(params.getAll(name))].sort()) data += name + value;
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}
