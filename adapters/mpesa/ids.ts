import { randomBytes, randomInt } from 'node:crypto';
import { darajaTimestamp } from './daraja-time.js';

/**
 * Identifiers shaped like Daraja's, for the simulator and for `webhooks
 * trigger` samples: "29115-34620561-1", "ws_CO_191220191020363925",
 * "RLA0R69NXM", "AG_20191219_00005797af5d7d75f652".
 */
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function merchantRequestId(): string {
  return `${randomInt(1000, 99999)}-${randomInt(1_000_000, 99_999_999)}-1`;
}

export function checkoutRequestId(now: number): string {
  const ts = darajaTimestamp(now); // YYYYMMDDHHmmss; Daraja shows DDMMYYYYHHmmss
  const ddmmyyyy = `${ts.slice(6, 8)}${ts.slice(4, 6)}${ts.slice(0, 4)}`;
  return `ws_CO_${ddmmyyyy}${ts.slice(8)}${randomInt(100_000, 999_999)}`;
}

export function receiptNumber(): string {
  let out = 'S';
  for (let i = 0; i < 9; i++) out += ALNUM[randomInt(ALNUM.length)];
  return out;
}

export function conversationId(now: number): string {
  return `AG_${darajaTimestamp(now).slice(0, 8)}_${randomBytes(10).toString('hex')}`;
}

export function originatorConversationId(): string {
  return `${randomInt(1000, 99999)}-${randomInt(1_000_000, 99_999_999)}-1`;
}
