import { IntegrationError, type ErrorCategory } from '../../src/core/errors.js';
import { categoryForStatus, parseRetryAfter } from '../../src/http/status-errors.js';
import type { HttpResponse } from '../../src/http/types.js';

/** Graph's error body (providers.md §6). */
interface GraphErrorBody {
  error?: {
    message?: string;
    type?: string;
    code?: number | string;
    error_subcode?: number | string;
    error_data?: { messaging_product?: string; details?: string };
    fbtrace_id?: string;
  };
}

// Graph answers most of these with HTTP 400, so the code decides, not the status.
/** 190 bad or expired token, 102 session, 10 and 200-299 missing permission. */
const AUTH = (code: number) => code === 190 || code === 102 || code === 10 || (code >= 200 && code <= 299);
/** 4 app, 80007 WABA, 130429 throughput, 131056 pair rate (one message per 6 s to a user), 613 call rate. */
const RATE = new Set([4, 613, 80007, 130429, 131056]);
/** 1/2 unknown or temporary, 131000 something went wrong, 131016 service unavailable, 133004 server unavailable. */
const SERVER = new Set([1, 2, 131000, 131016, 133004]);
/** Parameter problems: 100 invalid parameter, 131008 missing, 131009 bad value, 132000 template param count, 132001 no such template, 132012 param format. */
const VALIDATION = new Set([100, 131008, 131009, 132000, 132001, 132012]);
/**
 * The recipient or conversation refuses, whatever the input: 131026
 * undeliverable, 131047 outside the 24 h window, 131049 per-user marketing
 * limit (not worth retrying soon, so not a rate limit), 131030 not in the
 * test allow-list, 131051 unsupported type, 133010 number not registered.
 */
const REFUSED = new Set([131026, 131030, 131047, 131049, 131051, 133010]);

/** "Param text['body'] …" / "The parameter to is required" -> text.body / to. */
function fieldOf(text: string | undefined, code: number): string | undefined {
  if (code === 132001 || code === 132000 || code === 132012) return 'template';
  if (!text) return undefined;
  const m = /\b(?:[Pp]aram(?:eter)?)\s+([A-Za-z_][\w[\]'".]*)/.exec(text);
  return m ? m[1].replace(/\[['"]?([^\]'"]+)['"]?\]/g, '.$1') : undefined;
}

export function graphError(res: HttpResponse, now: number, action: string): IntegrationError {
  let body: GraphErrorBody = {};
  try {
    body = JSON.parse(res.text()) as GraphErrorBody;
  } catch {
    // A proxy's HTML page: the status alone decides.
  }
  const e = body?.error ?? {};
  const code = Number(e.code);
  const subcode = e.error_subcode === undefined ? undefined : String(e.error_subcode);
  const message = e.message ?? (res.text().trim().slice(0, 200) || `HTTP ${res.status}`);
  const details = e.error_data?.details;
  let category: ErrorCategory;
  if (res.status === 401 || res.status === 403 || AUTH(code)) category = 'AUTHENTICATION_FAILED';
  else if (res.status === 429 || RATE.has(code)) category = 'RATE_LIMITED';
  // (#100) subcode 33: the phone number id does not exist (or this token may not see it).
  else if (code === 100 && subcode === '33') category = 'NOT_FOUND';
  else if (SERVER.has(code) || res.status >= 500) category = 'SERVER_ERROR';
  else if (VALIDATION.has(code)) category = 'VALIDATION_FAILED';
  else if (REFUSED.has(code)) category = 'INVALID_REQUEST';
  else category = categoryForStatus(res.status);
  const field = category === 'VALIDATION_FAILED' ? (fieldOf(message, code) ?? fieldOf(details, code)) : code === 131030 ? 'to' : undefined;
  return new IntegrationError(category, `WhatsApp ${action} failed: ${message}${details && details !== message ? ` — ${details}` : ''}`, {
    provider: { status: res.status, ...(Number.isFinite(code) ? { code: String(code) } : {}), message, ...(field ? { field } : {}) },
    retryAfterMs: parseRetryAfter(res.headers['retry-after'], now),
    details: { ...(e.type ? { type: e.type } : {}), ...(subcode ? { subcode } : {}), ...(details ? { errorDetails: details } : {}), ...(e.fbtrace_id ? { fbtraceId: e.fbtrace_id } : {}) },
  });
}
