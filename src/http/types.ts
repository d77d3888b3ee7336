import type { Readable, Writable } from 'node:stream';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';

export interface HttpRequest {
  method?: HttpMethod;
  /** Relative to the client's base URL ("/oauth/v1/generate"), or an absolute URL. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  /** Serialised as JSON with content-type application/json. */
  json?: unknown;
  /** Serialised as application/x-www-form-urlencoded. */
  form?: Record<string, string | number | boolean | undefined>;
  /** A raw body; the caller sets content-type. */
  body?: string | Uint8Array | Readable;
  /**
   * For bodies too large to hold: given the answer's status and headers, a
   * stream to pipe the body into instead of buffering it (the response's
   * `body` is then empty); undefined buffers it as usual (error answers).
   */
  bodySink?: (status: number, headers: Record<string, string>) => Writable | undefined;
  /** Overrides the client's timeout for this request. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  /** Lower-cased header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  text(): string;
  /** Parses the body as JSON; throws SERVER_ERROR on a body that is not JSON. */
  json<T = unknown>(): T;
}

/**
 * The HTTP client an adapter gets in its context: bound to the provider's
 * base URL, pooled, timed. Any status is returned (adapters map the
 * provider's error bodies); transport failures throw IntegrationError:
 * NETWORK_ERROR with requestSent=false when the request provably never left
 * (connection refused, DNS), TIMEOUT or NETWORK_ERROR with requestSent=true
 * otherwise.
 */
export interface HttpClient {
  readonly baseUrl: string;
  request(req: HttpRequest): Promise<HttpResponse>;
}
