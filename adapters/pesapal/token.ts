import { createHash } from 'node:crypto';
import type { AdapterContext } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import type { PesapalConfig } from './config.js';
import { isErrorBody, pesapalError, type PesapalErrorBody } from './errors.js';

/** Pesapal tokens live 5 minutes (developer.pesapal.com, authentication). */
export const TOKEN_LIFETIME_MS = 5 * 60_000;
/** Refresh this long before expiry so a token never dies mid-request. */
export const REFRESH_MARGIN_MS = 30_000;

interface CachedToken {
  token: string;
  expiresAt: number;
}

interface TokenResponse extends PesapalErrorBody {
  token?: string | null;
  expiryDate?: string | null;
}

/** Keyed by the consumer key, so new credentials never reuse the old account's token. */
function cacheKey(config: PesapalConfig): string {
  return `pesapal:token:${createHash('sha256').update(config.consumerKey).digest('hex').slice(0, 16)}`;
}

async function requestToken(ctx: AdapterContext<PesapalConfig>): Promise<CachedToken> {
  const res = await ctx.http.request({
    method: 'POST',
    path: '/api/Auth/RequestToken',
    headers: { accept: 'application/json' },
    json: { consumer_key: ctx.config.consumerKey, consumer_secret: ctx.config.consumerSecret },
    signal: ctx.signal,
  });
  let body: TokenResponse = {};
  try {
    body = JSON.parse(res.text()) as TokenResponse;
  } catch {
    // an empty or HTML error page: the status says enough
  }
  if (res.status >= 300 || isErrorBody(body) || !body.token) {
    const err = pesapalError(res.status, body, { retryAfter: res.headers['retry-after'], now: ctx.clock.now() });
    // A 200 without a token and without a reason is still a refusal to authenticate.
    if (res.status < 300 && !isErrorBody(body)) throw new IntegrationError('AUTHENTICATION_FAILED', 'pesapal issued no token', { provider: err.provider });
    throw err;
  }
  const now = ctx.clock.now();
  const stated = body.expiryDate ? Date.parse(body.expiryDate) : Number.NaN;
  // Trust the stated expiry only when it is sooner than the documented lifetime (clock skew).
  const expiresAt = Number.isFinite(stated) && stated > now ? Math.min(stated, now + TOKEN_LIFETIME_MS) : now + TOKEN_LIFETIME_MS;
  return { token: body.token, expiresAt };
}

/** A bearer token from the integration's cache, fetched when missing or about to expire, or when `refresh` says the last one was refused. */
export async function accessToken(ctx: AdapterContext<PesapalConfig>, options: { refresh?: boolean } = {}): Promise<string> {
  const key = cacheKey(ctx.config);
  if (!options.refresh) {
    const cached = await ctx.cache.get<CachedToken>(key);
    if (cached && cached.expiresAt - REFRESH_MARGIN_MS > ctx.clock.now()) {
      ctx.secrets.add(cached.token);
      return cached.token;
    }
  }
  const fresh = await requestToken(ctx);
  ctx.secrets.add(fresh.token);
  await ctx.cache.set(key, fresh, Math.max(1, fresh.expiresAt - ctx.clock.now()));
  return fresh.token;
}

/** Seconds the cached token has left, for health messages; undefined when none. */
export async function tokenSecondsLeft(ctx: AdapterContext<PesapalConfig>): Promise<number | undefined> {
  const cached = await ctx.cache.get<CachedToken>(cacheKey(ctx.config));
  return cached ? Math.round((cached.expiresAt - ctx.clock.now()) / 1000) : undefined;
}
