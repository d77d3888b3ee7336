import type { RetrySettings } from '../config/types.js';

/**
 * Exponential backoff with full jitter (AWS architecture blog): a uniform
 * delay in [0, min(max, base * 2^(attempt-1))]. Retry-After, when the
 * provider gives one, is honoured instead.
 */
export function backoffDelay(attempt: number, settings: Pick<RetrySettings, 'baseDelayMs' | 'maxDelayMs'>, random: () => number = Math.random, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined && retryAfterMs >= 0) return retryAfterMs;
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}
