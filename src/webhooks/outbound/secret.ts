import { randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** The Standard Webhooks specification's bounds on key size. */
const MIN_BYTES = 24;
const MAX_BYTES = 64;

/** A new signing secret: 'whsec_' + 32 random bytes in base64. */
export function generateSigningSecret(): string {
  return `${PREFIX}${randomBytes(32).toString('base64')}`;
}

/**
 * Checks a secret given by the user; throws RangeError with a message that
 * never contains the secret.
 */
export function checkSigningSecret(secret: string): string {
  const encoded = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : undefined;
  if (encoded === undefined || !BASE64.test(encoded)) {
    throw new RangeError('the secret must be "whsec_" followed by base64 key bytes (leave --secret out to have one generated)');
  }
  const bytes = Buffer.from(encoded, 'base64').length;
  if (bytes < MIN_BYTES || bytes > MAX_BYTES) {
    throw new RangeError(`the secret's key must be ${MIN_BYTES} to ${MAX_BYTES} bytes; this one has ${bytes} (leave --secret out to have one generated)`);
  }
  return secret;
}
