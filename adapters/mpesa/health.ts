import type { AdapterContext, HealthResult } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import type { MpesaConfig } from './config.js';
import { fetchToken } from './token.js';

/** A fresh token proves the host answers and the consumer key and secret are good; it is cached for the next call. */
export async function mpesaHealth(ctx: AdapterContext<MpesaConfig>): Promise<HealthResult> {
  try {
    const token = await fetchToken(ctx);
    return { status: 'healthy', message: `Daraja issued an access token valid for ${token.expiresInSeconds} s` };
  } catch (err) {
    if (err instanceof IntegrationError) return { status: 'unhealthy', message: `${err.category}: ${err.message}` };
    throw err;
  }
}

export async function mpesaSelfTest(ctx: AdapterContext<MpesaConfig>): Promise<string> {
  const token = await fetchToken(ctx);
  return `Daraja at ${ctx.http.baseUrl} accepted the consumer key and secret and issued an access token valid for ${token.expiresInSeconds} s`;
}
