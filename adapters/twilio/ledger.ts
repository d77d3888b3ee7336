import { createHash } from 'node:crypto';
import type { AdapterContext } from '../../src/core/adapter.js';
import type { TwilioConfig } from './config.js';

/**
 * What this integration sent, by reference. When a send's answer is lost
 * (timeout, dropped connection) its Message SID is unknown; Twilio cannot be
 * asked by our reference, but its message list can be filtered by To and
 * From. The record keeps what is needed to pick the message out of that
 * list: the addresses, the time, and a hash of the body (the body itself
 * may be a one-time code and is not kept at rest).
 */
export interface SendRecord {
  reference: string;
  to: string;
  from?: string;
  messagingServiceSid?: string;
  bodySha256?: string;
  sentAt: number;
  sid?: string;
}

/** Long enough to reconcile anything: Twilio keeps message records far longer. */
const KEEP_MS = 7 * 24 * 60 * 60 * 1000;

const key = (reference: string) => `twilio-send:${reference}`;

export function bodyHash(body: string | undefined): string | undefined {
  return body === undefined ? undefined : createHash('sha256').update(body, 'utf8').digest('hex');
}

export async function saveSend(ctx: AdapterContext<TwilioConfig>, record: SendRecord): Promise<void> {
  await ctx.cache.set(key(record.reference), record, KEEP_MS);
}

export async function findSend(ctx: AdapterContext<TwilioConfig>, reference: string): Promise<SendRecord | undefined> {
  return ctx.cache.get<SendRecord>(key(reference));
}
