import { z } from 'zod';
import { defineOperation, type AdapterContext } from '../../../src/core/adapter.js';
import { IntegrationError } from '../../../src/core/errors.js';
import type { WhatsappConfig } from '../config.js';
import { findSend } from '../ledger.js';

/**
 * What is known of a sent message. The Cloud API offers no read of a sent
 * message (no GET /{wamid}; providers.md §6 lists only send and webhooks),
 * and an adapter cannot read the daemon's stored status webhooks. So this
 * answers from the integration's own record of its sends, without a
 * request: `accepted` when WhatsApp answered the send with a wamid,
 * `unknown` when the answer was lost (a timeout: WhatsApp may or may not
 * have taken it, and only a status webhook naming a wamid for this
 * recipient around `sentAt` can tell). Later statuses (delivered, read,
 * failed) are the message.* events of the webhook, not this.
 */
export const query = defineOperation({
  description: 'What this integration knows of a sent message (WhatsApp has no message lookup; later statuses arrive as webhooks)',
  input: z
    .object({
      messageId: z.string().startsWith('wamid.').optional(),
      reference: z.string().trim().min(1).optional().describe("The send's reference (its idempotency key when it had none)"),
    })
    .refine((v) => v.messageId || v.reference, { message: 'give messageId or reference' }),
  output: z.object({
    status: z.enum(['accepted', 'held_for_quality_assessment', 'unknown']),
    reference: z.string(),
    to: z.string(),
    messageId: z.string().optional(),
    /** ISO-8601: when the send left. */
    sentAt: z.string(),
    /** Always "local-record": no request is made, see the note. */
    source: z.literal('local-record'),
    note: z.string(),
  }),
  retry: 'safe',
  async run(ctx: AdapterContext<WhatsappConfig>, input) {
    const record = await findSend(ctx, input);
    if (!record) {
      const which = input.messageId ? `message ${input.messageId}` : `reference "${input.reference}"`;
      throw new IntegrationError('NOT_FOUND', `no WhatsApp send with ${which} was made from integration ${ctx.integration} (or its record expired)`, { requestSent: false });
    }
    const sentAt = new Date(record.sentAt).toISOString();
    const base = { reference: record.reference, to: record.to, sentAt, source: 'local-record' as const };
    if (!record.messageId) {
      return {
        ...base,
        status: 'unknown' as const,
        note: `the send at ${sentAt} got no answer, so whether WhatsApp took it is unknown; a status webhook for ${record.to} after that time names its wamid`,
      };
    }
    const status = record.messageStatus === 'held_for_quality_assessment' ? ('held_for_quality_assessment' as const) : ('accepted' as const);
    return { ...base, status, messageId: record.messageId, note: 'WhatsApp accepted the message; delivered, read and failed arrive as status webhooks (message.* events)' };
  },
});
