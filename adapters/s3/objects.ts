import { createHash } from 'node:crypto';
import { IntegrationError } from '../../src/core/errors.js';
import { s3Error } from './errors.js';
import { s3Request, type S3Context } from './sign.js';
import { s3Url } from './url.js';
import { parseListPage } from './xml.js';
import type { Writable } from 'node:stream';
import type { ExpectedContent } from '../../src/core/adapter-kit/verified-download.js';

/** The S3 calls the operations are made of. */

export interface StoredObject {
  key: string;
  size: number;
  modifiedAt: string;
  etag?: string;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const unquote = (etag: string | undefined) => etag?.replace(/^"|"$/g, '');

/** PutObject with Content-MD5, so the store refuses (BadDigest) bytes that changed on the way. */
export async function putObject(ctx: S3Context, key: string, body: Buffer, contentType = 'application/octet-stream'): Promise<{ etag?: string; sha256: string }> {
  const res = await s3Request(ctx, {
    method: 'PUT',
    url: s3Url(ctx.config, key),
    body,
    headers: { 'content-type': contentType, 'content-md5': createHash('md5').update(body).digest('base64') },
  });
  if (res.status !== 200) throw s3Error(res, ctx.clock.now(), `upload of "${key}"`);
  return { etag: unquote(res.headers.etag), sha256: sha256(body) };
}

/**
 * GetObject streamed into `sink`, answering what S3 says the bytes are: the
 * Content-Length, and the ETag when it is the MD5 of the bytes, which it is
 * for a single PutObject without KMS or customer-key encryption (a multipart
 * ETag ends in "-<parts>").
 */
export async function getObjectInto(ctx: S3Context, key: string, sink: Writable): Promise<ExpectedContent> {
  const res = await s3Request(ctx, { method: 'GET', url: s3Url(ctx.config, key), bodySink: (status) => (status === 200 ? sink : undefined) });
  if (res.status !== 200) throw s3Error(res, ctx.clock.now(), `download of "${key}"`);
  const length = res.headers['content-length'];
  const etag = unquote(res.headers.etag);
  const encryption = res.headers['x-amz-server-side-encryption'] ?? '';
  const md5IsEtag = etag !== undefined && /^[0-9a-f]{32}$/i.test(etag) && !encryption.startsWith('aws:kms') && res.headers['x-amz-server-side-encryption-customer-algorithm'] === undefined;
  return { ...(length !== undefined && /^\d+$/.test(length) ? { size: Number(length) } : {}), ...(md5IsEtag ? { md5: etag } : {}) };
}

export async function getObject(ctx: S3Context, key: string): Promise<Buffer> {
  const res = await s3Request(ctx, { method: 'GET', url: s3Url(ctx.config, key) });
  if (res.status !== 200) throw s3Error(res, ctx.clock.now(), `download of "${key}"`);
  return res.body;
}

/** HeadObject: whether the key exists (404 has no body, so a missing bucket also reads as false here). */
export async function objectExists(ctx: S3Context, key: string): Promise<boolean> {
  const res = await s3Request(ctx, { method: 'HEAD', url: s3Url(ctx.config, key) });
  if (res.status === 200) return true;
  if (res.status === 404) return false;
  throw s3Error(res, ctx.clock.now(), `lookup of "${key}"`);
}

/** DeleteObject answers 204 whether or not the key existed. */
export async function deleteObject(ctx: S3Context, key: string): Promise<void> {
  const res = await s3Request(ctx, { method: 'DELETE', url: s3Url(ctx.config, key) });
  if (res.status !== 204 && res.status !== 200) throw s3Error(res, ctx.clock.now(), `delete of "${key}"`);
}

/** S3 encodes keys in list answers with encoding-type=url: "+" for a space, %XX for the rest. */
function decodeKey(encoded: string): string {
  return decodeURIComponent(encoded.replace(/\+/g, ' '));
}

/**
 * ListObjectsV2 pages, followed to the end (or `limit` objects). Keys come
 * URL-encoded (encoding-type=url) so that any key, even one with characters
 * XML 1.0 cannot carry, arrives intact.
 */
export async function listObjects(ctx: S3Context, prefix: string, limit = Infinity): Promise<StoredObject[]> {
  const out: StoredObject[] = [];
  let token: string | undefined;
  do {
    const maxKeys = Math.min(1000, limit - out.length);
    const res = await s3Request(ctx, {
      method: 'GET',
      url: s3Url(ctx.config, undefined, { 'list-type': '2', 'encoding-type': 'url', 'max-keys': String(maxKeys), prefix: prefix || undefined, 'continuation-token': token }),
    });
    if (res.status !== 200) throw s3Error(res, ctx.clock.now(), `listing of "${prefix}"`);
    const page = parseListPage(res.text());
    if (!page) throw new IntegrationError('SERVER_ERROR', 'S3 listing answer was not a ListBucketResult', { provider: { status: res.status, message: res.text().slice(0, 200) } });
    for (const c of page.contents) {
      out.push({ key: decodeKey(c.Key), size: Number(c.Size), modifiedAt: new Date(c.LastModified).toISOString(), ...(c.ETag ? { etag: unquote(c.ETag) } : {}) });
    }
    token = page.isTruncated ? page.nextContinuationToken : undefined;
    if (page.isTruncated && !token) throw new IntegrationError('SERVER_ERROR', 'S3 listing was truncated without a continuation token', { provider: { status: res.status } });
  } while (token && out.length < limit);
  return out;
}
