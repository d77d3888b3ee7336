import { z } from 'zod';
import { defineOperation, type AdapterContext } from '../../../src/core/adapter.js';
import { IntegrationError } from '../../../src/core/errors.js';
import { waNumber, type WhatsappConfig } from '../config.js';
import { graphRequest, phonePath } from '../api.js';
import { graphError } from '../errors.js';
import { saveSend } from '../ledger.js';

const template = z.object({
  name: z.string().min(1).describe('Approved template name'),
  language: z.string().min(2).default('en_US').describe('Template language code, e.g. en_US'),
  /** Header/body/button parameters, passed through as Graph expects them. */
  components: z.array(z.record(z.string(), z.unknown())).optional(),
});

export const sendInput = z
  .object({
    to: waNumber,
    text: z.string().min(1).max(4096, 'WhatsApp text bodies are at most 4096 characters').optional(),
    previewUrl: z.boolean().optional().describe('Render a preview of the first URL in text'),
    template: template.optional().describe('Send an approved template (needed outside the 24-hour customer service window)'),
    replyTo: z.string().startsWith('wamid.').optional().describe('wamid of the message this one answers'),
    reference: z.string().trim().min(1).max(128).optional().describe('Your id for this message, for query; defaults to the idempotency key'),
  })
  .refine((v) => (v.text === undefined) !== (v.template === undefined), { message: 'give exactly one of text or template', path: ['text'] });

interface SendResponse {
  // WhatsApp-Nodejs-SDK MessagesResponseObject (providers.md §6); no OpenAPI is published. Only messages[0].id
  // is required; contacts and message_status (whatsapp-api-js: optional) are read when present.
  contacts?: { input?: string; wa_id?: string }[];
  messages?: { id?: string; message_status?: string }[];
}

export const send = defineOperation({
  description: 'Send a WhatsApp text or template message; sent/delivered/read/failed arrive as status webhooks',
  input: sendInput,
  output: z.object({
    messageId: z.string(),
    waId: z.string().optional(),
    to: z.string(),
    /** accepted, or held_for_quality_assessment for a template Meta is checking. */
    status: z.string(),
    reference: z.string(),
  }),
  // The Cloud API takes no idempotency key: a resent request is a second message.
  retry: 'unsafe',
  async run(ctx: AdapterContext<WhatsappConfig>, input) {
    const reference = input.reference ?? ctx.idempotencyKey;
    const kind = input.template ? ('template' as const) : ('text' as const);
    const record = { reference, to: input.to, kind, sentAt: ctx.clock.now() };
    await saveSend(ctx, record);
    const message: Record<string, unknown> = { messaging_product: 'whatsapp', recipient_type: 'individual', to: input.to, type: kind };
    if (input.template) {
      message.template = { name: input.template.name, language: { code: input.template.language }, ...(input.template.components ? { components: input.template.components } : {}) };
    } else {
      message.text = { body: input.text, preview_url: input.previewUrl ?? false };
    }
    if (input.replyTo) message.context = { message_id: input.replyTo };
    const res = await graphRequest(ctx, { method: 'POST', path: phonePath(ctx.config, '/messages'), json: message });
    if (res.status !== 200) throw graphError(res, ctx.clock.now(), 'send');
    const body = res.json<SendResponse>();
    const sent = body.messages?.[0];
    if (!sent?.id) throw new IntegrationError('SERVER_ERROR', 'WhatsApp accepted the send but returned no message id', { provider: { status: res.status } });
    const status = sent.message_status ?? 'accepted';
    await saveSend(ctx, { ...record, messageId: sent.id, messageStatus: status });
    const waId = body.contacts?.[0]?.wa_id;
    return { messageId: sent.id, ...(waId ? { waId } : {}), to: input.to, status, reference };
  },
});
