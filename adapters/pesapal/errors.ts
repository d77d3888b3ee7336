import { IntegrationError, type ErrorCategory } from '../../src/core/errors.js';
import { categoryForStatus, httpError } from '../../src/http/status-errors.js';

/**
 * Pesapal's error body: {"error":{"error_type","code","message"}, "status":"500"}.
 * The SDK reads `error_type`, the Postman page shows `type` (providers.md §3).
 * HTTP statuses for errors are UNCONFIRMED: failures often come as HTTP 200
 * with a non-"200" `status` string, so both are read.
 */
export interface PesapalErrorBody {
  error?: { error_type?: string; type?: string; code?: string; message?: string } | null;
  status?: string | number;
  message?: string;
}

/** True when a parsed 2xx body still reports a failure. */
export function isErrorBody(body: unknown): boolean {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return false;
  const b = body as PesapalErrorBody;
  if (b.error && typeof b.error === 'object' && (b.error.code || b.error.message || b.error.error_type || b.error.type)) return true;
  return b.status !== undefined && b.status !== null && String(b.status) !== '200';
}

export function fieldFromMessage(message: string): string | undefined {
  const m = /^\s*"?([a-z_][\w.]*)"?\s+(?:is|are|must|should|cannot|can not|exceeds)\b/i.exec(message);
  return m ? m[1] : undefined;
}

const AUTH_CODE = /invalid_(api_credentials|consumer_key|consumer_secret|token|access_token)|token_expired|expired_token|unauthori[sz]ed/i;

export function pesapalError(httpStatus: number, body: PesapalErrorBody, options: { retryAfter?: string; now: number }): IntegrationError {
  const e = body.error ?? {};
  const bodyStatus = Number(body.status);
  const status = httpStatus >= 400 ? httpStatus : Number.isFinite(bodyStatus) && bodyStatus >= 400 ? bodyStatus : 400;
  const type = e.error_type ?? e.type;
  const code = e.code || undefined;
  const message = e.message || body.message || code || `HTTP ${status}`;
  const field = fieldFromMessage(message);
  let category: ErrorCategory;
  if (httpStatus === 401 || httpStatus === 403 || type === 'authentication_error' || (code && AUTH_CODE.test(code))) category = 'AUTHENTICATION_FAILED';
  else if (status === 404 || (code && /not_found/i.test(code))) category = 'NOT_FOUND';
  else if (status === 429) category = 'RATE_LIMITED';
  else if (type === 'validation_error' || (field && status < 500)) category = 'VALIDATION_FAILED';
  else category = categoryForStatus(status);
  return httpError(status, { ...(code ? { code } : {}), message, ...(field ? { field } : {}) }, { retryAfter: options.retryAfter, now: options.now, category });
}
