import { z } from 'zod';
import { IntegrationError } from '../../src/core/errors.js';

/**
 * The Message resource as Twilio returns it: snake_case, counts as strings,
 * RFC 2822 dates (providers.md §5). twilio/twilio-oai
 * (spec/json/twilio_api_v2010.json, api.v2010.account.message) marks every
 * property nullable; in practice `price` is null until the message is billed,
 * `date_sent` until it leaves, `error_code`/`error_message` unless it failed,
 * `from` while a Messaging Service has not yet picked a sender, and
 * `num_segments` is "0" until then. Only `sid` and `status` are required here:
 * without them the answer names no message.
 */
export interface TwilioMessage {
  sid?: string | null;
  account_sid?: string | null;
  to?: string | null;
  from?: string | null;
  body?: string | null;
  status?: string | null;
  direction?: string | null;
  num_segments?: string | number | null;
  num_media?: string | number;
  price?: string | null;
  price_unit?: string | null;
  error_code?: number | string | null;
  error_message?: string | null;
  messaging_service_sid?: string | null;
  date_created?: string | null;
  date_updated?: string | null;
  date_sent?: string | null;
}

/** Our vocabulary, the same for every SMS provider: where the message is on its way. */
export type Outcome = 'pending' | 'sent' | 'delivered' | 'failed';

const OUTCOMES: Record<string, Outcome> = {
  queued: 'pending',
  accepted: 'pending',
  scheduled: 'pending',
  sending: 'pending',
  sent: 'sent',
  partially_delivered: 'sent',
  delivered: 'delivered',
  read: 'delivered',
  receiving: 'delivered',
  received: 'delivered',
  failed: 'failed',
  undelivered: 'failed',
  canceled: 'failed',
};

export function outcomeOf(status: string): Outcome {
  return OUTCOMES[status] ?? 'pending';
}

export const messageOutput = z.object({
  sid: z.string(),
  /** Twilio's own status, verbatim. */
  status: z.string(),
  outcome: z.enum(['pending', 'sent', 'delivered', 'failed']),
  /** Null only if Twilio answered without it and the send's own `to` is not known (twilio-oai: nullable). */
  to: z.string().nullable(),
  from: z.string().nullable(),
  messagingServiceSid: z.string().optional(),
  numSegments: z.number().int().optional(),
  price: z.string().optional(),
  priceUnit: z.string().optional(),
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
  /** ISO-8601. */
  dateCreated: z.string().optional(),
  dateSent: z.string().optional(),
  reference: z.string().optional(),
});

export type MessageOutput = z.input<typeof messageOutput>;

function iso(rfc2822: string | null | undefined): string | undefined {
  if (!rfc2822) return undefined;
  const ms = Date.parse(rfc2822);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** `known.to`: the recipient we asked for, for an answer that leaves `to` null. */
export function toOutput(m: TwilioMessage, reference?: string, known: { to?: string } = {}): MessageOutput {
  if (!m.sid || !m.status) throw new IntegrationError('SERVER_ERROR', 'Twilio answered without a Message sid or status');
  const segments = m.num_segments === null || m.num_segments === undefined || m.num_segments === '' ? Number.NaN : Number(m.num_segments);
  return {
    sid: m.sid,
    status: m.status,
    outcome: outcomeOf(m.status),
    to: m.to ?? known.to ?? null,
    from: m.from ?? null,
    ...(m.messaging_service_sid ? { messagingServiceSid: m.messaging_service_sid } : {}),
    ...(Number.isInteger(segments) ? { numSegments: segments } : {}),
    ...(m.price ? { price: m.price } : {}),
    ...(m.price_unit ? { priceUnit: m.price_unit } : {}),
    ...(m.error_code !== null && m.error_code !== undefined ? { errorCode: String(m.error_code) } : {}),
    ...(m.error_message ? { errorMessage: m.error_message } : {}),
    ...(iso(m.date_created) ? { dateCreated: iso(m.date_created) } : {}),
    ...(iso(m.date_sent) ? { dateSent: iso(m.date_sent) } : {}),
    ...(reference ? { reference } : {}),
  };
}

/** Created at, in epoch ms, or undefined. */
export function createdAt(m: TwilioMessage): number | undefined {
  const ms = m.date_created ? Date.parse(m.date_created) : NaN;
  return Number.isNaN(ms) ? undefined : ms;
}
