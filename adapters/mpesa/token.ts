import { createHash } from 'node:crypto';
import type { AdapterContext } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import { currentToken, keepIssuedToken, type IssuedToken } from '../../src/core/adapter-kit/cached-token.js';
import type { HttpRequest, HttpResponse } from '../../src/http/types.js';
import type { MpesaConfig } from './config.js';
import { darajaError, isTokenRejected } from './errors.js';

/**
 * Daraja OAuth (client credentials): a bearer token that lives 3600 s
 * (`expires_in` arrives as the string "3599"), cached as
 * src/core/adapter-kit/cached-token.ts says. The documented lifetime is used
 * only when a response omits expires_in.
 */
const DOCUMENTED_LIFETIME_S = 3599;

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
  return keepIssuedToken(ctx, cacheKey(ctx), res, { provider: 'M-Pesa', lifetimeSeconds: DOCUMENTED_LIFETIME_S });
}

/** A token that is good for at least another minute: the cached one, or a new one. */
export async function accessToken(ctx: AdapterContext<MpesaConfig>): Promise<string> {
  return currentToken(ctx, cacheKey(ctx), () => fetchToken(ctx));
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
