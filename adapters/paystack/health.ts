import type { HealthResult } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import { paystack, type PaystackContext } from './api.js';

function modeMismatch(ctx: PaystackContext): string | undefined {
  const mode = /^sk_(test|live)_/.exec(ctx.config.secretKey)?.[1];
  if (mode === 'test' && ctx.config.environment === 'production') return 'environment is production but the secret key is a test key (sk_test_)';
  if (mode === 'live' && ctx.config.environment === 'sandbox') return 'environment is sandbox but the secret key is a live key (sk_live_)';
  return undefined;
}

/** GET /balance: authenticated, read-only, cheap. */
async function balances(ctx: PaystackContext): Promise<{ currency: string; balance: number }[]> {
  const res = await paystack<{ currency: string; balance: number }[]>(ctx, { path: '/balance' });
  return Array.isArray(res.data) ? res.data : [];
}

export async function health(ctx: PaystackContext): Promise<HealthResult> {
  try {
    const list = await balances(ctx);
    const mismatch = modeMismatch(ctx);
    const message = `secret key accepted; ${list.length} balance(s)`;
    return mismatch ? { status: 'degraded', message: `${message}, but ${mismatch}` } : { status: 'healthy', message };
  } catch (err) {
    if (err instanceof IntegrationError) return { status: 'unhealthy', message: `${err.category}: ${err.message}` };
    throw err;
  }
}

export async function selfTest(ctx: PaystackContext): Promise<string> {
  const list = await balances(ctx);
  const mismatch = modeMismatch(ctx);
  return `GET ${ctx.http.baseUrl}/balance accepted the secret key; currencies: ${list.map((b) => b.currency).join(', ') || 'none'}${mismatch ? `; warning: ${mismatch}` : ''}`;
}
