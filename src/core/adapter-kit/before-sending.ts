import { IntegrationError } from '../errors.js';

/**
 * For a read an operation makes before its own request (a token, a lookup
 * of what to refund): the same failure, marked as having happened before
 * anything was sent, so the executor may retry even an unsafe operation.
 * Use as `.catch(beforeSending)`.
 */
export function beforeSending(err: unknown): never {
  if (err instanceof IntegrationError && err.requestSent) {
    throw new IntegrationError(err.category, err.message, {
      provider: err.provider,
      retryAfterMs: err.retryAfterMs,
      requestSent: false,
      issues: err.issues,
      details: err.details,
      cause: err,
    });
  }
  throw err;
}
