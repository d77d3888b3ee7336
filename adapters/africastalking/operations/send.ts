import { z } from 'zod';
import { defineOperation, type AdapterContext } from '../../../src/core/adapter.js';
import { IntegrationError } from '../../../src/core/errors.js';
import type { AfricasTalkingConfig } from '../config.js';
import { atError } from '../errors.js';
import { atRequest } from '../request.js';
import { RECIPIENT_STATUS, isAccepted, refusedError } from '../recipient-status.js';
import { saveMessages, saveSend, sendKey, type SentMessage } from '../message-ledger.js';
import { recipientsSchema, sentMessageSchema } from './fields.js';

interface SendAnswer {
  SMSMessageData?: {
    Message?: string;
    Recipients?: { statusCode?: number | string; number?: string; status?: string; cost?: string; messageId?: string }[];
  };
}

export const send = defineOperation({
  description: 'Send an SMS to one or more numbers; delivery is reported later by webhook (sms.delivered / sms.failed)',
  input: z.object({
    to: recipientsSchema,
    message: z.string().min(1),
    from: z.string().trim().min(1).optional().describe('Sender ID or short code; default: the config senderId'),
    enqueue: z.boolean().optional().describe('Let Africa’s Talking queue a large batch instead of sending inline'),
  }),
  output: z.object({ summary: z.string(), recipients: z.array(sentMessageSchema) }),
  // No idempotency key exists: a resent request delivers the SMS twice.
  retry: 'unsafe',
  async run(ctx: AdapterContext<AfricasTalkingConfig>, input) {
    const from = input.from ?? ctx.config.senderId;
    const key = sendKey(input.to, input.message, from);
    const sentAt = ctx.clock.now();
    await saveSend(ctx, key, { sentAt, answered: false, numbers: input.to, messageIds: [] });
    const res = await atRequest(ctx, {
      method: 'POST',
      path: '/version1/messaging',
      form: {
        username: ctx.config.username,
        to: input.to.join(','),
        message: input.message,
        from,
        bulkSMSMode: 1,
        enqueue: input.enqueue === undefined ? undefined : input.enqueue ? 1 : 0,
      },
    });
    // Africa's Talking answers a send with 201 Created.
    if (res.status < 200 || res.status >= 300) throw atError(res, ctx.clock.now(), 'SMS send');
    const data = res.json<SendAnswer>().SMSMessageData;
    if (!data) throw new IntegrationError('SERVER_ERROR', "Africa's Talking answered the send without SMSMessageData", { provider: { status: res.status } });
    const recipients = (data.Recipients ?? []).map((r) => {
      const statusCode = Number(r.statusCode);
      const accepted = isAccepted(statusCode);
      return {
        number: String(r.number ?? ''),
        // Refused recipients carry messageId "None".
        ...(accepted && r.messageId && r.messageId !== 'None' ? { messageId: r.messageId } : {}),
        status: r.status ?? RECIPIENT_STATUS[statusCode] ?? 'Unknown',
        statusCode,
        cost: r.cost ?? '0',
        accepted,
      };
    });
    const sent: SentMessage[] = recipients.filter((r) => r.messageId).map((r) => ({ messageId: r.messageId as string, number: r.number, status: r.status, statusCode: r.statusCode, cost: r.cost, sentAt }));
    await saveMessages(ctx, sent);
    await saveSend(ctx, key, { sentAt, answered: true, numbers: input.to, messageIds: sent.map((m) => m.messageId) });
    const summary = data.Message ?? '';
    if (!recipients.length) {
      // e.g. {"Message":"InvalidSenderId","Recipients":[]}
      const invalidSender = /InvalidSenderId/i.test(summary);
      throw new IntegrationError(invalidSender ? 'VALIDATION_FAILED' : 'INVALID_REQUEST', `Africa's Talking sent nothing: ${summary || 'no recipients in the answer'}`, {
        provider: { status: res.status, message: summary, ...(invalidSender ? { code: '402', field: 'from' } : {}) },
        requestSent: false,
      });
    }
    if (!recipients.some((r) => r.accepted)) {
      const first = recipients[0];
      throw refusedError(first.statusCode, first.status, res.status, recipients.length === 1 ? first.number : undefined);
    }
    return { summary, recipients };
  },
});
