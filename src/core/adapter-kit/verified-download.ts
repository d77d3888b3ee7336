import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { IntegrationError } from '../errors.js';
import { badLocalPath } from './local-files.js';

/**
 * Downloads for storage adapters (s3, google-drive): the body streams into
 * a temporary sibling of the destination, hashed on the way, and is renamed
 * into place only when it matches what the provider said the object holds
 * (its size, its MD5). On a mismatch or any failure the temporary file goes
 * and the destination is untouched. Memory stays flat whatever the size.
 */

/** What the provider says the bytes are; an absent field is not checked. */
export interface ExpectedContent {
  size?: number;
  /** Hex MD5 (Drive's md5Checksum, a single-part S3 ETag). */
  md5?: string;
}

export interface DownloadedFile {
  path: string;
  size: number;
  sha256: string;
}

/** A Writable that hashes what it is given and appends it to an open file, flushed to disk at the end. */
class HashingFileSink extends Writable {
  readonly md5 = createHash('md5');
  readonly sha256 = createHash('sha256');
  size = 0;

  constructor(private readonly file: FileHandle) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    this.md5.update(chunk);
    this.sha256.update(chunk);
    this.size += chunk.length;
    this.file.write(chunk).then(() => done(), done);
  }

  override _final(done: (err?: Error | null) => void): void {
    this.file.sync().then(() => done(), done);
  }
}

/**
 * Runs `fetch` with a sink for the body (the adapter hands it to the HTTP
 * client as `bodySink` for a success answer); `fetch` resolves with what the
 * provider says the object holds, which is checked before the rename.
 * `what` names the object in errors ("S3 object \"k\"").
 */
export async function downloadVerified(destination: string, what: string, fetch: (sink: Writable) => Promise<ExpectedContent>): Promise<DownloadedFile> {
  if ((await stat(destination).catch(() => undefined))?.isDirectory()) throw badLocalPath(destination, 'path', 'is a folder; name the file to write');
  const temporary = join(dirname(destination), `.${basename(destination)}.${randomUUID()}.part`);
  let file: FileHandle | undefined;
  try {
    try {
      // Folders made for a download are as private as the file (existing ones are left as they are).
      await mkdir(dirname(destination), { recursive: true, mode: 0o700 });
      // A download is the owner's alone (0600, which the umask can only narrow), whatever the provider held it as.
      file = await open(temporary, 'wx', 0o600);
    } catch (err) {
      throw unwritable(destination, err);
    }
    const sink = new HashingFileSink(file);
    // The HTTP client hands back the sink's own failures (no space, no permission) as they are.
    const expected = await fetch(sink).catch((err: unknown) => {
      throw err instanceof IntegrationError ? err : unwritable(destination, err);
    });
    await file.close();
    file = undefined;
    const got = { size: sink.size, md5: sink.md5.digest('hex') };
    const problem =
      expected.size !== undefined && expected.size !== got.size
        ? `${got.size} bytes arrived where ${expected.size} were listed`
        : expected.md5 !== undefined && expected.md5.toLowerCase() !== got.md5
          ? `the body's MD5 ${got.md5} is not the listed ${expected.md5.toLowerCase()}`
          : undefined;
    // Retried like any garbled transfer (a download is safe to repeat); nothing was written at the destination.
    if (problem) throw new IntegrationError('SERVER_ERROR', `download of ${what} does not match what the provider lists: ${problem}; nothing was written`, { provider: { code: 'ChecksumMismatch' } });
    try {
      await rename(temporary, destination);
    } catch (err) {
      throw unwritable(destination, err);
    }
    return { path: destination, size: got.size, sha256: sink.sha256.digest('hex') };
  } catch (err) {
    await file?.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw err;
  }
}

function unwritable(path: string, err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EPERM' || code === 'EEXIST' || code === 'ENOSPC' || code === 'EDQUOT') {
    return badLocalPath(path, 'path', `cannot be written (${code})`);
  }
  return err;
}
