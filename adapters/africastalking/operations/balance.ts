import { z } from 'zod';
import { defineOperation, type AdapterContext } from '../../../src/core/adapter.js';
import { IntegrationError } from '../../../src/core/errors.js';
import type { AfricasTalkingConfig } from '../config.js';
import { atError } from '../errors.js';
import { atRequest } from '../request.js';

interface UserAnswer {
  UserData?: { balance?: string };
  /** The docs' sample spells it this way; their table and older code say UserData. */
  userData?: { balance?: string };
}

const output = z.object({ balance: z.string(), currency: z.string(), amount: z.number() });

export async function readBalance(ctx: AdapterContext<AfricasTalkingConfig>): Promise<z.input<typeof output>> {
  const res = await atRequest(ctx, { method: 'GET', path: '/version1/user', query: { username: ctx.config.username } });
  if (res.status !== 200) throw atError(res, ctx.clock.now(), 'balance');
  const body = res.json<UserAnswer>();
  const balance = (body.UserData ?? body.userData)?.balance;
  // "<ISO currency> <decimal>", e.g. "KES 1785.50"
  const m = typeof balance === 'string' ? /^([A-Z]{3})\s+(-?\d+(?:\.\d+)?)$/.exec(balance.trim()) : null;
  if (!m) throw new IntegrationError('SERVER_ERROR', `Africa's Talking answered an unreadable balance: ${JSON.stringify(balance ?? null)}`, { provider: { status: res.status } });
  return { balance: balance as string, currency: m[1], amount: Number(m[2]) };
}

export const balance = defineOperation({
  description: 'The account balance (airtime credit for SMS)',
  input: z.object({}),
  output,
  retry: 'safe',
  run: (ctx: AdapterContext<AfricasTalkingConfig>) => readBalance(ctx),
});
