import type { PesapalContext } from './api.js';

/**
 * Pesapal answers status questions by order tracking id only; the id a
 * charge received is remembered under its merchant reference so `query
 * { reference }` works, in this process or any other sharing the store.
 */
const KEEP_MS = 90 * 24 * 3600_000;

const key = (reference: string) => `pesapal:order:${reference}`;

export async function rememberOrder(ctx: PesapalContext, reference: string, orderTrackingId: string): Promise<void> {
  await ctx.cache.set(key(reference), orderTrackingId, KEEP_MS);
}

export function trackingIdFor(ctx: PesapalContext, reference: string): Promise<string | undefined> {
  return ctx.cache.get<string>(key(reference));
}
