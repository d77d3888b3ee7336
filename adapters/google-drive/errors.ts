import { IntegrationError, type ErrorCategory } from '../../src/core/errors.js';
import { categoryForStatus, parseRetryAfter } from '../../src/http/status-errors.js';
import type { HttpResponse } from '../../src/http/types.js';

/**
 * Google's API errors: `{"error":{"code":403,"message":"…","errors":[{"domain","reason","message","location","locationType"}]}}`
 * (developers.google.com/drive/api/guides/handle-errors). The reason says more
 * than the status: Drive sends rate limits as 403 userRateLimitExceeded.
 */
interface GoogleErrorBody {
  error?: { code?: number; message?: string; status?: string; errors?: { domain?: string; reason?: string; message?: string; location?: string }[] };
}

const BY_REASON: Record<string, ErrorCategory> = {
  userRateLimitExceeded: 'RATE_LIMITED',
  rateLimitExceeded: 'RATE_LIMITED',
  sharingRateLimitExceeded: 'RATE_LIMITED',
  dailyLimitExceeded: 'RATE_LIMITED',
  authError: 'AUTHENTICATION_FAILED',
  insufficientPermissions: 'AUTHENTICATION_FAILED',
  insufficientFilePermissions: 'AUTHENTICATION_FAILED',
  appNotAuthorizedToFile: 'AUTHENTICATION_FAILED',
  domainPolicy: 'AUTHENTICATION_FAILED',
  forbidden: 'AUTHENTICATION_FAILED',
  notFound: 'NOT_FOUND',
  fileNotDownloadable: 'INVALID_REQUEST',
  cannotDownloadAbusiveFile: 'INVALID_REQUEST',
  storageQuotaExceeded: 'INVALID_REQUEST',
  backendError: 'SERVER_ERROR',
  internalError: 'SERVER_ERROR',
};

function readJson(res: HttpResponse): unknown {
  try {
    return JSON.parse(res.text());
  } catch {
    return undefined;
  }
}

export function driveError(res: HttpResponse, now: number, action: string): IntegrationError {
  const body = (readJson(res) ?? {}) as GoogleErrorBody;
  const first = body.error?.errors?.[0];
  const reason = first?.reason ?? body.error?.status;
  const message = body.error?.message ?? first?.message ?? (res.text().trim().slice(0, 200) || `HTTP ${res.status}`);
  let category: ErrorCategory = (reason && BY_REASON[reason]) || categoryForStatus(res.status);
  if (res.status === 401) category = 'AUTHENTICATION_FAILED';
  if (res.status === 429) category = 'RATE_LIMITED';
  const field = res.status === 400 && first?.location ? first.location : undefined;
  if (field && category === 'INVALID_REQUEST') category = 'VALIDATION_FAILED';
  return new IntegrationError(category, `Google Drive ${action} failed: ${message}${reason ? ` (${reason})` : ''}`, {
    provider: { status: res.status, ...(reason ? { code: reason } : {}), message, ...(field ? { field } : {}) },
    retryAfterMs: parseRetryAfter(res.headers['retry-after'], now),
  });
}

/** The token endpoint speaks OAuth: `{"error":"invalid_grant","error_description":"Token has been expired or revoked."}`. */
export function tokenError(res: HttpResponse, now: number): IntegrationError {
  const body = (readJson(res) ?? {}) as { error?: unknown; error_description?: string };
  const code = typeof body.error === 'string' ? body.error : undefined;
  const message = body.error_description ?? code ?? (res.text().trim().slice(0, 200) || `HTTP ${res.status}`);
  const category: ErrorCategory =
    code === 'invalid_grant' || code === 'invalid_client' || code === 'unauthorized_client' ? 'AUTHENTICATION_FAILED' : res.status === 400 ? 'INVALID_REQUEST' : categoryForStatus(res.status);
  const hint = code === 'invalid_grant' ? ' (the refresh token was revoked, expired or issued to another client: authorise again)' : '';
  return new IntegrationError(category, `Google token refresh failed: ${message}${code ? ` (${code})` : ''}${hint}`, {
    provider: { status: res.status, ...(code ? { code } : {}), message },
    retryAfterMs: parseRetryAfter(res.headers['retry-after'], now),
  });
}
