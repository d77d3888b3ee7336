import { Agent, request as undiciRequest, errors as undiciErrors, type Dispatcher } from 'undici';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { IntegrationError } from '../core/errors.js';
import { publicOnlyLookup } from './public-destination.js';
import type { HttpClient, HttpRequest, HttpResponse } from './types.js';

/** Error codes meaning the request never left this machine: safe to retry even when unsafe. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'ERR_INVALID_URL']);

let sharedAgent: Agent | undefined;
let publicAgent: Agent | undefined;

/** One Agent per process: a pool per origin, keep-alive, closed at shutdown. */
export function httpAgent(): Agent {
  sharedAgent ??= new Agent({ connections: 64, keepAliveTimeout: 10_000, connect: { timeout: 10_000 } });
  return sharedAgent;
}

/**
 * The Agent for URLs other people chose (webhook subscribers): it connects
 * only to public addresses, checked on each connection's resolved address.
 * IP literals skip the lookup, so callers check those first (checkLiteralDestination).
 */
export function publicOnlyAgent(): Agent {
  publicAgent ??= new Agent({ connections: 64, keepAliveTimeout: 10_000, connect: { timeout: 10_000, lookup: publicOnlyLookup } });
  return publicAgent;
}

export async function closeHttpAgent(): Promise<void> {
  const agents = [sharedAgent, publicAgent];
  sharedAgent = undefined;
  publicAgent = undefined;
  await Promise.all(agents.map((agent) => agent?.close()));
}

export interface HttpClientOptions {
  baseUrl: string;
  timeoutMs?: number;
  dispatcher?: Dispatcher;
  headers?: Record<string, string>;
  /** Largest answer read into memory (default DEFAULT_MAX_RESPONSE_BYTES). */
  maxResponseBytes?: number;
}

/** A few MiB: far above any provider's JSON answer, far below what would strain the process. */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const base = options.baseUrl.replace(/\/+$/, '');
  return {
    baseUrl: base,
    async request(req: HttpRequest): Promise<HttpResponse> {
      const url = new URL(/^https?:\/\//.test(req.path) ? req.path : `${base}${req.path.startsWith('/') ? '' : '/'}${req.path}`);
      for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
      const headers: Record<string, string> = { ...options.headers, ...req.headers };
      let body: string | Uint8Array | Readable | undefined = req.body;
      if (req.json !== undefined) {
        body = JSON.stringify(req.json);
        headers['content-type'] ??= 'application/json';
      } else if (req.form) {
        const form = new URLSearchParams();
        for (const [k, v] of Object.entries(req.form)) if (v !== undefined) form.append(k, String(v));
        body = form.toString();
        headers['content-type'] ??= 'application/x-www-form-urlencoded';
      }
      const limit = req.timeoutMs ?? timeoutMs;
      const timeout = AbortSignal.timeout(limit);
      const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
      try {
        const res = await undiciRequest(url, {
          method: req.method ?? (body === undefined ? 'GET' : 'POST'),
          headers,
          body,
          signal,
          dispatcher: options.dispatcher ?? httpAgent(),
          headersTimeout: limit,
          bodyTimeout: limit,
        });
        const flat: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
        const sink = req.bodySink?.(res.statusCode, flat);
        // A sink (a download streamed to disk) takes any size; a buffered answer is capped.
        const buf = sink ? await drainInto(res.body, sink) : await readCapped(res, maxBytes, url);
        return {
          status: res.statusCode,
          headers: flat,
          body: buf,
          text: () => buf.toString('utf8'),
          json<T>(): T {
            try {
              return JSON.parse(buf.toString('utf8')) as T;
            } catch {
              throw new IntegrationError('SERVER_ERROR', `${url.host} answered HTTP ${res.statusCode} with a body that is not JSON`, {
                provider: { status: res.statusCode, message: buf.toString('utf8').slice(0, 200) },
              });
            }
          },
        };
      } catch (err) {
        if (err instanceof SinkError) throw err.original;
        if (err instanceof IntegrationError) throw err;
        throw transportError(err, url, limit, timeout.aborted, req.signal?.aborted === true);
      }
    },
  };
}

/** Pipes the body into the sink; a failure of the sink itself (disk full, no permission) is thrown as it is, not as a transport error. */
async function drainInto(body: Readable, sink: Writable): Promise<Buffer> {
  let sinkError: unknown;
  sink.once('error', (err) => (sinkError ??= err));
  try {
    await pipeline(body, sink);
  } catch (err) {
    if (sinkError !== undefined) throw new SinkError(sinkError);
    throw err;
  }
  return Buffer.alloc(0);
}

class SinkError extends Error {
  constructor(readonly original: unknown) {
    super('body sink failed');
  }
}

/**
 * The answer's bytes, refusing more than `maxBytes`: a declared length over
 * it is refused before reading, a streamed one as soon as it passes it, and
 * the connection is dropped (destroyed, not drained) so nothing more is read.
 * The request was sent: SERVER_ERROR with requestSent, which an unsafe
 * operation turns into OUTCOME_UNKNOWN (src/core/retry-safety.ts).
 */
async function readCapped(res: Dispatcher.ResponseData, maxBytes: number, url: URL): Promise<Buffer> {
  const tooLarge = () => {
    res.body.destroy();
    return new IntegrationError('SERVER_ERROR', `${url.host} answered HTTP ${res.statusCode} with more than ${maxBytes} bytes (maxResponseBytes); answer not read`, {
      provider: { status: res.statusCode },
      requestSent: true,
    });
  };
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size);
}

function transportError(err: unknown, url: URL, limit: number, timedOut: boolean, cancelled: boolean): IntegrationError {
  const code = (err as { code?: string })?.code ?? (err as { cause?: { code?: string } })?.cause?.code ?? '';
  const where = `${url.protocol}//${url.host}`;
  if (NOT_SENT_CODES.has(code)) {
    return new IntegrationError('NETWORK_ERROR', `cannot connect to ${where} (${code})`, { requestSent: false, cause: err });
  }
  if (timedOut || err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError) {
    return new IntegrationError('TIMEOUT', `${where} did not answer within ${limit} ms`, { requestSent: true, cause: err });
  }
  if (cancelled) {
    return new IntegrationError('TIMEOUT', `request to ${where} was cancelled`, { requestSent: true, cause: err });
  }
  return new IntegrationError('NETWORK_ERROR', `connection to ${where} failed after sending (${code || (err as Error)?.message})`, {
    requestSent: true,
    cause: err,
  });
}
