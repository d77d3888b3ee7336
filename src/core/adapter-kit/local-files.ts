import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { IntegrationError } from '../errors.js';

/**
 * The local half of storage adapters that send a whole file in one request
 * (s3, google-drive): reading the file to upload and writing a download in
 * place. A bad path is the caller's mistake, so it is VALIDATION_FAILED with
 * nothing sent, never a crash.
 */

/** The most one upload reads into memory (Node's own readFile limit is 2 GiB). */
export const MAX_UPLOAD_BYTES = 2 ** 31 - 1;

function badLocalPath(path: string, field: string, why: string): IntegrationError {
  return new IntegrationError('VALIDATION_FAILED', `${path} ${why}`, { issues: [`payload.${field}: ${why}`], requestSent: false });
}

/** A local file's bytes, or a VALIDATION_FAILED that says what is wrong with the path. */
export async function readLocalFile(path: string, signal: AbortSignal): Promise<Buffer> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw badLocalPath(path, 'path', 'does not exist');
  if (!info.isFile()) throw badLocalPath(path, 'path', 'is not a regular file');
  if (info.size > MAX_UPLOAD_BYTES) throw badLocalPath(path, 'path', `is ${info.size} bytes; uploads are limited to ${MAX_UPLOAD_BYTES} bytes (one upload held in memory)`);
  return readFile(path, { signal });
}

/** Writes through a flushed temporary sibling renamed into place: the file is either untouched or complete. */
export async function writeAtomically(path: string, bytes: Buffer): Promise<void> {
  if ((await stat(path).catch(() => undefined))?.isDirectory()) throw badLocalPath(path, 'path', 'is a folder; name the file to write');
  const temporary = join(dirname(path), `.${basename(path)}.${randomUUID()}.part`);
  try {
    // Folders made for a download are as private as the file (existing ones are left as they are).
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    // A download is the owner's alone (0600, which the umask can only narrow), whatever the provider held it as.
    const out = await open(temporary, 'wx', 0o600);
    try {
      await out.writeFile(bytes);
      await out.sync();
    } finally {
      await out.close();
    }
    await rename(temporary, path);
  } catch (err) {
    await rm(temporary, { force: true });
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EPERM') {
      throw badLocalPath(path, 'path', `cannot be written (${code})`);
    }
    throw err;
  }
}
