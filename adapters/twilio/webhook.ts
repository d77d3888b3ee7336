import { randomBytes } from 'node:crypto';
import type { InboundWebhook, NormalizedEvent, WebhookSection } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import type { TwilioConfig } from './config.js';
import { outcomeOf } from './message.js';

/**
 * Status callbacks: a form-encoded POST per status change carrying
 * MessageSid, MessageStatus, To, From, and ErrorCode on failures (providers.md
 * §5; Twilio may add parameters without notice). The same URL may also be a
 * number's inbound-message webhook: those carry SmsStatus=received and a Body.
 */
function form(req: InboundWebhook): URLSearchParams {
  return new URLSearchParams(req.rawBody.toString('utf8'));
}

const EVENT_BY_OUTCOME = { pending: 'sms.queued', sent: 'sms.sent', delivered: 'sms.delivered', failed: 'sms.failed' } as const;

function eventType(status: string, inbound: boolean): string {
  if (inbound) return 'sms.received';
  if (status === 'read') return 'sms.read';
  return EVENT_BY_OUTCOME[outcomeOf(status)];
}

function optional(params: URLSearchParams, name: string, as: string): Record<string, string> {
  const value = params.get(name);
  return value ? { [as]: value } : {};
}

export const twilioWebhook: WebhookSection<TwilioConfig> = {
  // Secret: the account's auth token (webhook.secrets); the daemon's public URL must be the one Twilio calls.
  verification: { scheme: 'twilio' },
  eventId(req) {
    const params = form(req);
    const sid = params.get('MessageSid') ?? params.get('SmsSid');
    const status = params.get('MessageStatus') ?? params.get('SmsStatus');
    return sid && status ? `${sid}:${status}` : undefined;
  },
  parse(req) {
    const params = form(req);
    const sid = params.get('MessageSid') ?? params.get('SmsSid');
    const messageStatus = params.get('MessageStatus');
    const status = messageStatus ?? params.get('SmsStatus');
    if (!sid || !status) throw new IntegrationError('INVALID_REQUEST', 'not a Twilio message callback: MessageSid and MessageStatus are missing');
    const inbound = !messageStatus && status === 'received';
    const event: NormalizedEvent = {
      type: eventType(status, inbound),
      externalId: sid,
      // Status callbacks carry no event time: the time of receipt is the best there is.
      occurredAt: new Date(req.receivedAt).toISOString(),
      data: {
        sid,
        status,
        ...optional(params, 'To', 'to'),
        ...optional(params, 'From', 'from'),
        ...optional(params, 'AccountSid', 'accountSid'),
        ...optional(params, 'MessagingServiceSid', 'messagingServiceSid'),
        ...optional(params, 'ErrorCode', 'errorCode'),
        ...optional(params, 'ErrorMessage', 'errorMessage'),
        ...(inbound ? optional(params, 'Body', 'body') : {}),
      },
    };
    return [event];
  },
  // Twilio ignores the body of a status callback answer; an empty TwiML response also suits inbound messages.
  acknowledge: { status: 200, contentType: 'text/xml', body: '<?xml version="1.0" encoding="UTF-8"?><Response></Response>' },
  sampleEvents: ['sms.delivered', 'sms.failed', 'sms.sent'],
  sample(eventType, config) {
    const type = eventType ?? 'sms.delivered';
    const status = { 'sms.delivered': 'delivered', 'sms.failed': 'undelivered', 'sms.sent': 'sent' }[type];
    if (!status) throw new IntegrationError('INVALID_REQUEST', `twilio has no sample for "${type}"; samples: sms.delivered, sms.failed, sms.sent`);
    const sid = `SM${randomBytes(16).toString('hex')}`;
    const params = new URLSearchParams({
      SmsSid: sid,
      SmsStatus: status,
      MessageStatus: status,
      To: '+14155550100',
      MessageSid: sid,
      AccountSid: config.accountSid,
      From: config.from ?? '+15005550006',
      ApiVersion: '2010-04-01',
      ...(status === 'undelivered' ? { ErrorCode: '30003' } : {}),
    });
    return { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: params.toString(), eventType: type };
  },
};
