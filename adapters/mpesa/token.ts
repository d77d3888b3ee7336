import { createHash } from 'node:crypto';
import type { AdapterContext } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import type { HttpRequest, HttpResponse } from '../../src/http/types.js';
import type { MpesaConfig } from './config.js';
import { darajaError, isTokenRejected } from './errors.js';

/**
 * Daraja OAuth (client credentials): a bearer token that lives 3600 s
 * (`expires_in` arrives as the string "3599"). It is cached in the
 * integration's scoped store, so separate CLI runs share one token, and
 * replaced a minute before it expires.
 */
const REFRESH_MARGIN_MS = 60_000;
/** Daraja documents a one-hour token; used only when a response omits expires_in. */
const DOCUMENTED_LIFETIME_S = 3599;

interface CachedToken {
  accessToken: string;
  expiresAt: number;
}

export interface IssuedToken extends CachedToken {
  expiresInSeconds: number;
}

/** Per host and consumer key, so repointing or rotating credentials never reuses a stale token. */
function cacheKey(ctx: AdapterContext<MpesaConfig>): string {
  const id = createHash('sha256').update(`${ctx.http.baseUrl}\n${ctx.config.consumerKey}`).digest('hex').slice(0, 16);
  return `daraja-token:${id}`;
}

/** Asks Daraja for a new token and caches it. */
export async function fetchToken(ctx: AdapterContext<MpesaConfig>): Promise<IssuedToken> {
  const basic = Buffer.from(`${ctx.config.consumerKey}:${ctx.config.consumerSecret}`, 'utf8').toString('base64');
  const res = await ctx.http.request({
    method: 'GET',
    path: '/oauth/v1/generate',
    query: { grant_type: 'client_credentials' },
    headers: { authorization: `Basic ${basic}`, accept: 'application/json' },
    signal: ctx.signal,
  });
  if (res.status !== 200) {
    const err = darajaError(res, ctx.clock.now(), 'token request');
    // At this endpoint a 400 can only mean the credentials (Daraja: 400.008.01, sometimes with an empty body).
    if (res.status === 400 && err.category !== 'AUTHENTICATION_FAILED') {
      throw new IntegrationError('AUTHENTICATION_FAILED', `${err.message} (Daraja rejected the consumer key and secret)`, { provider: err.provider, details: err.details });
    }
    throw err;
  }
  const body = res.json<{ access_token?: unknown; expires_in?: unknown }>();
  if (typeof body.access_token !== 'string' || !body.access_token) {
    throw new IntegrationError('SERVER_ERROR', 'M-Pesa token response had no access_token', { provider: { status: res.status } });
  }
  const seconds = Number(body.expires_in);
  const expiresInSeconds = Number.isFinite(seconds) && seconds > 0 ? seconds : DOCUMENTED_LIFETIME_S;
  const token = { accessToken: body.access_token, expiresAt: ctx.clock.now() + expiresInSeconds * 1000 };
  await ctx.cache.set(cacheKey(ctx), token, Math.max(1, token.expiresAt - REFRESH_MARGIN_MS - ctx.clock.now()));
  return { ...token, expiresInSeconds };
}

/** A token that is good for at least another minute: the cached one, or a new one. */
export async function accessToken(ctx: AdapterContext<MpesaConfig>): Promise<string> {
  const cached = await ctx.cache.get<CachedToken>(cacheKey(ctx));
  if (cached && cached.expiresAt - REFRESH_MARGIN_MS > ctx.clock.now()) return cached.accessToken;
  return (await fetchToken(ctx)).accessToken;
}

export async function forgetToken(ctx: AdapterContext<MpesaConfig>): Promise<void> {
  await ctx.cache.delete(cacheKey(ctx));
}

/**
 * Sends an authorised Daraja request. When Daraja refuses the token (it can
 * revoke one before its expiry), the request is sent once more with a new
 * token: a refused token means Daraja did nothing, so even an STK push may go
 * again. A second refusal stands.
 */
export async function darajaRequest(ctx: AdapterContext<MpesaConfig>, req: Omit<HttpRequest, 'signal'>): Promise<HttpResponse> {
  const send = (token: string) =>
    ctx.http.request({ ...req, headers: { ...req.headers, authorization: `Bearer ${token}`, accept: 'application/json' }, signal: ctx.signal });
  const first = await send(await accessToken(ctx));
  if (!isTokenRejected(first)) return first;
  await forgetToken(ctx);
  return send((await fetchToken(ctx)).accessToken);
}
