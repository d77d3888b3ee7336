import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Constant-time equality of two encoded digests. Digest lengths are public,
 * so a length mismatch may return early; equal lengths never short-circuit.
 */
export function digestEquals(provided: string, expected: string): boolean {
  const a = Buffer.from(provided, 'latin1');
  const b = Buffer.from(expected, 'latin1');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Constant-time equality of a presented secret and a configured one. Both are
 * hashed first so that not even the secret's length leaks through timing.
 */
export function secretEquals(presented: string, secretDigest: Buffer): boolean {
  return timingSafeEqual(createHash('sha256').update(presented, 'utf8').digest(), secretDigest);
}

export function secretDigest(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}
