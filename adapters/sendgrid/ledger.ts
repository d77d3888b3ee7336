import type { AdapterContext } from '../../src/core/adapter.js';
import type { SendgridConfig } from './config.js';

/**
 * What this integration sent, by reference. A send whose answer is lost has
 * no X-Message-Id; the Email Activity API can still find it by recipient and
 * subject, so those are kept with the time it left.
 */
export interface SendRecord {
  reference: string;
  to: string;
  subject?: string;
  sentAt: number;
  messageId?: string;
}

const KEEP_MS = 7 * 24 * 60 * 60 * 1000;
const key = (reference: string) => `sendgrid-send:${reference}`;

export async function saveSend(ctx: AdapterContext<SendgridConfig>, record: SendRecord): Promise<void> {
  await ctx.cache.set(key(record.reference), record, KEEP_MS);
}

export async function findSend(ctx: AdapterContext<SendgridConfig>, reference: string): Promise<SendRecord | undefined> {
  return ctx.cache.get<SendRecord>(key(reference));
}
