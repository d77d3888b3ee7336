import { randomBytes } from 'node:crypto';
import type { TwilioMessage } from './message.js';

/** Twilio-shaped ids: two letters and 32 hex digits. */
export function twilioSid(prefix: 'AC' | 'SM' | 'MG' | 'PN'): string {
  return prefix + randomBytes(16).toString('hex');
}

/** RFC 2822 the way Twilio writes it: "Thu, 01 Jan 2026 00:00:00 +0000". */
export function rfc2822(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}

// The GSM 03.38 basic set and its extension table (the latter count twice).
const GSM_BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENDED = '^{}\\[~]|€\f';

/** Segments an SMS body takes: 160/153 GSM-7 septets, or 70/67 UCS-2 characters. */
export function segmentCount(body: string): number {
  let septets = 0;
  let gsm = true;
  for (const ch of body) {
    if (GSM_BASIC.includes(ch)) septets += 1;
    else if (GSM_EXTENDED.includes(ch)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) return septets <= 160 ? 1 : Math.ceil(septets / 153);
  const units = [...body].reduce((n, ch) => n + (ch.codePointAt(0)! > 0xffff ? 2 : 1), 0);
  return units <= 70 ? 1 : Math.ceil(units / 67);
}

export interface TwilioErrorReply {
  status: number;
  body: { code: number; message: string; more_info: string; status: number; detail?: string };
}

export function twilioFailure(status: number, code: number, message: string, detail?: string): TwilioErrorReply {
  return { status, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status, ...(detail ? { detail } : {}) } };
}

const E164 = /^\+[1-9]\d{6,14}$/;

/** What Twilio says about a Messages create request, in its own words; undefined when it is acceptable. */
export function createProblem(params: URLSearchParams, owned: { numbers: string[]; messagingServiceSid: string }): TwilioErrorReply | undefined {
  const to = params.get('To');
  const from = params.get('From');
  const service = params.get('MessagingServiceSid');
  const body = params.get('Body');
  const callback = params.get('StatusCallback');
  if (!to) return twilioFailure(400, 21604, "A 'To' phone number is required.");
  if (!E164.test(to)) return twilioFailure(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
  if (!from && !service) return twilioFailure(400, 21603, "A 'From' phone number is required.");
  if (service && service !== owned.messagingServiceSid) return twilioFailure(400, 21701, `The Messaging Service Sid ${service} is invalid.`);
  if (from && !owned.numbers.includes(from) && !/^[A-Za-z][A-Za-z0-9 ]{0,10}$/.test(from)) {
    return twilioFailure(400, 21606, `The From phone number ${from} is not a valid, SMS-capable inbound phone number or short code for your account.`);
  }
  if (!body && params.getAll('MediaUrl').length === 0) return twilioFailure(400, 21602, 'Message body is required.');
  if (body && [...body].length > 1600) return twilioFailure(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
  if (callback && !/^https?:\/\/[^\s/]+/.test(callback)) return twilioFailure(400, 21609, `The StatusCallback URL ${callback} is not a valid URL.`);
  return undefined;
}

export function messageResource(accountSid: string, fields: Omit<TwilioMessage, 'account_sid'> & { sid: string }): Record<string, unknown> {
  const uri = `/2010-04-01/Accounts/${accountSid}/Messages/${fields.sid}.json`;
  return {
    account_sid: accountSid,
    api_version: '2010-04-01',
    direction: 'outbound-api',
    num_media: '0',
    price: null,
    price_unit: 'USD',
    error_code: null,
    error_message: null,
    date_sent: null,
    messaging_service_sid: null,
    ...fields,
    uri,
    subresource_uris: { media: uri.replace(/\.json$/, '/Media.json') },
  };
}
