import { IntegrationError, type ErrorCategory } from '../core/errors.js';
import { UsageError } from '../core/usage-error.js';
import { StoreError } from '../store/errors.js';

/** Documented in the README ("Exit codes"); cron and monitoring rely on them. */
export const EXIT = {
  OK: 0,
  /** The operation ran and failed for a reason that will not pass by itself (rejected, not found, auth). */
  FAILED: 1,
  /** Bad flags or arguments, unknown integration or operation, payload not JSON or not matching the schema. */
  USAGE: 2,
  /** Config missing, invalid, or naming an env var that is not set. */
  CONFIG: 3,
  /** Unhealthy or unavailable: health checks failed, integration disabled, circuit open. */
  UNAVAILABLE: 4,
  /** Temporary failure: timeout, network, provider 5xx, rate limited. Try again later. */
  TEMPORARY: 5,
  /** An unsafe operation's outcome is unknown: do not re-run, settle it with `integrations reconcile <log-id>`. */
  OUTCOME_UNKNOWN: 6,
  /** The store is locked, corrupt, newer than this build, or not writable. */
  STORE: 7,
  /** Interrupted by SIGINT/SIGTERM. */
  INTERRUPTED: 130,
} as const;

const BY_CATEGORY: Record<ErrorCategory, number> = {
  AUTHENTICATION_FAILED: EXIT.FAILED,
  INVALID_REQUEST: EXIT.FAILED,
  NOT_FOUND: EXIT.FAILED,
  CONFLICT: EXIT.FAILED,
  SIGNATURE_INVALID: EXIT.FAILED,
  VALIDATION_FAILED: EXIT.USAGE,
  CONFIG_INVALID: EXIT.CONFIG,
  INTEGRATION_DISABLED: EXIT.UNAVAILABLE,
  CIRCUIT_OPEN: EXIT.UNAVAILABLE,
  RATE_LIMITED: EXIT.TEMPORARY,
  SERVER_ERROR: EXIT.TEMPORARY,
  TIMEOUT: EXIT.TEMPORARY,
  NETWORK_ERROR: EXIT.TEMPORARY,
  OUTCOME_UNKNOWN: EXIT.OUTCOME_UNKNOWN,
  INTERRUPTED: EXIT.INTERRUPTED,
};

export function exitCodeForCategory(category: ErrorCategory): number {
  return BY_CATEGORY[category];
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof UsageError) return EXIT.USAGE;
  if (err instanceof StoreError) return EXIT.STORE;
  if (err instanceof IntegrationError) return exitCodeForCategory(err.category);
  return EXIT.FAILED;
}
