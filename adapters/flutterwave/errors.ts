import type { IntegrationError, ErrorCategory } from '../../src/core/errors.js';
import type { HttpResponse } from '../../src/http/types.js';
import { categoryForStatus, httpError } from '../../src/http/status-errors.js';

/** Flutterwave's error envelope: {"status":"error","message":"…","data":null}. */
interface FlutterwaveErrorBody {
  status?: string;
  message?: string;
  code?: string;
  data?: { code?: string; message?: string } | null;
}

/** "tx_ref is required", "\"customer.email\" must be a valid email": the field the message is about. */
export function fieldFromMessage(message: string): string | undefined {
  const m = /^\s*"?([a-z_][\w.]*)"?\s+(?:is|are|must|should|cannot|can not)\b/i.exec(message);
  return m ? m[1] : undefined;
}

/** Flutterwave answers "No transaction was found for this id" for unknown ids, with a 400 or a 404 depending on the route. */
export function isNotFoundMessage(message: string | undefined): boolean {
  return !!message && /no transaction (was )?found|not found/i.test(message);
}

export function readErrorBody(res: HttpResponse): FlutterwaveErrorBody {
  try {
    const body = JSON.parse(res.text()) as unknown;
    return body && typeof body === 'object' ? (body as FlutterwaveErrorBody) : {};
  } catch {
    return {};
  }
}

/** A non-success Flutterwave answer as an IntegrationError that keeps the provider's own message. */
export function flutterwaveError(res: HttpResponse, now: number): IntegrationError {
  const body = readErrorBody(res);
  const message = body.message ?? body.data?.message ?? (res.text().slice(0, 200) || `HTTP ${res.status}`);
  const code = body.code ?? body.data?.code;
  const field = fieldFromMessage(message);
  let category: ErrorCategory = categoryForStatus(res.status);
  if (res.status === 400 || res.status === 422) {
    if (isNotFoundMessage(message)) category = 'NOT_FOUND';
    else if (field) category = 'VALIDATION_FAILED';
  }
  // Some gateways answer 2xx with status "error"; the body is what counts.
  if (res.status < 400) category = 'INVALID_REQUEST';
  return httpError(res.status, { ...(code ? { code } : {}), message, ...(field ? { field } : {}) }, { retryAfter: res.headers['retry-after'], now, category });
}
