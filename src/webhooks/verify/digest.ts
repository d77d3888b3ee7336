import { createHmac, createSecretKey, type KeyObject, type BinaryToTextEncoding } from 'node:crypto';

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';

/** Imported once per secret so each request skips re-importing the key. */
export function hmacKey(secret: string | Buffer): KeyObject {
  return createSecretKey(typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret);
}

/**
 * HMAC over several parts without concatenating them: the raw body is fed
 * as-is, so the signed bytes are exactly the received ones.
 */
export function hmacDigest(
  algorithm: HmacAlgorithm,
  key: KeyObject,
  parts: ReadonlyArray<string | Buffer>,
  encoding: BinaryToTextEncoding,
): string {
  const mac = createHmac(algorithm, key);
  for (const part of parts) mac.update(part);
  return mac.digest(encoding);
}
