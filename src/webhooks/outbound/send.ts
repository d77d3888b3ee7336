import { request, type Dispatcher } from 'undici';
import { httpAgent, publicOnlyAgent } from '../../http/client.js';
import { checkLiteralDestination } from '../../http/public-destination.js';
import type { AttemptResult } from '../../store/outbound-types.js';
import { signStandardWebhook } from '../sign/standard-webhooks.js';

/** What an attempt keeps of the receiver's answer. */
export const EXCERPT_BYTES = 1024;
/** Beyond the excerpt, read (and drop) at most this much so the connection can be reused; a bigger answer closes it. */
const DRAIN_BYTES = 64 * 1024;

export interface SendInput {
  url: string;
  secret: string;
  messageId: string;
  payload: string;
  timestampSeconds: number;
  timeoutMs: number;
  dispatcher?: Dispatcher;
  /** Aborts the attempt (shutdown). */
  signal?: AbortSignal;
  /** Fires when the attempt has taken too long; default AbortSignal.timeout(timeoutMs). Tests stand in for the clock with it. */
  deadline?: AbortSignal;
  userAgent?: string;
  /** The operator allowed this destination to be loopback, private or link-local; otherwise such an address is refused. */
  allowPrivateNetwork?: boolean;
}

export interface SendResult extends AttemptResult {
  /** The receiver's Retry-After header, as sent. */
  retryAfter?: string;
}

/** One Standard Webhooks POST. Never throws: every failure is a result. Redirects are not followed (undici's request never does). */
export async function sendDelivery(input: SendInput): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const timeout = input.deadline ?? AbortSignal.timeout(input.timeoutMs);
  const signal = input.signal ? AbortSignal.any([input.signal, timeout]) : timeout;
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    return { responseStatus: null, latencyMs: 0, responseExcerpt: null, error: 'invalid subscription URL' };
  }
  if (!input.allowPrivateNetwork) {
    const refused = checkLiteralDestination(url);
    if (refused) return { responseStatus: null, latencyMs: 0, responseExcerpt: null, error: refusedMessage(refused.message) };
  }
  try {
    const res = await request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': input.userAgent ?? 'integrations-webhooks',
        ...signStandardWebhook(input.secret, input.messageId, input.timestampSeconds, input.payload),
      },
      body: input.payload,
      signal,
      dispatcher: input.dispatcher ?? (input.allowPrivateNetwork ? httpAgent() : publicOnlyAgent()),
      headersTimeout: input.timeoutMs,
      bodyTimeout: input.timeoutMs,
    });
    // The status decides the outcome; a body that breaks off only costs the excerpt.
    const excerpt = await readExcerpt(res.body).catch(() => null);
    const retryAfter = res.headers['retry-after'];
    const ok = res.statusCode >= 200 && res.statusCode < 300;
    return {
      responseStatus: res.statusCode,
      latencyMs: elapsed(),
      responseExcerpt: excerpt,
      error: ok ? null : `HTTP ${res.statusCode}${res.statusCode >= 300 && res.statusCode < 400 ? ' (redirects are not followed)' : ''}`,
      ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
    };
  } catch (err) {
    return { responseStatus: null, latencyMs: elapsed(), responseExcerpt: null, error: transportMessage(err, url, input.timeoutMs, timeout.aborted) };
  }
}

async function readExcerpt(body: Dispatcher.ResponseData['body']): Promise<string | null> {
  const chunks: Buffer[] = [];
  let kept = 0;
  let size = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (kept < EXCERPT_BYTES) {
      chunks.push(buf);
      kept += buf.length;
    }
    // Leaving the loop destroys the body: the connection is closed rather than read on.
    if (size > DRAIN_BYTES) break;
  }
  if (kept === 0) return null;
  const bytes = Buffer.concat(chunks).subarray(0, EXCERPT_BYTES);
  // A multi-byte character cut at the limit decodes as U+FFFD; drop it.
  return bytes.toString('utf8').replace(/\uFFFD$/, '');
}

function refusedMessage(reason: string): string {
  return `refused: ${reason} (allow with webhooks.outbound.allowPrivateNetworks or subscribe --allow-private-network)`;
}

function transportMessage(err: unknown, url: URL, timeoutMs: number, timedOut: boolean): string {
  const code = (err as { code?: string })?.code ?? (err as { cause?: { code?: string } })?.cause?.code;
  if (code === 'ERR_PRIVATE_DESTINATION') return refusedMessage(((err as { cause?: Error }).cause ?? (err as Error)).message);
  // The origin only: a URL's path or query may carry a token.
  const where = url.origin;
  if (timedOut || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return `${where} did not answer within ${timeoutMs} ms`;
  if (code === 'ABORT_ERR' || (err as Error)?.name === 'AbortError') return `request to ${where} was cancelled`;
  if (code === 'ECONNREFUSED') return `connection to ${where} refused`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot resolve ${url.hostname}`;
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return `connecting to ${where} timed out`;
  return `request to ${where} failed (${code ?? (err as Error)?.message ?? String(err)})`;
}
