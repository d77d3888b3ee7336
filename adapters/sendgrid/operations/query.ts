import { z } from 'zod';
import { defineOperation, type AdapterContext } from '../../../src/core/adapter.js';
import { IntegrationError } from '../../../src/core/errors.js';
import type { SendgridConfig } from '../config.js';
import { sendgridRequest } from '../api.js';
import { sendgridError } from '../errors.js';
import { findSend, saveSend, type SendRecord } from '../ledger.js';

/** A row of GET /v3/messages (the Email Activity Feed API). */
interface ActivityMessage {
  msg_id?: string;
  from_email?: string;
  to_email?: string;
  subject?: string;
  /** processed | delivered | not_delivered */
  status?: string;
  opens_count?: number;
  clicks_count?: number;
  last_event_time?: string;
}

const CLOCK_SKEW_MS = 5 * 60_000;

const OUTCOMES: Record<string, 'pending' | 'delivered' | 'failed'> = { processed: 'pending', delivered: 'delivered', not_delivered: 'failed' };

const output = z.object({
  messageId: z.string(),
  /** SendGrid's own summary, verbatim. */
  status: z.string(),
  outcome: z.enum(['pending', 'delivered', 'failed']),
  recipients: z.array(z.object({ email: z.string(), msgId: z.string(), status: z.string(), opens: z.number().optional(), clicks: z.number().optional(), lastEventTime: z.string().optional() })),
  reference: z.string().optional(),
});

type Out = z.input<typeof output>;

/** Quoted for the Email Activity query language. */
function quoted(value: string): string {
  return value.replace(/["\\]/g, '\\$&');
}

async function activity(ctx: AdapterContext<SendgridConfig>, query: string): Promise<ActivityMessage[]> {
  const res = await sendgridRequest(ctx, { method: 'GET', path: '/v3/messages', query: { limit: 50, query } });
  if (res.status !== 200) throw sendgridError(res, ctx.clock.now(), 'email activity query');
  return res.json<{ messages?: ActivityMessage[] }>().messages ?? [];
}

/** One send is one X-Message-Id and a row per recipient; the worst recipient decides the outcome. */
function summarise(messageId: string, rows: ActivityMessage[], reference?: string): Out {
  const recipients = rows.map((r) => ({
    email: r.to_email ?? '',
    msgId: r.msg_id ?? '',
    status: r.status ?? 'processed',
    ...(r.opens_count !== undefined ? { opens: r.opens_count } : {}),
    ...(r.clicks_count !== undefined ? { clicks: r.clicks_count } : {}),
    ...(r.last_event_time ? { lastEventTime: r.last_event_time } : {}),
  }));
  const outcomes = recipients.map((r) => OUTCOMES[r.status] ?? 'pending');
  const outcome = outcomes.includes('failed') ? 'failed' : outcomes.includes('pending') ? 'pending' : 'delivered';
  const status = recipients.length === 1 ? recipients[0].status : outcome === 'failed' ? 'not_delivered' : outcome === 'pending' ? 'processed' : 'delivered';
  return { messageId, status, outcome, recipients, ...(reference ? { reference } : {}) };
}

/**
 * Status of a sent email from the Email Activity Feed API (GET /v3/messages;
 * it needs SendGrid's paid Email Activity History add-on and an API key with
 * messages.read). By X-Message-Id, the documented `msg_id LIKE '<id>%'`
 * filter; for a send whose answer was lost, its recipient and subject
 * (`to_email="…" AND subject="…"`) around the time it left.
 */
export const query = defineOperation({
  description: 'Delivery status of a sent email (by X-Message-Id, or by the reference of a send from this integration) from the Email Activity API',
  input: z
    .object({
      messageId: z.string().trim().min(1).optional(),
      reference: z.string().trim().min(1).optional().describe("The send's reference (its idempotency key when it had none)"),
    })
    .refine((v) => v.messageId || v.reference, { message: 'give messageId or reference' }),
  output,
  retry: 'safe',
  async run(ctx: AdapterContext<SendgridConfig>, input): Promise<Out> {
    if (input.messageId) return byMessageId(ctx, input.messageId, input.reference);
    const reference = input.reference as string;
    const record = await findSend(ctx, reference);
    if (!record) throw new IntegrationError('NOT_FOUND', `no SendGrid send with reference "${reference}" was made from integration ${ctx.integration} (or its record expired)`, { requestSent: false });
    if (record.messageId) return byMessageId(ctx, record.messageId, reference);
    return byRecipient(ctx, record);
  },
});

async function byMessageId(ctx: AdapterContext<SendgridConfig>, messageId: string, reference?: string): Promise<Out> {
  const rows = (await activity(ctx, `msg_id LIKE '${messageId.replace(/'/g, '')}%'`)).filter((r) => r.msg_id?.startsWith(messageId));
  if (rows.length === 0) throw new IntegrationError('NOT_FOUND', `SendGrid's email activity has no message ${messageId} (yet: activity can lag the send by a minute)`);
  return summarise(messageId, rows, reference);
}

async function byRecipient(ctx: AdapterContext<SendgridConfig>, record: SendRecord): Promise<Out> {
  if (!record.subject) {
    throw new IntegrationError('NOT_FOUND', `send "${record.reference}" got no answer and had no subject (a template send), so SendGrid's activity cannot be searched for it; its events carry custom arg integrations_reference=${record.reference}`);
  }
  const rows = (await activity(ctx, `to_email="${quoted(record.to)}" AND subject="${quoted(record.subject)}"`)).filter((r) => {
    const at = r.last_event_time ? Date.parse(r.last_event_time) : NaN;
    return !Number.isNaN(at) && at >= record.sentAt - CLOCK_SKEW_MS;
  });
  if (rows.length === 0) {
    throw new IntegrationError('NOT_FOUND', `SendGrid's email activity has no message to ${record.to} with that subject since ${new Date(record.sentAt).toISOString()}: it did not take send "${record.reference}" (activity can lag by a minute)`, {
      details: { reference: record.reference },
    });
  }
  // The earliest match is the one that followed our send; later ones are later sends.
  rows.sort((a, b) => Date.parse(a.last_event_time as string) - Date.parse(b.last_event_time as string));
  // Every recipient's msg_id begins with the X-Message-Id, up to the first dot.
  const messageId = (rows[0].msg_id ?? '').split('.')[0];
  const same = rows.filter((r) => r.msg_id?.startsWith(`${messageId}.`));
  await saveSend(ctx, { ...record, messageId });
  return summarise(messageId, same, record.reference);
}
