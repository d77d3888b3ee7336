import { fixedHmacScheme } from './hmac.js';

/**
 * Meta (WhatsApp Cloud API, Messenger, Instagram): X-Hub-Signature-256 =
 * `sha256=` + hex HMAC-SHA256(app secret, body). No delivery id header; the
 * adapter de-duplicates on message ids in the payload.
 */
export const meta = fixedHmacScheme('meta', {
  header: 'x-hub-signature-256',
  algorithm: 'sha256',
  encoding: 'hex',
  prefix: 'sha256=',
  secretEncoding: 'utf8',
  timestampUnit: 'seconds',
  idHeaders: [],
  template: '{body}',
  status: 401,
  alsoSign: [{ header: 'x-hub-signature', algorithm: 'sha1', prefix: 'sha1=' }],
});
