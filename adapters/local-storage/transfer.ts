import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { RESERVED_PREFIX } from './keys.js';

export interface Copied {
  size: number;
  sha256: string;
}

/**
 * Copies a file so the destination is either untouched or complete: the bytes
 * go to a temporary sibling, are flushed to disk, then renamed over the
 * destination in one step. A retried upload therefore never leaves half a file.
 */
export async function copyAtomically(source: string, destination: string, signal?: AbortSignal): Promise<Copied> {
  const temporary = join(dirname(destination), `${RESERVED_PREFIX}${basename(destination)}.${randomUUID()}.part`);
  const hash = createHash('sha256');
  let size = 0;
  // Private whatever the source's mode or the umask (which only removes bits): the product's files are its owner's.
  const out = await open(temporary, 'wx', 0o600);
  try {
    try {
      for await (const chunk of createReadStream(source, { signal })) {
        const bytes = chunk as Buffer;
        hash.update(bytes);
        size += bytes.length;
        for (let offset = 0; offset < bytes.length; ) offset += (await out.write(bytes, offset, bytes.length - offset)).bytesWritten;
      }
      await out.sync();
    } finally {
      await out.close();
    }
    await rename(temporary, destination);
  } catch (err) {
    await rm(temporary, { force: true });
    throw err;
  }
  return { size, sha256: hash.digest('hex') };
}
