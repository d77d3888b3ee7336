import type { RetrySafety } from './adapter.js';
import { IntegrationError, type ErrorCategory } from './errors.js';

/**
 * May this failure be tried again? Transient failures of safe and keyed
 * operations, yes. An unsafe operation only when the provider provably did
 * nothing: the request never left, or the provider refused it outright
 * (429) or we never called it (open circuit).
 */
export function mayRetry(err: IntegrationError, safety: RetrySafety): boolean {
  if (!err.transient) return false;
  if (safety !== 'unsafe') return true;
  return !err.requestSent || err.category === 'RATE_LIMITED' || err.category === 'CIRCUIT_OPEN';
}

/**
 * An unsafe operation whose request may have reached the provider and got
 * no clear answer (timeout, dropped connection, 5xx) has an unknown outcome:
 * it must be reconciled (the adapter's query, or by hand), never re-sent blindly.
 * An interruption after the request left is no different: the provider may
 * have acted on it.
 */
const AMBIGUOUS: ReadonlySet<ErrorCategory> = new Set(['TIMEOUT', 'NETWORK_ERROR', 'SERVER_ERROR', 'INTERRUPTED']);

export function classifyOutcome(err: IntegrationError, safety: RetrySafety): IntegrationError {
  if (safety !== 'unsafe' || !err.requestSent) return err;
  if (!AMBIGUOUS.has(err.category)) return err;
  return new IntegrationError('OUTCOME_UNKNOWN', `outcome unknown: ${err.message}; not re-sent (unsafe operation)`, {
    provider: err.provider,
    requestSent: true,
    cause: err,
  });
}
