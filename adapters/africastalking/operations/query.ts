import { z } from 'zod';
import { defineOperation, type AdapterContext } from '../../../src/core/adapter.js';
import type { AfricasTalkingConfig } from '../config.js';
import { findMessage, findSend, sendKey, type SentMessage } from '../message-ledger.js';
import { isAccepted } from '../recipient-status.js';
import { recipientsSchema } from './fields.js';

const messageSchema = z.object({
  messageId: z.string(),
  number: z.string(),
  status: z.string(),
  statusCode: z.number(),
  cost: z.string(),
  sentAt: z.string(),
});

const output = z.object({
  /** submitted: taken for delivery; failed: refused at send time; unknown: no answer on record. */
  status: z.enum(['submitted', 'failed', 'unknown']),
  messages: z.array(messageSchema),
  note: z.string(),
});

const DELIVERY_NOTE = 'delivery outcomes arrive as delivery-report webhooks (sms.delivered / sms.failed)';

const view = (m: SentMessage) => ({ ...m, sentAt: new Date(m.sentAt).toISOString() });

/**
 * Africa's Talking has no API to ask about one message, so this reads the
 * answer each send received, as recorded by `send` in the integration's
 * cache. It settles whether a send was taken (the reconcile question for
 * an unsafe send); whether the handset got it is the delivery report's job.
 */
export const query = defineOperation({
  description: "What Africa's Talking answered when a message was sent (by messageId, or by the send's to + message)",
  input: z
    .object({
      messageId: z.string().trim().min(1).optional(),
      to: recipientsSchema.optional(),
      message: z.string().min(1).optional(),
      from: z.string().trim().min(1).optional(),
    })
    .refine((v) => v.messageId || (v.to && v.message), { message: 'give messageId, or to and message' }),
  output,
  retry: 'safe',
  async run(ctx: AdapterContext<AfricasTalkingConfig>, input): Promise<z.input<typeof output>> {
    if (input.messageId) {
      const m = await findMessage(ctx, input.messageId);
      if (!m) return { status: 'unknown', messages: [], note: `no send from integration ${ctx.integration} recorded message ${input.messageId} (or its record expired); ${DELIVERY_NOTE}` };
      return { status: isAccepted(m.statusCode) ? 'submitted' : 'failed', messages: [view(m)], note: DELIVERY_NOTE };
    }
    const record = await findSend(ctx, sendKey(input.to as string[], input.message as string, input.from ?? ctx.config.senderId));
    if (!record) return { status: 'unknown', messages: [], note: `no send of this message to these numbers is recorded for integration ${ctx.integration}; ${DELIVERY_NOTE}` };
    if (!record.answered) {
      return {
        status: 'unknown',
        messages: [],
        note: `the send at ${new Date(record.sentAt).toISOString()} got no answer, and Africa's Talking cannot be asked about it afterwards; only a delivery report would show it went out`,
      };
    }
    const messages = (await Promise.all(record.messageIds.map((id) => findMessage(ctx, id)))).filter((m): m is SentMessage => m !== undefined);
    return { status: messages.length ? 'submitted' : 'failed', messages: messages.map(view), note: DELIVERY_NOTE };
  },
});
