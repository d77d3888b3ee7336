import { IntegrationError, type ErrorCategory } from '../../src/core/errors.js';
import { categoryForStatus, parseRetryAfter } from '../../src/http/status-errors.js';
import type { HttpResponse } from '../../src/http/types.js';

/** `{"errors":[{"field":"…"|null,"message":"…","help":…}]}` (providers.md §7). */
interface SendgridErrorBody {
  errors?: { field?: string | null; message?: string; help?: unknown }[];
}

/**
 * When to try again: Retry-After if SendGrid ever sends one, else the
 * X-RateLimit-Reset every response carries (epoch seconds).
 */
function retryAfterMs(res: HttpResponse, now: number): number | undefined {
  const explicit = parseRetryAfter(res.headers['retry-after'], now);
  if (explicit !== undefined) return explicit;
  const reset = Number(res.headers['x-ratelimit-reset']);
  return res.status === 429 && Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - now) : undefined;
}

export function sendgridError(res: HttpResponse, now: number, action: string): IntegrationError {
  let body: SendgridErrorBody = {};
  try {
    body = JSON.parse(res.text()) as SendgridErrorBody;
  } catch {
    // An empty or HTML body: the status alone decides.
  }
  const errors = Array.isArray(body?.errors) ? body.errors : [];
  const first = errors[0];
  const field = errors.find((e) => e.field)?.field ?? undefined;
  const message = errors.map((e) => e.message).filter(Boolean).join('; ') || res.text().trim().slice(0, 200) || `HTTP ${res.status}`;
  let category: ErrorCategory;
  if (res.status === 401) category = 'AUTHENTICATION_FAILED';
  // 403 with a field is a refusal of the request (an unverified sender), without one a key that may not do this.
  else if (res.status === 403) category = field ? 'INVALID_REQUEST' : 'AUTHENTICATION_FAILED';
  else if (res.status === 400 && field) category = 'VALIDATION_FAILED';
  else category = categoryForStatus(res.status);
  return new IntegrationError(category, `SendGrid ${action} failed: ${message}`, {
    provider: { status: res.status, ...(first?.message ? { message } : {}), ...(field ? { field } : {}) },
    retryAfterMs: retryAfterMs(res, now),
    issues: errors.filter((e) => e.field).map((e) => `${e.field}: ${e.message}`),
    ...(res.headers['x-ratelimit-remaining'] !== undefined ? { details: { rateLimitRemaining: Number(res.headers['x-ratelimit-remaining']) } } : {}),
  });
}
