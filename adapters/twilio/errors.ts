import { IntegrationError, type ErrorCategory } from '../../src/core/errors.js';
import { categoryForStatus, parseRetryAfter } from '../../src/http/status-errors.js';
import type { HttpResponse } from '../../src/http/types.js';

/** Twilio's error body (twilio-node src/base/RestException.ts). */
interface TwilioErrorBody {
  code?: number | string;
  message?: string;
  more_info?: string;
  status?: number;
  detail?: string;
}

/** Codes that name a request parameter the caller got wrong: fixable by changing the input. */
const VALIDATION_FIELDS: Record<string, string> = {
  '21211': 'To', // invalid 'To' number
  '21604': 'To', // 'To' required
  '21602': 'Body', // body required
  '21617': 'Body', // concatenated body over 1600 characters
  '21603': 'From', // 'From' required
  '21212': 'From', // invalid 'From' number
  '21606': 'From', // not an SMS-capable number of this account
  '21609': 'StatusCallback', // invalid callback URL
  '21620': 'MediaUrl', // invalid media URL
  '21701': 'MessagingServiceSid', // unknown messaging service
};

/** Codes about the recipient that no change of input fixes (opted out, region blocked, trial-unverified, not a mobile). */
const RECIPIENT_REFUSALS: Record<string, string> = { '21610': 'To', '21408': 'To', '21608': 'To', '21612': 'To', '21614': 'To' };

/** 20003 "Authenticate", 20005 account not active. */
const AUTH_CODES = new Set(['20003', '20005']);

function readBody(res: HttpResponse): TwilioErrorBody {
  try {
    const parsed = JSON.parse(res.text()) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as TwilioErrorBody) : {};
  } catch {
    return {};
  }
}

/**
 * The IntegrationError for a Twilio non-2xx answer, keeping its code and
 * message. `action` is ours ("send"); request data stays out of the message
 * except what Twilio itself echoed.
 */
export function twilioError(res: HttpResponse, now: number, action: string): IntegrationError {
  const body = readBody(res);
  const code = body.code === undefined || body.code === null ? undefined : String(body.code);
  const message = body.message ?? (res.text().trim().slice(0, 200) || `HTTP ${res.status}`);
  let category: ErrorCategory;
  let field: string | undefined;
  if (res.status === 401 || res.status === 403 || (code && AUTH_CODES.has(code))) category = 'AUTHENTICATION_FAILED';
  else if (res.status === 429 || code === '20429') category = 'RATE_LIMITED';
  else if (code && VALIDATION_FIELDS[code]) {
    category = 'VALIDATION_FAILED';
    field = VALIDATION_FIELDS[code];
  } else if (code && RECIPIENT_REFUSALS[code]) {
    category = 'INVALID_REQUEST';
    field = RECIPIENT_REFUSALS[code];
  } else category = categoryForStatus(res.status);
  return new IntegrationError(category, `Twilio ${action} failed: ${message}${code ? ` (${code})` : ''}`, {
    provider: { status: res.status, ...(code ? { code } : {}), message, ...(field ? { field } : {}) },
    retryAfterMs: parseRetryAfter(res.headers['retry-after'], now),
    ...(body.more_info ? { details: { moreInfo: body.more_info } } : {}),
  });
}
