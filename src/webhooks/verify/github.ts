import { fixedHmacScheme } from './hmac.js';

/**
 * GitHub: X-Hub-Signature-256 = `sha256=` + hex HMAC-SHA256(secret, body);
 * X-GitHub-Delivery is the delivery GUID, kept on redelivery.
 */
export const github = fixedHmacScheme('github', {
  header: 'x-hub-signature-256',
  algorithm: 'sha256',
  encoding: 'hex',
  prefix: 'sha256=',
  secretEncoding: 'utf8',
  timestampUnit: 'seconds',
  idHeaders: ['x-github-delivery'],
  template: '{body}',
  status: 401,
  alsoSign: [{ header: 'x-hub-signature', algorithm: 'sha1', prefix: 'sha1=' }],
});
