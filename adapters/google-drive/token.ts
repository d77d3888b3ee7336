import { createHash } from 'node:crypto';
import type { AdapterContext } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import type { HttpRequest, HttpResponse } from '../../src/http/types.js';
import { GOOGLE_TOKEN_URL, type DriveConfig } from './config.js';
import { tokenError } from './errors.js';

export type DriveContext = AdapterContext<DriveConfig>;

/**
 * OAuth refresh-token grant: the refresh token buys an access token that
 * lives about an hour (`expires_in` ≈ 3599). It is cached in the
 * integration's scoped store, so separate CLI runs share it, and replaced a
 * minute before it expires.
 */
const REFRESH_MARGIN_MS = 60_000;
const DOCUMENTED_LIFETIME_S = 3599;

interface CachedToken {
  accessToken: string;
  expiresAt: number;
}

/** Per token endpoint, client and refresh token (hashed), so rotated credentials never reuse a stale token. */
function cacheKey(ctx: DriveContext): string {
  const { clientId, refreshToken, tokenUrl } = ctx.config;
  const id = createHash('sha256').update(`${tokenUrl ?? GOOGLE_TOKEN_URL}\n${clientId}\n${refreshToken}`).digest('hex').slice(0, 16);
  return `google-token:${id}`;
}

export async function fetchToken(ctx: DriveContext): Promise<CachedToken & { expiresInSeconds: number }> {
  const res = await ctx.http.request({
    method: 'POST',
    path: ctx.config.tokenUrl ?? GOOGLE_TOKEN_URL,
    form: { client_id: ctx.config.clientId, client_secret: ctx.config.clientSecret, refresh_token: ctx.config.refreshToken, grant_type: 'refresh_token' },
    headers: { accept: 'application/json' },
    signal: ctx.signal,
  });
  if (res.status !== 200) throw tokenError(res, ctx.clock.now());
  const body = res.json<{ access_token?: unknown; expires_in?: unknown }>();
  if (typeof body.access_token !== 'string' || !body.access_token) {
    throw new IntegrationError('SERVER_ERROR', 'Google token response had no access_token', { provider: { status: res.status } });
  }
  const seconds = Number(body.expires_in);
  const expiresInSeconds = Number.isFinite(seconds) && seconds > 0 ? seconds : DOCUMENTED_LIFETIME_S;
  const token = { accessToken: body.access_token, expiresAt: ctx.clock.now() + expiresInSeconds * 1000 };
  await ctx.cache.set(cacheKey(ctx), token, Math.max(1, token.expiresAt - REFRESH_MARGIN_MS - ctx.clock.now()));
  return { ...token, expiresInSeconds };
}

export async function accessToken(ctx: DriveContext): Promise<string> {
  const cached = await ctx.cache.get<CachedToken>(cacheKey(ctx));
  if (cached && cached.expiresAt - REFRESH_MARGIN_MS > ctx.clock.now()) return cached.accessToken;
  return (await fetchToken(ctx)).accessToken;
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
