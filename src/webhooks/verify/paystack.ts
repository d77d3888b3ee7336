import { fixedHmacScheme } from './hmac.js';

/**
 * Paystack: x-paystack-signature = hex HMAC-SHA512(secret key, body). Paystack
 * sends no delivery id; the adapter de-duplicates on the transaction reference.
 */
export const paystack = fixedHmacScheme('paystack', {
  header: 'x-paystack-signature',
  algorithm: 'sha512',
  encoding: 'hex',
  prefix: '',
  secretEncoding: 'utf8',
  timestampUnit: 'seconds',
  idHeaders: [],
  template: '{body}',
  status: 401,
});
