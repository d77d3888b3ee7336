import { createHmac } from 'node:crypto';

/** Meta's webhook signatures over the raw body, keyed by the app secret (providers.md §6). */
export function hubSignatures(appSecret: string, body: string): { 'x-hub-signature-256': string; 'x-hub-signature': string } {
  return {
    'x-hub-signature-256': `sha256=${createHmac('sha256', appSecret).update(body, 'utf8').digest('hex')}`,
    'x-hub-signature': `sha1=${createHmac('sha1', appSecret).update(body, 'utf8').digest('hex')}`,
  };
}
