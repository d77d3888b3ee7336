import type { AdapterContext } from '../adapter.js';
import { IntegrationError } from '../errors.js';
import type { HttpResponse } from '../../http/types.js';

/**
 * OAuth bearer tokens (client-credentials and refresh-token grants, as
 * M-Pesa and Google issue them) kept in the integration's scoped cache, so
 * separate CLI runs share one token, and replaced a minute before they
 * expire so that none dies mid-request.
 */
const REFRESH_MARGIN_MS = 60_000;

/** `secrets`: every token issued or read from the cache is registered for masking before anything can log it. */
type TokenContext = Pick<AdapterContext, 'cache' | 'clock' | 'secrets'>;

export interface CachedToken {
  accessToken: string;
  expiresAt: number;
}

export interface IssuedToken extends CachedToken {
  expiresInSeconds: number;
}

/**
 * Caches the token of a successful token answer ({access_token,
 * expires_in}) under `key`. `lifetimeSeconds`, the provider's documented
 * lifetime, stands in for a missing or unreadable expires_in (Daraja sends
 * it as a string).
 */
export async function keepIssuedToken(ctx: TokenContext, key: string, res: HttpResponse, options: { provider: string; lifetimeSeconds: number }): Promise<IssuedToken> {
  const body = res.json<{ access_token?: unknown; expires_in?: unknown; refresh_token?: unknown }>();
  // A rotated refresh token is as good as the configured one.
  if (typeof body.refresh_token === 'string') ctx.secrets.add(body.refresh_token);
  if (typeof body.access_token !== 'string' || !body.access_token) {
    throw new IntegrationError('SERVER_ERROR', `${options.provider} token response had no access_token`, { provider: { status: res.status } });
  }
  const seconds = Number(body.expires_in);
  const expiresInSeconds = Number.isFinite(seconds) && seconds > 0 ? seconds : options.lifetimeSeconds;
  ctx.secrets.add(body.access_token);
  const token = { accessToken: body.access_token, expiresAt: ctx.clock.now() + expiresInSeconds * 1000 };
  await ctx.cache.set(key, token, Math.max(1, token.expiresAt - REFRESH_MARGIN_MS - ctx.clock.now()));
  return { ...token, expiresInSeconds };
}

/** A token that is good for at least another minute, with its expiry: the cached one, or the one `issue` fetches and caches. */
export async function currentCachedToken(ctx: TokenContext, key: string, issue: () => Promise<CachedToken>): Promise<CachedToken> {
  const cached = await ctx.cache.get<CachedToken>(key);
  if (cached && cached.expiresAt - REFRESH_MARGIN_MS > ctx.clock.now()) {
    // Issued by an earlier process: this one has not seen it yet.
    ctx.secrets.add(cached.accessToken);
    return cached;
  }
  const issued = await issue();
  return { accessToken: issued.accessToken, expiresAt: issued.expiresAt };
}

/** currentCachedToken(), the token alone. */
export async function currentToken(ctx: TokenContext, key: string, issue: () => Promise<CachedToken>): Promise<string> {
  return (await currentCachedToken(ctx, key, issue)).accessToken;
}
