import { z } from 'zod';
import { defineOperation, type AdapterContext } from '../../../src/core/adapter.js';
import { IntegrationError } from '../../../src/core/errors.js';
import type { TwilioConfig } from '../config.js';
import { accountPath, twilioRequest } from '../api.js';
import { twilioError } from '../errors.js';

/** GET /Accounts/{sid}/Balance.json: `{"account_sid","balance":"12.34","currency":"USD"}` (twilio-node api/v2010/account/balance.ts). */
export async function fetchBalance(ctx: AdapterContext<TwilioConfig>): Promise<{ balance: number; currency: string }> {
  const res = await twilioRequest(ctx, { method: 'GET', path: accountPath(ctx.config, '/Balance.json') });
  if (res.status !== 200) throw twilioError(res, ctx.clock.now(), 'balance');
  const body = res.json<{ balance?: string | number; currency?: string }>();
  const balance = Number(body.balance);
  if (body.balance === undefined || !Number.isFinite(balance) || !body.currency) {
    throw new IntegrationError('SERVER_ERROR', 'Twilio balance answer had no balance or currency', { provider: { status: res.status } });
  }
  return { balance, currency: body.currency };
}

export const balance = defineOperation({
  description: "The account's prepaid balance",
  input: z.object({}),
  output: z.object({ balance: z.number(), currency: z.string() }),
  retry: 'safe',
  run: (ctx: AdapterContext<TwilioConfig>) => fetchBalance(ctx),
});
