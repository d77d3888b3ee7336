import { IntegrationError, type ErrorCategory } from '../../src/core/errors.js';
import { categoryForStatus, parseRetryAfter } from '../../src/http/status-errors.js';
import type { HttpResponse } from '../../src/http/types.js';

/**
 * Daraja's error body: `{"requestId","errorCode":"404.001.03","errorMessage":"Invalid Access Token"}`
 * (providers.md §1). Its Apigee gateway answers quota and spike-arrest
 * rejections with `{"fault":{"faultstring","detail":{"errorcode"}}}` instead.
 */
export interface DarajaErrorBody {
  requestId?: string;
  errorCode?: string;
  errorMessage?: string;
  fault?: { faultstring?: string; detail?: { errorcode?: string } };
}

/** Daraja's code for a token it does not accept (expired, revoked, or from another app). */
export const INVALID_TOKEN_CODE = '404.001.03';

export function readErrorBody(res: HttpResponse): DarajaErrorBody {
  try {
    const parsed = JSON.parse(res.text()) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as DarajaErrorBody) : {};
  } catch {
    return {};
  }
}

/** Daraja refused the bearer token: worth exactly one fresh token. */
export function isTokenRejected(res: HttpResponse): boolean {
  return res.status === 401 || readErrorBody(res).errorCode === INVALID_TOKEN_CODE;
}

/**
 * The IntegrationError for a Daraja non-2xx answer, keeping its errorCode and
 * errorMessage. "Bad Request - Invalid PhoneNumber" names the field at fault.
 * `action` is ours ("STK push"); nothing from the request goes into the
 * message, so the Password and tokens cannot leak through it.
 */
export function darajaError(res: HttpResponse, now: number, action: string): IntegrationError {
  const body = readErrorBody(res);
  const code = body.errorCode ?? body.fault?.detail?.errorcode;
  const providerMessage = body.errorMessage ?? body.fault?.faultstring ?? (res.text().trim().slice(0, 200) || `HTTP ${res.status}`);
  const field = res.status === 400 ? /\bInvalid\s+([A-Za-z]+)\s*$/.exec(providerMessage)?.[1] : undefined;
  let category: ErrorCategory;
  if (res.status === 401 || res.status === 403 || code === INVALID_TOKEN_CODE || code?.startsWith('400.008.')) category = 'AUTHENTICATION_FAILED';
  else if (res.status === 400 && field) category = 'VALIDATION_FAILED';
  else category = categoryForStatus(res.status);
  return new IntegrationError(category, `M-Pesa ${action} failed: ${providerMessage}${code ? ` (${code})` : ''}`, {
    provider: { status: res.status, ...(code ? { code } : {}), message: providerMessage, ...(field ? { field } : {}) },
    retryAfterMs: parseRetryAfter(res.headers['retry-after'], now),
    ...(body.requestId ? { details: { requestId: body.requestId } } : {}),
  });
}
