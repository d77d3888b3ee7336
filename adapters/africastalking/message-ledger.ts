import { createHash } from 'node:crypto';
import type { AdapterContext } from '../../src/core/adapter.js';
import type { AfricasTalkingConfig } from './config.js';

/**
 * What each send was told, kept in the integration's cache: Africa's
 * Talking offers no per-message status lookup (providers.md §4 lists none;
 * its fetch-messages API returns inbound SMS only), so `query` answers from
 * this record, and delivery outcomes come from delivery-report webhooks.
 */
export interface SentMessage {
  messageId: string;
  number: string;
  status: string;
  statusCode: number;
  cost: string;
  sentAt: number;
}

export interface SendRecord {
  sentAt: number;
  /** false until Africa's Talking answered; stays false when the answer was lost. */
  answered: boolean;
  numbers: string[];
  messageIds: string[];
}

const KEEP_MS = 30 * 24 * 60 * 60 * 1000;

export function sendKey(to: string[], message: string, from: string | undefined): string {
  const digest = createHash('sha256').update(JSON.stringify([[...to].sort(), message, from ?? null])).digest('hex').slice(0, 24);
  return `sms-send:${digest}`;
}

export async function saveSend(ctx: AdapterContext<AfricasTalkingConfig>, key: string, record: SendRecord): Promise<void> {
  await ctx.cache.set(key, record, KEEP_MS);
}

export async function saveMessages(ctx: AdapterContext<AfricasTalkingConfig>, messages: SentMessage[]): Promise<void> {
  for (const m of messages) await ctx.cache.set(`sms:${m.messageId}`, m, KEEP_MS);
}

export async function findSend(ctx: AdapterContext<AfricasTalkingConfig>, key: string): Promise<SendRecord | undefined> {
  return ctx.cache.get<SendRecord>(key);
}

export async function findMessage(ctx: AdapterContext<AfricasTalkingConfig>, messageId: string): Promise<SentMessage | undefined> {
  return ctx.cache.get<SentMessage>(`sms:${messageId}`);
}
