import type { AdapterContext, HealthResult } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import type { TwilioConfig } from './config.js';
import { accountPath, twilioRequest } from './api.js';
import { twilioError } from './errors.js';
import { fetchBalance } from './operations/balance.js';

interface TwilioAccount {
  sid?: string;
  friendly_name?: string;
  /** active | suspended | closed */
  status?: string;
  /** Trial | Full */
  type?: string;
}

/** GET /Accounts/{sid}.json: proves the credentials and tells whether the account may send. */
async function fetchAccount(ctx: AdapterContext<TwilioConfig>): Promise<TwilioAccount> {
  const res = await twilioRequest(ctx, { method: 'GET', path: accountPath(ctx.config, '.json') });
  if (res.status !== 200) throw twilioError(res, ctx.clock.now(), 'account fetch');
  return res.json<TwilioAccount>();
}

function describe(account: TwilioAccount): string {
  return `account "${account.friendly_name ?? account.sid}" is ${account.status ?? 'of unknown status'}${account.type ? ` (${account.type})` : ''}`;
}

export async function twilioHealth(ctx: AdapterContext<TwilioConfig>): Promise<HealthResult> {
  try {
    const account = await fetchAccount(ctx);
    if (account.status !== 'active') return { status: 'unhealthy', message: `Twilio ${describe(account)}: it cannot send` };
    // A trial account sends only to verified numbers.
    return { status: account.type === 'Trial' ? 'degraded' : 'healthy', message: `Twilio ${describe(account)}` };
  } catch (err) {
    if (err instanceof IntegrationError) return { status: 'unhealthy', message: `${err.category}: ${err.message}` };
    throw err;
  }
}

export async function twilioSelfTest(ctx: AdapterContext<TwilioConfig>): Promise<string> {
  const account = await fetchAccount(ctx);
  const { balance, currency } = await fetchBalance(ctx);
  return `Twilio at ${ctx.http.baseUrl} accepted the credentials: ${describe(account)}, balance ${balance === null ? 'not reported' : `${balance} ${currency ?? ''}`.trim()}`;
}
