import type { HealthResult } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import { razorpay, type Collection, type RazorpayContext } from './api.js';

/** The key id says the mode; a test key in production (or the reverse) is a misconfiguration worth flagging. */
function modeMismatch(ctx: RazorpayContext): string | undefined {
  const mode = /^rzp_(test|live)_/.exec(ctx.config.keyId)?.[1];
  if (mode === 'test' && ctx.config.environment === 'production') return 'environment is production but the key id is a test key (rzp_test_)';
  if (mode === 'live' && ctx.config.environment === 'sandbox') return 'environment is sandbox but the key id is a live key (rzp_live_)';
  return undefined;
}

/** GET /orders?count=1: authenticated, read-only, one row. */
async function probe(ctx: RazorpayContext): Promise<number> {
  const list = await razorpay<Collection<unknown>>(ctx, { path: '/orders', query: { count: 1 } });
  return list.count;
}

export async function health(ctx: RazorpayContext): Promise<HealthResult> {
  try {
    await probe(ctx);
    const mismatch = modeMismatch(ctx);
    return mismatch ? { status: 'degraded', message: `key pair accepted, but ${mismatch}` } : { status: 'healthy', message: 'key pair accepted' };
  } catch (err) {
    if (err instanceof IntegrationError) return { status: 'unhealthy', message: `${err.category}: ${err.message}` };
    throw err;
  }
}

export async function selfTest(ctx: RazorpayContext): Promise<string> {
  await probe(ctx);
  const mismatch = modeMismatch(ctx);
  return `GET ${ctx.http.baseUrl}/orders accepted key ${ctx.config.keyId}${mismatch ? `; warning: ${mismatch}` : ''}`;
}
