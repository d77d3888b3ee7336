import { z } from 'zod';
import { defineOperation, type AdapterContext } from '../../../src/core/adapter.js';
import { mailbox, type Mailbox, type SmtpConfig } from '../config.js';
import { compose } from '../compose.js';
import { SmtpSession } from '../connection.js';

const recipients = z.union([mailbox, z.array(mailbox).min(1).max(500)]);
const list = (r: Mailbox | Mailbox[] | undefined) => (r === undefined ? undefined : Array.isArray(r) ? r : [r]);

export const send = defineOperation({
  description: 'Send an email by SMTP submission (STARTTLS or implicit TLS, AUTH PLAIN/LOGIN)',
  input: z
    .object({
      to: recipients,
      cc: recipients.optional(),
      bcc: recipients.optional(),
      subject: z.string().min(1).max(998),
      text: z.string().min(1).optional(),
      html: z.string().min(1).optional(),
      from: mailbox.optional().describe('Overrides the configured sender'),
      replyTo: mailbox.optional(),
      headers: z.record(z.string().regex(/^X-[A-Za-z0-9-]+$/, 'only X- headers may be added'), z.string()).optional(),
    })
    .refine((v) => v.text || v.html, { message: 'give text or html', path: ['text'] }),
  output: z.object({
    /** The Message-ID header of the message, angle brackets included. */
    messageId: z.string(),
    accepted: z.array(z.string()),
    /** Recipients the server refused while taking the message for the others. */
    rejected: z.array(z.string()),
    /** The server's final reply, e.g. "250 2.0.0 Ok: queued as 4Bq…". */
    response: z.string(),
  }),
  // SMTP has no idempotency key: a message handed over twice is delivered twice.
  retry: 'unsafe',
  checkOutcome: "SMTP cannot be asked afterwards: look the message up in the submission server's log (or ask a recipient) by its subject and time",
  async run(ctx: AdapterContext<SmtpConfig>, input) {
    const { config } = ctx;
    const mail = await compose({
      from: input.from ?? config.from,
      to: list(input.to)!,
      cc: list(input.cc),
      bcc: list(input.bcc),
      replyTo: input.replyTo,
      subject: input.subject,
      text: input.text,
      html: input.html,
      headers: input.headers,
    });
    const session = new SmtpSession(config, ctx.signal);
    try {
      await session.connect();
      if (config.user && config.password) await session.login(config.user, config.password);
      const info = await session.send(mail.envelope, mail.message);
      session.quit();
      return { messageId: mail.messageId, accepted: info.accepted, rejected: info.rejected, response: info.response };
    } finally {
      session.close();
    }
  },
});
