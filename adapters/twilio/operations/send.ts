import { z } from 'zod';
import { defineOperation, type AdapterContext } from '../../../src/core/adapter.js';
import { IntegrationError } from '../../../src/core/errors.js';
import { e164, sender, type TwilioConfig } from '../config.js';
import { accountPath, twilioRequest } from '../api.js';
import { twilioError } from '../errors.js';
import { bodyHash, saveSend } from '../ledger.js';
import { toOutput, messageOutput, type TwilioMessage } from '../message.js';

export const sendInput = z
  .object({
    to: e164,
    // `message`, as every sms adapter names it (src/core/notify-payloads.ts); Twilio's wire name is Body.
    message: z.string().min(1).max(1600, 'Twilio refuses message bodies over 1600 characters').optional(),
    mediaUrls: z.array(z.url({ protocol: /^https?$/ })).max(10).optional().describe('MMS media, at most 10'),
    from: sender.optional().describe('Overrides the configured sender'),
    messagingServiceSid: z.string().regex(/^MG[0-9a-fA-F]{32}$/).optional(),
    statusCallbackUrl: z.url({ protocol: /^https?$/ }).optional().describe('Overrides the configured status callback URL'),
    reference: z.string().trim().min(1).max(128).optional().describe('Your id for this message, for query when the SID is unknown; defaults to the idempotency key'),
  })
  .refine((v) => v.message || v.mediaUrls?.length, { message: 'give message or mediaUrls', path: ['message'] });

/** Creates a Message (POST /Accounts/{sid}/Messages.json). */
export const send = defineOperation({
  description: 'Send an SMS (or MMS) through Twilio; delivery is reported by status callback or query',
  input: sendInput,
  output: messageOutput.extend({ reference: z.string() }),
  // Twilio's Messages API takes no idempotency key: a resent request is a second message.
  retry: 'unsafe',
  async run(ctx: AdapterContext<TwilioConfig>, input) {
    const { config } = ctx;
    const from = input.from ?? (input.messagingServiceSid ? undefined : config.from);
    const messagingServiceSid = input.messagingServiceSid ?? (from ? undefined : config.messagingServiceSid);
    if (!from && !messagingServiceSid) {
      throw new IntegrationError('VALIDATION_FAILED', 'Twilio needs a sender: give from or messagingServiceSid, in the payload or the integration config', {
        requestSent: false,
        issues: ['payload.from: required when the config has neither from nor messagingServiceSid'],
      });
    }
    const reference = input.reference ?? ctx.idempotencyKey;
    const record = { reference, to: input.to, from, messagingServiceSid, bodySha256: bodyHash(input.message), sentAt: ctx.clock.now() };
    await saveSend(ctx, record);
    const form = new URLSearchParams();
    form.set('To', input.to);
    if (from) form.set('From', from);
    if (messagingServiceSid) form.set('MessagingServiceSid', messagingServiceSid);
    if (input.message) form.set('Body', input.message);
    for (const url of input.mediaUrls ?? []) form.append('MediaUrl', url);
    const callback = input.statusCallbackUrl ?? config.statusCallbackUrl;
    if (callback) form.set('StatusCallback', callback);
    const res = await twilioRequest(ctx, {
      method: 'POST',
      path: accountPath(config, '/Messages.json'),
      // MediaUrl repeats, which HttpRequest.form (a record) cannot express.
      body: form.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    if (res.status !== 201 && res.status !== 200) throw twilioError(res, ctx.clock.now(), 'send');
    const message = res.json<TwilioMessage>();
    const out = toOutput(message, reference, { to: input.to });
    await saveSend(ctx, { ...record, sid: out.sid });
    return { ...out, reference };
  },
});
