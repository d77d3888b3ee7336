import type { HealthResult } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import { pesapal, type PesapalContext } from './api.js';
import { accessToken, tokenSecondsLeft } from './token.js';

/** A fresh token: the cheapest real call, and it proves the credentials and the host. */
export async function health(ctx: PesapalContext): Promise<HealthResult> {
  try {
    await accessToken(ctx, { refresh: true });
    return { status: 'healthy', message: `token issued, valid for ${(await tokenSecondsLeft(ctx)) ?? 0}s` };
  } catch (err) {
    if (err instanceof IntegrationError) return { status: 'unhealthy', message: `${err.category}: ${err.message}` };
    throw err;
  }
}

export async function selfTest(ctx: PesapalContext): Promise<string> {
  await accessToken(ctx, { refresh: true });
  const list = await pesapal<{ url: string }[]>(ctx, { path: '/api/URLSetup/GetIpnList' });
  const count = Array.isArray(list) ? list.length : 0;
  const registered = ctx.config.ipnUrl && Array.isArray(list) && list.some((e) => e.url === ctx.config.ipnUrl);
  return `token issued by ${ctx.http.baseUrl}; ${count} IPN URL(s) registered${ctx.config.ipnUrl ? (registered ? ', including this integration\'s' : '; this integration\'s will be registered on the first charge') : ''}`;
}
