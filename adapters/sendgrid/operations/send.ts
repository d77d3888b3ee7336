import { z } from 'zod';
import { defineOperation, type AdapterContext } from '../../../src/core/adapter.js';
import { IntegrationError } from '../../../src/core/errors.js';
import { address, toAddress, type SendgridConfig } from '../config.js';
import { sendgridRequest } from '../api.js';
import { sendgridError } from '../errors.js';
import { saveSend } from '../ledger.js';

/**
 * The custom arg carrying our reference: it comes back on every event of the
 * message. Sent under personalizations[].custom_args, where SendGrid's
 * OpenAPI (sendgrid/sendgrid-oai, POST /v3/mail/send) allows an object; the
 * top-level custom_args is typed there as a string.
 */
export const REFERENCE_ARG = 'integrations_reference';

const recipients = z.union([address, z.array(address).min(1).max(1000)]);

export const sendInput = z
  .object({
    to: recipients,
    cc: recipients.optional(),
    bcc: recipients.optional(),
    subject: z.string().min(1).max(998).optional(),
    text: z.string().min(1).optional(),
    html: z.string().min(1).optional(),
    templateId: z.string().regex(/^d-[0-9a-f]{32}$/, 'must be a dynamic template id (d-…)').optional(),
    dynamicTemplateData: z.record(z.string(), z.unknown()).optional(),
    from: address.optional().describe('Overrides the configured sender'),
    replyTo: address.optional(),
    categories: z.array(z.string().min(1).max(255)).max(10).optional(),
    customArgs: z.record(z.string(), z.string()).optional(),
    reference: z.string().trim().min(1).max(128).optional().describe('Your id for this message: sent as a custom arg, for query and events; defaults to the idempotency key'),
  })
  .refine((v) => v.templateId || v.subject, { message: 'give subject (or a templateId whose template has one)', path: ['subject'] })
  .refine((v) => v.templateId || v.text || v.html, { message: 'give text or html (or a templateId)', path: ['text'] });

const list = (r: z.output<typeof recipients> | undefined) => (r === undefined ? undefined : (Array.isArray(r) ? r : [r]).map(toAddress));

export const send = defineOperation({
  description: 'Send an email through SendGrid v3 Mail Send; delivery arrives by event webhook or query',
  input: sendInput,
  output: z.object({
    /** X-Message-Id; each recipient's sg_message_id begins with it. Absent in sandbox mode. */
    messageId: z.string().optional(),
    status: z.enum(['accepted', 'sandbox']),
    reference: z.string(),
  }),
  // Mail Send takes no idempotency key: a resent request is a second email.
  retry: 'unsafe',
  async run(ctx: AdapterContext<SendgridConfig>, input) {
    const reference = input.reference ?? ctx.idempotencyKey;
    const to = list(input.to)!;
    const record = { reference, to: to[0].email, subject: input.subject, sentAt: ctx.clock.now() };
    await saveSend(ctx, record);
    const content = [
      ...(input.text ? [{ type: 'text/plain', value: input.text }] : []),
      ...(input.html ? [{ type: 'text/html', value: input.html }] : []),
    ];
    const cc = list(input.cc);
    const bcc = list(input.bcc);
    const res = await sendgridRequest(ctx, {
      method: 'POST',
      path: '/v3/mail/send',
      json: {
        personalizations: [
          {
            to,
            ...(cc ? { cc } : {}),
            ...(bcc ? { bcc } : {}),
            ...(input.dynamicTemplateData ? { dynamic_template_data: input.dynamicTemplateData } : {}),
            custom_args: { ...input.customArgs, [REFERENCE_ARG]: reference },
          },
        ],
        from: toAddress(input.from ?? ctx.config.from),
        ...(input.replyTo ? { reply_to: toAddress(input.replyTo) } : {}),
        ...(input.subject ? { subject: input.subject } : {}),
        ...(content.length ? { content } : {}),
        ...(input.templateId ? { template_id: input.templateId } : {}),
        ...(input.categories ? { categories: input.categories } : {}),
        ...(ctx.config.sandboxMode ? { mail_settings: { sandbox_mode: { enable: true } } } : {}),
      },
    });
    if (ctx.config.sandboxMode && res.status === 200) return { status: 'sandbox' as const, reference };
    if (res.status !== 202) throw sendgridError(res, ctx.clock.now(), 'mail send');
    const messageId = res.headers['x-message-id'];
    if (!messageId) throw new IntegrationError('SERVER_ERROR', 'SendGrid accepted the mail but sent no X-Message-Id', { provider: { status: res.status } });
    await saveSend(ctx, { ...record, messageId });
    return { messageId, status: 'accepted' as const, reference };
  },
});
