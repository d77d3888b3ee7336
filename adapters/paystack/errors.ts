import type { IntegrationError, ErrorCategory } from '../../src/core/errors.js';
import type { HttpResponse } from '../../src/http/types.js';
import { categoryForStatus, httpError } from '../../src/http/status-errors.js';

/** {"status":false,"message":"…"} (providers.md §11, UNCONFIRMED); newer answers add `type` and `code`. */
export interface PaystackErrorBody {
  status?: boolean;
  message?: string;
  type?: string;
  code?: string;
}

export function fieldFromMessage(message: string): string | undefined {
  const m = /^\s*"?([a-z_][\w.]*)"?\s+(?:is|are|must|should|cannot|can not)\b/i.exec(message);
  return m ? m[1].toLowerCase() : undefined;
}

export function isNotFound(message: string | undefined): boolean {
  return !!message && /not found/i.test(message);
}

export function paystackError(res: HttpResponse, now: number): IntegrationError {
  let body: PaystackErrorBody = {};
  try {
    body = (JSON.parse(res.text()) as PaystackErrorBody) ?? {};
  } catch {
    // not JSON: the status decides
  }
  const message = body.message || (res.text().slice(0, 200) || `HTTP ${res.status}`);
  const field = fieldFromMessage(message);
  let category: ErrorCategory = categoryForStatus(res.status);
  if (res.status === 400 || res.status === 422) {
    if (isNotFound(message)) category = 'NOT_FOUND';
    else if (/duplicate/i.test(message)) category = 'CONFLICT';
    else if (field || body.type === 'validation_error') category = 'VALIDATION_FAILED';
  }
  if (res.status < 300) category = 'INVALID_REQUEST';
  return httpError(res.status, { ...(body.code ? { code: body.code } : {}), message, ...(field ? { field } : {}) }, { retryAfter: res.headers['retry-after'], now, category });
}
