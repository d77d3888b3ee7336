import MailComposer from 'nodemailer/lib/mail-composer';
import { toNodemailerAddress, type Mailbox } from './config.js';

export interface Composed {
  envelope: { from: string; to: string[] };
  message: Buffer;
  messageId: string;
}

export interface MailInput {
  from: Mailbox;
  to: Mailbox[];
  cc?: Mailbox[];
  bcc?: Mailbox[];
  replyTo?: Mailbox;
  subject: string;
  text?: string;
  html?: string;
  headers?: Record<string, string>;
}

const many = (list: Mailbox[] | undefined) => list?.map(toNodemailerAddress);

/** The RFC 5322 message, its Message-ID and its envelope (Bcc recipients only in the envelope). */
export async function compose(mail: MailInput): Promise<Composed> {
  const node = new MailComposer({
    from: toNodemailerAddress(mail.from),
    to: many(mail.to),
    cc: many(mail.cc),
    bcc: many(mail.bcc),
    ...(mail.replyTo ? { replyTo: toNodemailerAddress(mail.replyTo) } : {}),
    subject: mail.subject,
    ...(mail.text !== undefined ? { text: mail.text } : {}),
    ...(mail.html !== undefined ? { html: mail.html } : {}),
    ...(mail.headers ? { headers: mail.headers } : {}),
  }).compile();
  const envelope = node.getEnvelope();
  return { envelope: { from: envelope.from || '', to: envelope.to }, message: await node.build(), messageId: node.messageId() };
}
