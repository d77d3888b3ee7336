import { z } from 'zod';
import { defineOperation, type AdapterContext } from '../../../src/core/adapter.js';
import { IntegrationError } from '../../../src/core/errors.js';
import type { TwilioConfig } from '../config.js';
import { accountPath, twilioRequest } from '../api.js';
import { twilioError } from '../errors.js';

/**
 * GET /Accounts/{sid}/Balance.json: `{"account_sid","balance":"12.34","currency":"USD"}`
 * (twilio-node api/v2010/account/balance.ts). twilio-oai (api.v2010.account.balance)
 * marks `balance` and `currency` nullable: a null is reported as null, not as a failure.
 */
export async function fetchBalance(ctx: AdapterContext<TwilioConfig>): Promise<{ balance: number | null; currency: string | null }> {
  const res = await twilioRequest(ctx, { method: 'GET', path: accountPath(ctx.config, '/Balance.json') });
  if (res.status !== 200) throw twilioError(res, ctx.clock.now(), 'balance');
  const body = res.json<{ balance?: string | number | null; currency?: string | null }>();
  const reported = body.balance === null || body.balance === undefined ? null : Number(body.balance);
  if (reported !== null && !Number.isFinite(reported)) {
    throw new IntegrationError('SERVER_ERROR', `Twilio balance answer had a balance that is no number: ${JSON.stringify(body.balance)}`, { provider: { status: res.status } });
  }
  return { balance: reported, currency: body.currency ?? null };
}

export const balance = defineOperation({
  description: "The account's prepaid balance",
  input: z.object({}),
  output: z.object({ balance: z.number().nullable(), currency: z.string().nullable() }),
  retry: 'safe',
  run: (ctx: AdapterContext<TwilioConfig>) => fetchBalance(ctx),
});
