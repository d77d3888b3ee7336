import { createHash } from 'node:crypto';
import { AwsV4Signer } from 'aws4fetch';
import type { AdapterContext } from '../../src/core/adapter.js';
import type { Readable } from 'node:stream';
import type { HttpMethod, HttpRequest, HttpResponse } from '../../src/http/types.js';
import type { S3Config } from './config.js';

export type S3Context = AdapterContext<S3Config>;

/** SigV4's timestamp format, from the injected clock so tests (and the simulator's skew check) control time. */
export function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[:-]|\.\d{3}/g, '');
}

/** A body read from a file as it is sent, with the SHA-256 and length taken by an earlier pass over the same bytes. */
export interface StreamedPayload {
  open(): Readable;
  length: number;
  sha256: string;
}

export interface S3Request {
  method: HttpMethod;
  url: URL;
  body?: Buffer | StreamedPayload;
  headers?: Record<string, string>;
  /** Replaces the operation's signal: cleanup (AbortMultipartUpload) must still go out after the operation was cancelled. */
  signal?: AbortSignal;
  bodySink?: HttpRequest['bodySink'];
}

/**
 * Signs a request with aws4fetch's AwsV4Signer (without letting it send)
 * and sends it through the context's HTTP client. The payload is hashed
 * into x-amz-content-sha256 (aws4fetch would otherwise send
 * UNSIGNED-PAYLOAD), so the store rejects a body altered on the way.
 */
export async function s3Request(ctx: S3Context, req: S3Request): Promise<HttpResponse> {
  const { config } = ctx;
  const streamed = req.body !== undefined && !Buffer.isBuffer(req.body) ? req.body : undefined;
  const buffered = Buffer.isBuffer(req.body) ? req.body : undefined;
  const payloadHash = streamed ? streamed.sha256 : createHash('sha256').update(buffered ?? Buffer.alloc(0)).digest('hex');
  const signer = new AwsV4Signer({
    method: req.method,
    url: req.url.toString(),
    // With the hash header given, aws4fetch signs it and never reads the body.
    headers: { ...req.headers, 'x-amz-content-sha256': payloadHash, ...(streamed ? { 'content-length': String(streamed.length) } : {}) },
    accessKeyId: config.accessKeyId,
    secretAccessKey: config.secretAccessKey,
    sessionToken: config.sessionToken,
    // Never guessed from the host: a custom endpoint names neither.
    service: 's3',
    region: config.region,
    datetime: amzDate(ctx.clock.now()),
  });
  const signed = await signer.sign();
  const headers: Record<string, string> = {};
  signed.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return ctx.http.request({
    method: req.method,
    path: signed.url.toString(),
    headers,
    body: streamed ? streamed.open() : buffered,
    signal: req.signal ?? ctx.signal,
    ...(req.bodySink ? { bodySink: req.bodySink } : {}),
  });
}
