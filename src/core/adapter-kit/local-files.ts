import { readFile, stat } from 'node:fs/promises';
import { IntegrationError } from '../errors.js';

/**
 * The local half of storage adapters (s3, google-drive): checking and
 * reading the file to upload (downloads: ./verified-download.ts). A bad
 * path is the caller's mistake, so it is VALIDATION_FAILED with nothing
 * sent, never a crash.
 */

/** The most one upload reads into memory (Node's own readFile limit is 2 GiB). */
export const MAX_UPLOAD_BYTES = 2 ** 31 - 1;

export function badLocalPath(path: string, field: string, why: string): IntegrationError {
  return new IntegrationError('VALIDATION_FAILED', `${path} ${why}`, { issues: [`payload.${field}: ${why}`], requestSent: false });
}

/** The size of a local file to upload, or a VALIDATION_FAILED that says what is wrong with the path. */
export async function localFileSize(path: string): Promise<number> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw badLocalPath(path, 'path', 'does not exist');
  if (!info.isFile()) throw badLocalPath(path, 'path', 'is not a regular file');
  return info.size;
}

/** A local file's bytes, or a VALIDATION_FAILED that says what is wrong with the path. */
export async function readLocalFile(path: string, signal: AbortSignal): Promise<Buffer> {
  const size = await localFileSize(path);
  if (size > MAX_UPLOAD_BYTES) throw badLocalPath(path, 'path', `is ${size} bytes; uploads are limited to ${MAX_UPLOAD_BYTES} bytes (one upload held in memory)`);
  return readFile(path, { signal });
}
