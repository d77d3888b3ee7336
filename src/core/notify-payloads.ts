import type { NotifyKind } from './notify-channels.js';

export interface Notification {
  to: string;
  message: string;
  subject?: string;
}

/**
 * The `send` input of each kind, from the kind alone so that any adapter of
 * that kind can stand in for another (DESIGN.md "Kinds"). The field names
 * follow the adapters that define the kind's send: Africa's Talking's
 * `{ to, message }` for sms, the WhatsApp Cloud API's `{ to, text }` for
 * messaging, `{ to, subject, text }` for email.
 */
const SEND_PAYLOADS: Record<NotifyKind, (n: Notification) => Record<string, unknown>> = {
  sms: ({ to, message }) => ({ to, message }),
  messaging: ({ to, message }) => ({ to, text: message }),
  email: ({ to, message, subject }) => ({ to, subject: subject ?? subjectFrom(message), text: message }),
};

export function sendPayload(kind: NotifyKind, notification: Notification): Record<string, unknown> {
  return SEND_PAYLOADS[kind](notification);
}

/** RFC 5322's recommended line length; a subject longer than that is cut. */
const SUBJECT_MAX = 78;

/**
 * An email needs a subject and a text message has none: without one given,
 * the message's first line stands in, as a mail client's preview would show it.
 */
export function subjectFrom(message: string): string {
  const first = message.split(/\r?\n/).find((line) => line.trim())?.trim() ?? '';
  return first.length <= SUBJECT_MAX ? first : `${first.slice(0, SUBJECT_MAX - 1).trimEnd()}…`;
}

/**
 * A person is reached at a phone number on sms and messaging and at an
 * address on email, so one notification may carry both: each channel takes
 * the first recipient of the form its kind uses.
 */
export function recipientFor(kind: NotifyKind, recipients: readonly string[]): string | undefined {
  const wantsAddress = kind === 'email';
  return recipients.find((r) => isEmailAddress(r) === wantsAddress);
}

function isEmailAddress(value: string): boolean {
  return value.includes('@');
}
