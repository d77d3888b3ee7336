import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { SimulatorOptions } from '../../src/core/adapter.js';
import { ProviderSimulator } from '../../src/core/provider-simulator.js';
import type { SimReply, SimRequest } from '../../src/core/simulator.js';
import { verifySigV4 } from './simulator-sigv4.js';
import { errorXml, listXml } from './simulator-xml.js';

export interface S3SimulatorOptions extends SimulatorOptions {
  bucket?: string;
  region?: string;
}

export interface SimObject {
  body: Buffer;
  etag: string;
  contentType: string;
  lastModified: number;
}

/**
 * A local S3-compatible store, path-style (http://host/bucket/key) as MinIO
 * serves it: PutObject (with Content-MD5 checks), GetObject, HeadObject,
 * DeleteObject, HeadBucket and ListObjectsV2 (prefix, max-keys, continuation,
 * start-after, encoding-type=url; no delimiter). Every request's SigV4
 * signature is verified against the simulator's own secret, and refusals
 * come back as S3's XML errors.
 */
export class S3Simulator extends ProviderSimulator {
  readonly buckets = new Map<string, Map<string, SimObject>>();
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  readonly bucket: string;
  readonly region: string;
  private requestCount = 0;

  constructor(options: S3SimulatorOptions = {}) {
    super(options);
    this.bucket = options.bucket ?? 'sim-bucket';
    this.region = options.region ?? 'us-east-1';
    this.buckets.set(this.bucket, new Map());
    this.credentials = { accessKeyId: `AKIASIM${randomBytes(6).toString('hex').toUpperCase()}`, secretAccessKey: randomBytes(30).toString('base64') };
    for (const method of ['GET', 'HEAD', 'PUT', 'DELETE', 'POST']) {
      this.server.route(method, '/:bucket', (req, raw) => this.handle(req, raw, (b) => this.bucketRequest(req, b)));
      this.server.route(method, '/:bucket/:key*', (req, raw) => this.handle(req, raw, (b) => this.objectRequest(req, b, req.params.key)));
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
    this.objects.set(key, this.stored(Buffer.from(body), contentType));
  }

  private stored(body: Buffer, contentType: string): SimObject {
    return { body, etag: createHash('md5').update(body).digest('hex'), contentType, lastModified: this.clock.now() };
  }

  private error(status: number, code: string, message: string, extra: Record<string, string> = {}, method = 'GET'): SimReply {
    const requestId = `SIM${(++this.requestCount).toString(16).toUpperCase().padStart(12, '0')}`;
    // HEAD answers never carry a body; clients see only the status.
    if (method === 'HEAD') return { status, headers: { 'x-amz-request-id': requestId } };
    return { status, headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId }, body: errorXml(code, message, requestId, extra) };
  }

  private handle(req: SimRequest, raw: IncomingMessage, next: (bucket: Map<string, SimObject>) => SimReply): SimReply {
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
      return { key, size: o.body.length, lastModified: o.lastModified, etag: o.etag };
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

  private objectRequest(req: SimRequest, bucket: Map<string, SimObject>, key: string): SimReply {
    const existing = bucket.get(key);
    switch (req.method) {
      case 'PUT': {
        const md5 = req.headers['content-md5'];
        if (md5 !== undefined) {
          if (!/^[A-Za-z0-9+/]{22}==$/.test(md5)) return this.error(400, 'InvalidDigest', 'The Content-MD5 you specified is not valid.');
          if (createHash('md5').update(req.body).digest('base64') !== md5) return this.error(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.');
        }
        const o = this.stored(req.body, req.headers['content-type'] ?? 'binary/octet-stream');
        bucket.set(key, o);
        return { status: 200, headers: { etag: `"${o.etag}"` } };
      }
      case 'GET':
      case 'HEAD': {
        if (!existing) return this.error(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key }, req.method);
        const headers = {
          'content-type': existing.contentType,
          'content-length': String(existing.body.length),
          etag: `"${existing.etag}"`,
          'last-modified': new Date(existing.lastModified).toUTCString(),
        };
        return { status: 200, headers, body: req.method === 'GET' ? existing.body : undefined };
      }
      case 'DELETE':
        bucket.delete(key);
        return { status: 204 };
      default:
        return this.error(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
    }
  }
}

export async function startS3Simulator(options: S3SimulatorOptions = {}): Promise<S3Simulator> {
  return new S3Simulator(options).start();
}
