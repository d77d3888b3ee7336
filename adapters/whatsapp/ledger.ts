import type { AdapterContext } from '../../src/core/adapter.js';
import type { WhatsappConfig } from './config.js';

/**
 * What this integration sent, by reference and by wamid. The Cloud API has
 * no endpoint that reads a sent message back (delivery, read and failure
 * arrive only as status webhooks), so this record is all `query` can
 * consult: whether the send was answered with a wamid, or its answer was
 * lost.
 */
export interface SendRecord {
  reference: string;
  to: string;
  kind: 'text' | 'template';
  sentAt: number;
  messageId?: string;
  /** accepted | held_for_quality_assessment, as the send's answer said. */
  messageStatus?: string;
}

/** Meta's conversation window is 24 h and webhooks are retried for days; a week covers reconciling. */
const KEEP_MS = 7 * 24 * 60 * 60 * 1000;

const byReference = (reference: string) => `wa-send:${reference}`;
const byMessageId = (id: string) => `wa-message:${id}`;

export async function saveSend(ctx: AdapterContext<WhatsappConfig>, record: SendRecord): Promise<void> {
  await ctx.cache.set(byReference(record.reference), record, KEEP_MS);
  if (record.messageId) await ctx.cache.set(byMessageId(record.messageId), record.reference, KEEP_MS);
}

export async function findSend(ctx: AdapterContext<WhatsappConfig>, by: { reference?: string; messageId?: string }): Promise<SendRecord | undefined> {
  const reference = by.reference ?? (by.messageId ? await ctx.cache.get<string>(byMessageId(by.messageId)) : undefined);
  return reference ? ctx.cache.get<SendRecord>(byReference(reference)) : undefined;
}
