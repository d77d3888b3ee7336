import type { HealthResult } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import { flutterwave, type FlutterwaveContext } from './api.js';

interface Balance {
  currency: string;
  available_balance: number;
}

/** GET /balances: authenticated, read-only, cheap; proves the key and the host. */
async function balances(ctx: FlutterwaveContext): Promise<Balance[]> {
  const res = await flutterwave<Balance[]>(ctx, { path: '/balances' });
  return Array.isArray(res.data) ? res.data : [];
}

export async function health(ctx: FlutterwaveContext): Promise<HealthResult> {
  try {
    const list = await balances(ctx);
    return { status: 'healthy', message: `secret key accepted; ${list.length} wallet balance(s)` };
  } catch (err) {
    if (err instanceof IntegrationError) return { status: 'unhealthy', message: `${err.category}: ${err.message}` };
    throw err;
  }
}

export async function selfTest(ctx: FlutterwaveContext): Promise<string> {
  const list = await balances(ctx);
  const currencies = list.map((b) => b.currency).join(', ') || 'none';
  return `GET ${ctx.http.baseUrl}/balances accepted the secret key; wallets: ${currencies}`;
}
