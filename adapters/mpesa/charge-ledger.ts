import type { AdapterContext } from '../../src/core/adapter.js';
import type { MpesaConfig } from './config.js';

/**
 * What this integration knows about the STK pushes it sent, by
 * AccountReference. Daraja has no lookup by reference: when a push gets no
 * answer (timeout, dropped connection) its CheckoutRequestID is known only
 * from the callback. Recording the attempt before sending lets `query
 * {reference}` tell "sent, answer lost" apart from "never sent from here".
 */
export interface ChargeRecord {
  reference: string;
  amount: number;
  phone: string;
  sentAt: number;
  checkoutRequestId?: string;
  merchantRequestId?: string;
}

/** Long enough to reconcile any STK push (they expire within minutes). */
const KEEP_MS = 7 * 24 * 60 * 60 * 1000;

const key = (reference: string) => `stk-charge:${reference}`;

/** Saved before the push leaves, and again with Daraja's ids once it answers. */
export async function saveCharge(ctx: AdapterContext<MpesaConfig>, record: ChargeRecord): Promise<void> {
  await ctx.cache.set(key(record.reference), record, KEEP_MS);
}

export async function findCharge(ctx: AdapterContext<MpesaConfig>, reference: string): Promise<ChargeRecord | undefined> {
  return ctx.cache.get<ChargeRecord>(key(reference));
}
