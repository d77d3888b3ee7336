import { createHash } from 'node:crypto';
import { AwsV4Signer } from 'aws4fetch';
import type { AdapterContext } from '../../src/core/adapter.js';
import type { HttpMethod, HttpResponse } from '../../src/http/types.js';
import type { S3Config } from './config.js';

export type S3Context = AdapterContext<S3Config>;

/** SigV4's timestamp format, from the injected clock so tests (and the simulator's skew check) control time. */
export function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[:-]|\.\d{3}/g, '');
}

/**
 * Signs a request with aws4fetch's AwsV4Signer (without letting it send)
 * and sends it through the context's HTTP client. The payload is hashed
 * into x-amz-content-sha256 (aws4fetch would otherwise send
 * UNSIGNED-PAYLOAD), so the store rejects a body altered on the way.
 */
export async function s3Request(ctx: S3Context, req: { method: HttpMethod; url: URL; body?: Buffer; headers?: Record<string, string> }): Promise<HttpResponse> {
  const { config } = ctx;
  const payload = req.body ?? Buffer.alloc(0);
  const signer = new AwsV4Signer({
    method: req.method,
    url: req.url.toString(),
    headers: { ...req.headers, 'x-amz-content-sha256': createHash('sha256').update(payload).digest('hex') },
    body: payload,
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
  return ctx.http.request({ method: req.method, path: signed.url.toString(), headers, body: req.body, signal: ctx.signal });
}
