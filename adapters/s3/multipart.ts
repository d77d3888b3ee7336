import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { IntegrationError } from '../../src/core/errors.js';
import { s3Error } from './errors.js';
import { MAX_PARTS, MIB } from './limits.js';
import { s3Request, type S3Context } from './sign.js';
import { s3Url } from './url.js';
import { completeMultipartXml, parseCompleted, parseErrorBody, parseUploadId } from './xml.js';

/**
 * Multipart upload (docs.aws.amazon.com AmazonS3 mpuoverview), within the
 * limits of ./limits.ts. Each part is read from the file twice, once to hash it (MD5 for
 * Content-MD5, SHA-256 for the signature) and once as it is sent, so memory
 * stays flat whatever the part size; S3 refuses a part whose bytes changed
 * between the two reads (BadDigest). The payload is signed (its SHA-256 in
 * x-amz-content-sha256) rather than sent as UNSIGNED-PAYLOAD: SHA-256 costs
 * a third of the MD5 S3 wants anyway, and it binds the bytes to the signature
 * on plain-HTTP endpoints (MinIO on a LAN), where Content-MD5 alone could be
 * rewritten with the body.
 */

/** The configured part size, or the smallest whole MiB that fits the file in 10,000 parts. */
export function partSizeFor(fileSize: number, configured: number): number {
  return Math.max(configured, Math.ceil(fileSize / MAX_PARTS / MIB) * MIB);
}

/** Small reads keep the garbage between collections (and so the resident size) small. */
const CHUNK_BYTES = 64 * 1024;

const unquote = (etag: string | undefined) => etag?.replace(/^"|"$/g, '');

interface PartDigest {
  md5: string;
  sha256: string;
}

/** One pass over a byte range of the file; `whole` also takes the bytes, for the file's own SHA-256. */
async function hashRange(path: string, start: number, length: number, whole: Hash, signal: AbortSignal): Promise<PartDigest> {
  const md5 = createHash('md5');
  const sha256 = createHash('sha256');
  let read = 0;
  for await (const chunk of createReadStream(path, { start, end: start + length - 1, highWaterMark: CHUNK_BYTES, signal })) {
    md5.update(chunk as Buffer);
    sha256.update(chunk as Buffer);
    whole.update(chunk as Buffer);
    read += (chunk as Buffer).length;
  }
  if (read !== length) throw new IntegrationError('VALIDATION_FAILED', `${path} changed while it was being uploaded (it is shorter than when the upload began)`, { requestSent: false });
  return { md5: md5.digest('base64'), sha256: sha256.digest('hex') };
}

async function createMultipartUpload(ctx: S3Context, key: string, contentType: string): Promise<string> {
  const res = await s3Request(ctx, { method: 'POST', url: s3Url(ctx.config, key, { uploads: '' }), headers: { 'content-type': contentType } });
  if (res.status !== 200) throw s3Error(res, ctx.clock.now(), `upload of "${key}" (CreateMultipartUpload)`);
  const uploadId = parseUploadId(res.text());
  if (!uploadId) throw new IntegrationError('SERVER_ERROR', `S3 CreateMultipartUpload for "${key}" answered without an UploadId`, { provider: { status: res.status, message: res.text().slice(0, 200) } });
  return uploadId;
}

async function uploadPart(ctx: S3Context, key: string, uploadId: string, part: { number: number; path: string; start: number; length: number; digest: PartDigest }): Promise<string> {
  const res = await s3Request(ctx, {
    method: 'PUT',
    url: s3Url(ctx.config, key, { partNumber: String(part.number), uploadId }),
    headers: { 'content-md5': part.digest.md5 },
    body: { open: () => createReadStream(part.path, { start: part.start, end: part.start + part.length - 1, highWaterMark: CHUNK_BYTES }), length: part.length, sha256: part.digest.sha256 },
  });
  if (res.status !== 200) throw s3Error(res, ctx.clock.now(), `upload of "${key}" (part ${part.number})`);
  const etag = res.headers.etag;
  if (!etag) throw new IntegrationError('SERVER_ERROR', `S3 UploadPart ${part.number} of "${key}" answered without an ETag`, { provider: { status: res.status } });
  return etag;
}

async function completeMultipartUpload(ctx: S3Context, key: string, uploadId: string, parts: { partNumber: number; etag: string }[]): Promise<string | undefined> {
  const res = await s3Request(ctx, { method: 'POST', url: s3Url(ctx.config, key, { uploadId }), headers: { 'content-type': 'application/xml' }, body: Buffer.from(completeMultipartXml(parts)) });
  // S3 starts a 200 before it has assembled the object, and reports a failure after that in the body.
  if (res.status !== 200 || parseErrorBody(res.text()).Code) throw s3Error(res.status === 200 ? { ...res, status: 500 } : res, ctx.clock.now(), `upload of "${key}" (CompleteMultipartUpload)`);
  const done = parseCompleted(res.text());
  if (!done) throw new IntegrationError('SERVER_ERROR', `S3 CompleteMultipartUpload for "${key}" answered without a CompleteMultipartUploadResult`, { provider: { status: res.status, message: res.text().slice(0, 200) } });
  return unquote(done.etag);
}

/** Best effort: S3 keeps (and bills) the parts of an upload that is neither completed nor aborted. */
async function abortMultipartUpload(ctx: S3Context, key: string, uploadId: string): Promise<void> {
  // Its own signal: the operation's may be the reason for aborting (a timeout, Ctrl-C).
  await s3Request(ctx, { method: 'DELETE', url: s3Url(ctx.config, key, { uploadId }), signal: new AbortController().signal }).catch(() => undefined);
}

/** Uploads a local file of `size` bytes as a multipart upload, aborting it on any failure. */
export async function uploadFileInParts(ctx: S3Context, key: string, path: string, size: number, options: { contentType: string; partSize: number }): Promise<{ etag?: string; sha256: string; parts: number }> {
  const partSize = partSizeFor(size, options.partSize);
  const uploadId = await createMultipartUpload(ctx, key, options.contentType);
  try {
    const whole = createHash('sha256');
    const parts: { partNumber: number; etag: string }[] = [];
    for (let number = 1, start = 0; start < size; number++, start += partSize) {
      const length = Math.min(partSize, size - start);
      const digest = await hashRange(path, start, length, whole, ctx.signal);
      parts.push({ partNumber: number, etag: await uploadPart(ctx, key, uploadId, { number, path, start, length, digest }) });
    }
    const etag = await completeMultipartUpload(ctx, key, uploadId, parts);
    return { ...(etag ? { etag } : {}), sha256: whole.digest('hex'), parts: parts.length };
  } catch (err) {
    await abortMultipartUpload(ctx, key, uploadId);
    throw err;
  }
}
