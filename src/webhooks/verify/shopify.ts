import { fixedHmacScheme } from './hmac.js';

/**
 * Shopify: X-Shopify-Hmac-Sha256 = base64 HMAC-SHA256(client secret, body).
 * Duplicates share X-Shopify-Webhook-Id (shopify.dev "Verify webhook
 * deliveries"); older docs name X-Shopify-Event-Id, used when the first is absent.
 */
export const shopify = fixedHmacScheme('shopify', {
  header: 'x-shopify-hmac-sha256',
  algorithm: 'sha256',
  encoding: 'base64',
  prefix: '',
  secretEncoding: 'utf8',
  timestampUnit: 'seconds',
  idHeaders: ['x-shopify-webhook-id', 'x-shopify-event-id'],
  template: '{body}',
  status: 401,
});
