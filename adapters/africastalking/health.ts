import type { AdapterContext, HealthResult } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import type { AfricasTalkingConfig } from './config.js';
import { readBalance } from './operations/balance.js';

/** Reading the balance proves the host, the username and the key; an empty balance means sends will fail. */
export async function atHealth(ctx: AdapterContext<AfricasTalkingConfig>): Promise<HealthResult> {
  try {
    const b = await readBalance(ctx);
    if (b.amount <= 0) return { status: 'degraded', message: `balance is ${b.balance}: sends will be refused (InsufficientBalance)` };
    return { status: 'healthy', message: `balance ${b.balance}` };
  } catch (err) {
    if (err instanceof IntegrationError) return { status: 'unhealthy', message: `${err.category}: ${err.message}` };
    throw err;
  }
}

export async function atSelfTest(ctx: AdapterContext<AfricasTalkingConfig>): Promise<string> {
  const b = await readBalance(ctx);
  return `Africa's Talking at ${ctx.http.baseUrl} accepted the API key for user "${ctx.config.username}"; balance ${b.balance}`;
}
