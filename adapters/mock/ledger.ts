import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AdapterContext } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';

/**
 * The mock provider's books, kept in the integration's store-backed cache so
 * a charge made by one process can be queried and refunded by the next.
 * Amounts are handled in hundredths so refunds add up exactly.
 */

const money = z
  .number()
  .positive()
  .refine((n) => Math.abs(Math.round(n * 100) - n * 100) < 1e-6, 'at most two decimal places');

export const chargeInput = z.object({
  amount: money,
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'a three-letter ISO 4217 code')
    .transform((c) => c.toUpperCase()),
  reference: z.string().min(1).max(64),
  phone: z
    .string()
    .regex(/^\+?[0-9]{7,15}$/, 'digits, optionally with a leading +')
    .optional(),
});

export const chargeResult = z.object({
  id: z.string(),
  status: z.literal('succeeded'),
  amount: z.number(),
  currency: z.string(),
  reference: z.string(),
  phone: z.string().optional(),
  createdAt: z.string(),
});

export const chargeRecord = chargeResult.extend({
  status: z.enum(['succeeded', 'partially_refunded', 'refunded']),
  amountRefunded: z.number(),
  refunds: z.array(z.string()),
});

export const refundInput = z.object({ id: z.string().min(1), amount: money.optional() });

export const refundResult = z.object({
  id: z.string(),
  chargeId: z.string(),
  status: z.literal('succeeded'),
  amount: z.number(),
  currency: z.string(),
  createdAt: z.string(),
});

type ChargeInput = z.output<typeof chargeInput>;
type ChargeResult = z.output<typeof chargeResult>;
type ChargeRecord = z.output<typeof chargeRecord>;
type RefundResult = z.output<typeof refundResult>;

const cents = (n: number) => Math.round(n * 100);

/** Like a real provider's idempotency: the same key replays the first answer; the same key with another request is refused. */
async function once<T>(ctx: AdapterContext, operation: string, request: unknown, work: () => Promise<T>): Promise<T> {
  const slot = `idem:${operation}:${ctx.idempotencyKey}`;
  const fingerprint = fingerprintOf(request);
  const seen = await ctx.cache.get<{ fingerprint: string; response: T }>(slot);
  if (seen) {
    if (seen.fingerprint !== fingerprint) {
      throw new IntegrationError('CONFLICT', `mock provider: idempotency key ${ctx.idempotencyKey} was already used for a different ${operation} request`, {
        provider: { status: 409, code: 'idempotency_key_reused' },
      });
    }
    return seen.response;
  }
  const response = await work();
  await ctx.cache.set(slot, { fingerprint, response });
  return response;
}

function fingerprintOf(value: unknown): string {
  const sorted = value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b))) : value;
  return createHash('sha256').update(JSON.stringify(sorted ?? null)).digest('hex');
}

/** Provider ids derive from the idempotency key, so they are stable and distinct per request. */
function idFor(prefix: string, ctx: AdapterContext): string {
  return `${prefix}_${createHash('sha256').update(`${ctx.integration}:${ctx.idempotencyKey}`).digest('hex').slice(0, 24)}`;
}

export async function loadCharge(ctx: AdapterContext, id: string): Promise<ChargeRecord> {
  const charge = await ctx.cache.get<ChargeRecord>(`charge:${id}`);
  if (!charge) throw new IntegrationError('NOT_FOUND', `mock provider: no charge ${id}`, { provider: { status: 404, code: 'resource_missing' } });
  return charge;
}

export function charge(ctx: AdapterContext, input: ChargeInput): Promise<ChargeResult> {
  return once(ctx, 'charge', input, async () => {
    const record: ChargeRecord = {
      id: idFor('ch', ctx),
      status: 'succeeded',
      amount: input.amount,
      currency: input.currency,
      reference: input.reference,
      ...(input.phone ? { phone: input.phone } : {}),
      createdAt: new Date(ctx.clock.now()).toISOString(),
      amountRefunded: 0,
      refunds: [],
    };
    await ctx.cache.set(`charge:${record.id}`, record);
    const { amountRefunded: _r, refunds: _f, ...result } = record;
    return { ...result, status: 'succeeded' as const };
  });
}

export function refund(ctx: AdapterContext, input: z.output<typeof refundInput>): Promise<RefundResult> {
  return once(ctx, 'refund', input, async () => {
    const original = await loadCharge(ctx, input.id);
    const remaining = cents(original.amount) - cents(original.amountRefunded);
    if (remaining <= 0) {
      throw new IntegrationError('INVALID_REQUEST', `mock provider: charge ${original.id} is already fully refunded`, { provider: { status: 400, code: 'charge_already_refunded' } });
    }
    const amount = input.amount === undefined ? remaining : cents(input.amount);
    if (amount > remaining) {
      throw new IntegrationError('INVALID_REQUEST', `mock provider: refund of ${amount / 100} exceeds the ${remaining / 100} ${original.currency} still refundable on ${original.id}`, {
        provider: { status: 400, code: 'amount_too_large', field: 'amount' },
      });
    }
    const result: RefundResult = {
      id: idFor('re', ctx),
      chargeId: original.id,
      status: 'succeeded',
      amount: amount / 100,
      currency: original.currency,
      createdAt: new Date(ctx.clock.now()).toISOString(),
    };
    const refunded = cents(original.amountRefunded) + amount;
    await ctx.cache.set(`charge:${original.id}`, {
      ...original,
      amountRefunded: refunded / 100,
      status: refunded >= cents(original.amount) ? 'refunded' : 'partially_refunded',
      refunds: [...original.refunds, result.id],
    } satisfies ChargeRecord);
    return result;
  });
}
