import type { IntegrationError, ErrorCategory } from '../../src/core/errors.js';
import type { HttpResponse } from '../../src/http/types.js';
import { categoryForStatus, httpError } from '../../src/http/status-errors.js';

/** {"error":{"code","description","source","step","reason","metadata","field"}} (razorpay.com/docs/api/orders). */
interface RazorpayErrorBody {
  error?: { code?: string; description?: string; source?: string; step?: string; reason?: string; field?: string; metadata?: unknown };
}

export function isNotFound(description: string | undefined): boolean {
  return !!description && /does not exist|not found/i.test(description);
}

export function razorpayError(res: HttpResponse, now: number): IntegrationError {
  let body: RazorpayErrorBody = {};
  try {
    body = JSON.parse(res.text()) as RazorpayErrorBody;
  } catch {
    // not JSON: the status decides
  }
  const e = body?.error ?? {};
  const message = e.description || (res.text().slice(0, 200) || `HTTP ${res.status}`);
  const field = e.field || undefined;
  let category: ErrorCategory = categoryForStatus(res.status);
  if (res.status === 400) {
    if (isNotFound(e.description)) category = 'NOT_FOUND';
    else if (field || e.reason === 'input_validation_failed') category = 'VALIDATION_FAILED';
  }
  return httpError(
    res.status,
    { ...(e.code ? { code: e.code } : {}), message, ...(field ? { field } : {}) },
    { retryAfter: res.headers['retry-after'], now, category },
  );
}
