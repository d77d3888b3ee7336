import { createHash } from 'node:crypto';
import type { AdapterContext } from '../../src/core/adapter.js';
import { currentCachedToken, keepIssuedToken, type CachedToken, type IssuedToken } from '../../src/core/adapter-kit/cached-token.js';
import type { HttpRequest, HttpResponse } from '../../src/http/types.js';
import { GOOGLE_TOKEN_URL, type DriveConfig } from './config.js';
import { tokenError } from './errors.js';

export type DriveContext = AdapterContext<DriveConfig>;

/**
 * OAuth refresh-token grant: the refresh token buys an access token that
 * lives about an hour (`expires_in` ≈ 3599), cached as
 * src/core/adapter-kit/cached-token.ts says.
 */
const DOCUMENTED_LIFETIME_S = 3599;

/** Per token endpoint, client and refresh token (hashed), so rotated credentials never reuse a stale token. */
function cacheKey(ctx: DriveContext): string {
  const { clientId, refreshToken, tokenUrl } = ctx.config;
  const id = createHash('sha256').update(`${tokenUrl ?? GOOGLE_TOKEN_URL}\n${clientId}\n${refreshToken}`).digest('hex').slice(0, 16);
  return `google-token:${id}`;
}

export async function fetchToken(ctx: DriveContext): Promise<IssuedToken> {
  const res = await ctx.http.request({
    method: 'POST',
    path: ctx.config.tokenUrl ?? GOOGLE_TOKEN_URL,
    form: { client_id: ctx.config.clientId, client_secret: ctx.config.clientSecret, refresh_token: ctx.config.refreshToken, grant_type: 'refresh_token' },
    headers: { accept: 'application/json' },
    signal: ctx.signal,
  });
  if (res.status !== 200) throw tokenError(res, ctx.clock.now());
  return keepIssuedToken(ctx, cacheKey(ctx), res, { provider: 'Google', lifetimeSeconds: DOCUMENTED_LIFETIME_S });
}

/** The cached access token while it has a minute left, else a fresh one (cached for the next call and the next process). */
export async function cachedAccessToken(ctx: DriveContext): Promise<CachedToken> {
  return currentCachedToken(ctx, cacheKey(ctx), () => fetchToken(ctx));
}

export async function accessToken(ctx: DriveContext): Promise<string> {
  return (await cachedAccessToken(ctx)).accessToken;
}

/**
 * Sends an authorised Drive request. A 401 means Google did nothing with the
 * request (the token was revoked or expired early), so it is sent once more
 * with a fresh token, even an upload; a second 401 stands.
 */
export async function driveRequest(ctx: DriveContext, req: Omit<HttpRequest, 'signal'>): Promise<HttpResponse> {
  const send = (token: string) => ctx.http.request({ ...req, headers: { ...req.headers, authorization: `Bearer ${token}` }, signal: ctx.signal });
  const first = await send(await accessToken(ctx));
  if (first.status !== 401) return first;
  await ctx.cache.delete(cacheKey(ctx));
  return send((await fetchToken(ctx)).accessToken);
}
