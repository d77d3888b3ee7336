import { IntegrationError, type ErrorCategory, type ProviderDetail } from '../core/errors.js';

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The category an HTTP status means when a provider says nothing more specific. */
export function categoryForStatus(status: number): ErrorCategory {
  if (status === 401 || status === 403) return 'AUTHENTICATION_FAILED';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 408 || status === 504) return 'TIMEOUT';
  if (status >= 500) return 'SERVER_ERROR';
  return 'INVALID_REQUEST';
}

/**
 * The error for a provider's non-2xx answer, keeping its own code and
 * message. Adapters parse their provider's error body and pass what it said.
 */
export function httpError(
  status: number,
  provider: Omit<ProviderDetail, 'status'>,
  options: { retryAfter?: string; now?: number; category?: ErrorCategory; message?: string } = {},
): IntegrationError {
  const category = options.category ?? categoryForStatus(status);
  const text = options.message ?? provider.message ?? `HTTP ${status}`;
  return new IntegrationError(category, `${text}${provider.code ? ` (${provider.code})` : ''}`, {
    provider: { status, ...provider },
    retryAfterMs: parseRetryAfter(options.retryAfter, options.now ?? Date.now()),
  });
}
