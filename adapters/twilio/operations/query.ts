import { z } from 'zod';
import { defineOperation, type AdapterContext } from '../../../src/core/adapter.js';
import { IntegrationError } from '../../../src/core/errors.js';
import type { TwilioConfig } from '../config.js';
import { accountPath, twilioRequest } from '../api.js';
import { twilioError } from '../errors.js';
import { bodyHash, findSend, saveSend, type SendRecord } from '../ledger.js';
import { createdAt, messageOutput, toOutput, type MessageOutput, type TwilioMessage } from '../message.js';

/** Twilio's clock and ours may disagree; a message created this far either side of our send time is a candidate. */
const CLOCK_SKEW_MS = 5 * 60_000;
/** Twilio lists newest first; a send is reconciled soon after it, so one page is plenty. */
const PAGE_SIZE = 50;

const output = messageOutput.extend({
  /** Other messages that matched the recorded send equally well (same To, From, body and time). */
  candidates: z.array(z.string()).optional(),
});

/** Fetches a Message by SID, or finds the message a send with this reference created. */
export const query = defineOperation({
  description: 'Status of a message, by its SID or by the reference of a send from this integration (reconciles an unknown outcome)',
  input: z
    .object({
      sid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/, 'must be a Message SID (SM… or MM…)').optional(),
      reference: z.string().trim().min(1).optional().describe("The send's reference (its idempotency key when it had none)"),
    })
    .refine((v) => v.sid || v.reference, { message: 'give sid or reference' }),
  output,
  retry: 'safe',
  async run(ctx: AdapterContext<TwilioConfig>, input): Promise<z.input<typeof output>> {
    if (input.sid) return fetchMessage(ctx, input.sid, input.reference);
    const reference = input.reference as string;
    const record = await findSend(ctx, reference);
    if (!record) {
      throw new IntegrationError('NOT_FOUND', `no Twilio send with reference "${reference}" was made from integration ${ctx.integration} (or its record expired)`, { requestSent: false });
    }
    if (record.sid) return fetchMessage(ctx, record.sid, reference);
    return findCreated(ctx, record);
  },
});

async function fetchMessage(ctx: AdapterContext<TwilioConfig>, sid: string, reference?: string): Promise<MessageOutput> {
  const res = await twilioRequest(ctx, { method: 'GET', path: accountPath(ctx.config, `/Messages/${encodeURIComponent(sid)}.json`) });
  if (res.status !== 200) throw twilioError(res, ctx.clock.now(), 'message fetch');
  return toOutput(res.json<TwilioMessage>(), reference);
}

/**
 * The send's answer was lost, so its SID is unknown. Twilio creates the
 * Message while answering the POST, so if the request was processed the
 * message is in the account's list: filter by To (and From when we chose
 * it), keep those created around our send time whose body matches.
 */
async function findCreated(ctx: AdapterContext<TwilioConfig>, record: SendRecord): Promise<z.input<typeof output>> {
  const res = await twilioRequest(ctx, {
    method: 'GET',
    path: accountPath(ctx.config, '/Messages.json'),
    query: { To: record.to, From: record.from, PageSize: PAGE_SIZE },
  });
  if (res.status !== 200) throw twilioError(res, ctx.clock.now(), 'message list');
  const page = res.json<{ messages?: TwilioMessage[] }>();
  const matches = (page.messages ?? [])
    .filter((m) => {
      const at = createdAt(m);
      if (at === undefined || Math.abs(at - record.sentAt) > CLOCK_SKEW_MS) return false;
      if (record.messagingServiceSid && m.messaging_service_sid !== record.messagingServiceSid) return false;
      // A body Twilio left null (nullable in twilio-oai) cannot be compared: it counts neither for nor against.
      return record.bodySha256 === undefined || m.body === null || m.body === undefined || bodyHash(m.body) === record.bodySha256;
    })
    .sort((a, b) => Math.abs((createdAt(a) ?? 0) - record.sentAt) - Math.abs((createdAt(b) ?? 0) - record.sentAt));
  if (matches.length === 0) {
    throw new IntegrationError(
      'NOT_FOUND',
      `Twilio has no message to ${record.to} created around ${new Date(record.sentAt).toISOString()} matching send "${record.reference}": Twilio did not process that request (a request still in flight there would appear here once processed)`,
      { details: { reference: record.reference } },
    );
  }
  const found = toOutput(matches[0], record.reference, { to: record.to });
  await saveSend(ctx, { ...record, sid: found.sid });
  return { ...found, ...(matches.length > 1 ? { candidates: matches.slice(1).map((m) => m.sid as string) } : {}) };
}
