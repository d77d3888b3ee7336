import { fixedHmacScheme } from './hmac.js';

/**
 * Razorpay: X-Razorpay-Signature = hex HMAC-SHA256(webhook secret, body);
 * retries carry the same X-Razorpay-Event-Id.
 */
export const razorpay = fixedHmacScheme('razorpay', {
  header: 'x-razorpay-signature',
  algorithm: 'sha256',
  encoding: 'hex',
  prefix: '',
  secretEncoding: 'utf8',
  timestampUnit: 'seconds',
  idHeaders: ['x-razorpay-event-id'],
  template: '{body}',
  status: 401,
});
