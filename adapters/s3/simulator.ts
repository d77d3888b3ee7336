import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SimulatorOptions } from '../../src/core/adapter.js';
import { ProviderSimulator } from '../../src/core/provider-simulator.js';
import type { SimReply, SimRequest } from '../../src/core/simulator.js';
import { verifySigV4 } from './simulator-sigv4.js';
import { completeMultipartResultXml, errorXml, initiateMultipartXml, listXml } from './simulator-xml.js';
import { MultipartUploads, type StoredPart } from './simulator-multipart.js';

export interface S3SimulatorOptions extends SimulatorOptions {
  bucket?: string;
  region?: string;
}

export interface SimObject {
  /** The bytes of an object stored with PutObject. */
  body?: Buffer;
  /** The files holding an object assembled by CompleteMultipartUpload, in order. */
  parts?: StoredPart[];
  size: number;
  etag: string;
  contentType: string;
  lastModified: number;
}

/**
 * A local S3-compatible store, path-style (http://host/bucket/key) as MinIO
 * serves it: PutObject (with Content-MD5 checks), GetObject, HeadObject,
 * DeleteObject, HeadBucket, ListObjectsV2 (prefix, max-keys, continuation,
 * start-after, encoding-type=url; no delimiter) and multipart uploads
 * (create, upload part, complete, abort; parts kept on disk, objects made of
 * them streamed back from disk). Every request's SigV4
 * signature is verified against the simulator's own secret, and refusals
 * come back as S3's XML errors.
 */
export class S3Simulator extends ProviderSimulator {
  readonly buckets = new Map<string, Map<string, SimObject>>();
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  readonly bucket: string;
  readonly region: string;
  /** Uploads started and neither completed nor aborted, by upload id. */
  readonly multipart: MultipartUploads;
  private readonly failingParts = new Map<number, number>();
  private requestCount = 0;

  constructor(options: S3SimulatorOptions = {}) {
    super(options);
    this.multipart = new MultipartUploads();
    // Part bodies go to disk; keeping them in the request log would hold every byte uploaded.
    this.server.recordBodyLimit = 64 * 1024;
    this.bucket = options.bucket ?? 'sim-bucket';
    this.region = options.region ?? 'us-east-1';
    this.buckets.set(this.bucket, new Map());
    this.credentials = { accessKeyId: `AKIASIM${randomBytes(6).toString('hex').toUpperCase()}`, secretAccessKey: randomBytes(30).toString('base64') };
    for (const method of ['GET', 'HEAD', 'PUT', 'DELETE', 'POST']) {
      this.server.route(method, '/:bucket', (req, raw) => this.handle(req, raw, (b) => this.bucketRequest(req, b)));
      this.server.route(method, '/:bucket/:key*', (req, raw, res) => this.handle(req, raw, (b) => this.objectRequest(req, b, req.params.key, res)));
    }
  }

  protected onListening(url: string): void {
    this.config = { baseUrl: url, bucket: this.bucket, region: this.region, pathStyle: true, ...this.credentials };
  }

  /** The objects of the simulator's bucket. */
  get objects(): Map<string, SimObject> {
    return this.buckets.get(this.bucket) as Map<string, SimObject>;
  }

  /** Stores an object directly, as another client would have. */
  put(key: string, body: Buffer | string, contentType = 'application/octet-stream'): void {
    this.replace(this.objects, key, this.stored(Buffer.from(body), contentType));
  }

  /** The bytes of a stored object (read from disk for a multipart one). */
  contentOf(key: string): Buffer | undefined {
    const o = this.objects.get(key);
    return o && (o.body ?? Buffer.concat((o.parts ?? []).map((p) => readFileSync(p.file))));
  }

  /** Every UploadPart of this part number answers 500 InternalError, `times` times (a part that keeps failing). */
  failPart(partNumber: number, times = Infinity): this {
    this.failingParts.set(partNumber, times);
    return this;
  }

  /** Part files in the simulator's data folder: those of pending uploads and of multipart objects. */
  get partsOnDisk(): number {
    return this.multipart.filesOnDisk();
  }

  override async close(): Promise<void> {
    await super.close();
    this.multipart.removeAll();
  }

  private stored(body: Buffer, contentType: string): SimObject {
    return { body, size: body.length, etag: createHash('md5').update(body).digest('hex'), contentType, lastModified: this.clock.now() };
  }

  /** Sets (or with undefined, deletes) an object, deleting the part files of the one it replaces. */
  private replace(bucket: Map<string, SimObject>, key: string, next: SimObject | undefined): void {
    for (const part of bucket.get(key)?.parts ?? []) rmSync(part.file, { force: true });
    if (next) bucket.set(key, next);
    else bucket.delete(key);
  }

  private error(status: number, code: string, message: string, extra: Record<string, string> = {}, method = 'GET'): SimReply {
    const requestId = `SIM${(++this.requestCount).toString(16).toUpperCase().padStart(12, '0')}`;
    // HEAD answers never carry a body; clients see only the status.
    if (method === 'HEAD') return { status, headers: { 'x-amz-request-id': requestId } };
    return { status, headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId }, body: errorXml(code, message, requestId, extra) };
  }

  private handle(req: SimRequest, raw: IncomingMessage, next: (bucket: Map<string, SimObject>) => SimReply | undefined): SimReply | undefined {
    const failure = verifySigV4(
      { method: req.method, rawUrl: raw.url ?? '/', headers: req.headers, body: req.body, now: this.clock.now() },
      { region: this.region, secretFor: (id) => (id === this.credentials.accessKeyId ? this.credentials.secretAccessKey : undefined), sessionTokenValid: () => false },
    );
    if (failure) return this.error(failure.status, failure.code, failure.message, failure.extra, req.method);
    const bucket = this.buckets.get(req.params.bucket);
    if (!bucket) return this.error(404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: req.params.bucket }, req.method);
    return next(bucket);
  }

  private bucketRequest(req: SimRequest, bucket: Map<string, SimObject>): SimReply {
    if (req.method === 'HEAD') return { status: 200, headers: { 'x-amz-bucket-region': this.region } };
    if (req.method !== 'GET') return this.error(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.', {}, req.method);
    if (req.query['list-type'] !== '2') return this.error(501, 'NotImplemented', 'The simulator implements ListObjectsV2 only (list-type=2).');
    return this.listObjectsV2(req, bucket);
  }

  private listObjectsV2(req: SimRequest, bucket: Map<string, SimObject>): SimReply {
    const prefix = req.query.prefix ?? '';
    const maxKeysRaw = req.query['max-keys'] ?? '1000';
    if (!/^\d+$/.test(maxKeysRaw)) return this.error(400, 'InvalidArgument', 'Provided max-keys not an integer or within integer range', { ArgumentName: 'max-keys', ArgumentValue: maxKeysRaw });
    const maxKeys = Math.min(1000, Number(maxKeysRaw));
    const encodingType = req.query['encoding-type'];
    if (encodingType !== undefined && encodingType !== 'url') return this.error(400, 'InvalidArgument', 'Invalid Encoding Method specified in Request', { ArgumentName: 'encoding-type', ArgumentValue: encodingType });
    const token = req.query['continuation-token'];
    let after = req.query['start-after'] ?? '';
    if (token !== undefined) {
      const decoded = Buffer.from(token, 'base64url').toString('utf8');
      if (!decoded.startsWith('sim:')) return this.error(400, 'InvalidArgument', 'The continuation token provided is incorrect', { ArgumentName: 'continuation-token' });
      after = decoded.slice(4);
    }
    // S3 orders keys by their UTF-8 bytes.
    const keys = [...bucket.keys()]
      .filter((k) => k.startsWith(prefix) && Buffer.compare(Buffer.from(k), Buffer.from(after)) > 0)
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const page = keys.slice(0, maxKeys);
    const more = keys.length > page.length && page.length > 0;
    const entries = page.map((key) => {
      const o = bucket.get(key) as SimObject;
      return { key, size: o.size, lastModified: o.lastModified, etag: o.etag };
    });
    const body = listXml(
      this.bucket,
      {
        prefix,
        maxKeys,
        encodeKeys: encodingType === 'url',
        continuationToken: token,
        startAfter: req.query['start-after'],
        nextToken: more ? Buffer.from(`sim:${page[page.length - 1]}`).toString('base64url') : undefined,
      },
      entries,
    );
    return { status: 200, headers: { 'content-type': 'application/xml' }, body };
  }

  private objectRequest(req: SimRequest, bucket: Map<string, SimObject>, key: string, res: ServerResponse): SimReply | undefined {
    if ('uploads' in req.query || 'uploadId' in req.query) return this.multipartRequest(req, bucket, key);
    const existing = bucket.get(key);
    switch (req.method) {
      case 'PUT': {
        const bad = this.badDigest(req);
        if (bad) return bad;
        const o = this.stored(req.body, req.headers['content-type'] ?? 'binary/octet-stream');
        this.replace(bucket, key, o);
        return { status: 200, headers: { etag: `"${o.etag}"` } };
      }
      case 'GET':
      case 'HEAD': {
        if (!existing) return this.error(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key }, req.method);
        const headers = {
          'content-type': existing.contentType,
          'content-length': String(existing.size),
          etag: `"${existing.etag}"`,
          'last-modified': new Date(existing.lastModified).toUTCString(),
        };
        if (req.method === 'GET' && existing.parts) {
          res.writeHead(200, headers);
          void this.streamParts(existing.parts, res);
          return undefined;
        }
        return { status: 200, headers, body: req.method === 'GET' ? existing.body : undefined };
      }
      case 'DELETE':
        this.replace(bucket, key, undefined);
        return { status: 204 };
      default:
        return this.error(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
    }
  }

  private async streamParts(parts: StoredPart[], res: ServerResponse): Promise<void> {
    try {
      // One stream over every part file: piping each into the response in turn would stack listeners on it.
      await pipeline(
        Readable.from(
          (async function* () {
            for (const part of parts) yield* createReadStream(part.file);
          })(),
        ),
        res,
      );
    } catch {
      res.destroy();
    }
  }

  /** Content-MD5, when sent, must be a base64 MD5 and match the body (InvalidDigest, BadDigest). */
  private badDigest(req: SimRequest): SimReply | undefined {
    const md5 = req.headers['content-md5'];
    if (md5 === undefined) return undefined;
    if (!/^[A-Za-z0-9+/]{22}==$/.test(md5)) return this.error(400, 'InvalidDigest', 'The Content-MD5 you specified is not valid.');
    if (createHash('md5').update(req.body).digest('base64') !== md5) return this.error(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.');
    return undefined;
  }

  private multipartRequest(req: SimRequest, bucket: Map<string, SimObject>, key: string): SimReply {
    if (req.method === 'POST' && 'uploads' in req.query) {
      const uploadId = this.multipart.create(req.params.bucket, key, req.headers['content-type'] ?? 'binary/octet-stream');
      return { status: 200, headers: { 'content-type': 'application/xml' }, body: initiateMultipartXml(req.params.bucket, key, uploadId) };
    }
    const uploadId = req.query.uploadId ?? '';
    const upload = this.multipart.pending.get(uploadId);
    if (!upload || upload.bucket !== req.params.bucket || upload.key !== key) {
      return this.error(404, 'NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', { UploadId: uploadId }, req.method);
    }
    switch (req.method) {
      case 'PUT': {
        const raw = req.query.partNumber ?? '';
        const partNumber = Number(raw);
        if (!/^\d+$/.test(raw) || partNumber < 1 || partNumber > 10_000) {
          return this.error(400, 'InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive', { ArgumentName: 'partNumber', ArgumentValue: raw });
        }
        const failures = this.failingParts.get(partNumber) ?? 0;
        if (failures > 0) {
          this.failingParts.set(partNumber, failures - 1);
          return this.error(500, 'InternalError', 'We encountered an internal error. Please try again.');
        }
        const bad = this.badDigest(req);
        if (bad) return bad;
        return { status: 200, headers: { etag: `"${this.multipart.putPart(upload, uploadId, partNumber, req.body)}"` } };
      }
      case 'POST': {
        const done = this.multipart.complete(uploadId, req.text);
        if ('code' in done) return this.error(done.status, done.code, done.message);
        const size = done.parts.reduce((n, p) => n + p.size, 0);
        this.replace(bucket, key, { parts: done.parts, size, etag: done.etag, contentType: upload.contentType, lastModified: this.clock.now() });
        return { status: 200, headers: { 'content-type': 'application/xml' }, body: completeMultipartResultXml(`${this.url}/${req.params.bucket}/${key}`, req.params.bucket, key, done.etag) };
      }
      case 'DELETE':
        this.multipart.abort(uploadId);
        return { status: 204 };
      default:
        return this.error(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.', {}, req.method);
    }
  }
}

export async function startS3Simulator(options: S3SimulatorOptions = {}): Promise<S3Simulator> {
  return new S3Simulator(options).start();
}
