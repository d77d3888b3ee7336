/**
 * One error type for every failure, with a category from DESIGN.md.
 * The CLI maps categories to exit codes (src/cli/exit-codes.ts); the executor
 * and queue decide retries from `transient` and `requestSent`.
 */
export const ERROR_CATEGORIES = [
  'AUTHENTICATION_FAILED',
  'RATE_LIMITED',
  'INVALID_REQUEST',
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'CONFLICT',
  'SERVER_ERROR',
  'TIMEOUT',
  'NETWORK_ERROR',
  'OUTCOME_UNKNOWN',
  'CIRCUIT_OPEN',
  'CONFIG_INVALID',
  'INTEGRATION_DISABLED',
  'SIGNATURE_INVALID',
  // Stopped by the user (Ctrl-C, SIGTERM): says nothing about the provider, so never retried here nor counted against its circuit.
  'INTERRUPTED',
] as const;

export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

const TRANSIENT: ReadonlySet<ErrorCategory> = new Set([
  'RATE_LIMITED',
  'SERVER_ERROR',
  'TIMEOUT',
  'NETWORK_ERROR',
  'CIRCUIT_OPEN',
]);

export function isTransientCategory(category: ErrorCategory): boolean {
  return TRANSIENT.has(category);
}

export interface ProviderDetail {
  /** HTTP status the provider answered with, when there was one. */
  status?: number;
  /** The provider's own error code (e.g. M-Pesa "404.001.03"). */
  code?: string;
  /** The provider's own message, verbatim. */
  message?: string;
  /** The provider's field the error is about, when it names one. */
  field?: string;
}

export interface IntegrationErrorOptions {
  provider?: ProviderDetail;
  /** Milliseconds to wait before trying again, from Retry-After or similar. */
  retryAfterMs?: number;
  /**
   * Whether the request may have reached the provider. `false` only when it
   * provably never left (connection refused, DNS failure): the one case in
   * which an `unsafe` operation may be retried.
   */
  requestSent?: boolean;
  /** Field-level problems, e.g. from schema validation: "payload.amount: Expected number". */
  issues?: string[];
  /** Extra context shown with --verbose. Never holds secrets. */
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class IntegrationError extends Error {
  readonly category: ErrorCategory;
  readonly provider?: ProviderDetail;
  readonly retryAfterMs?: number;
  readonly requestSent: boolean;
  readonly issues: string[];
  readonly details?: Record<string, unknown>;

  constructor(category: ErrorCategory, message: string, options: IntegrationErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'IntegrationError';
    this.category = category;
    this.provider = options.provider;
    this.retryAfterMs = options.retryAfterMs;
    this.requestSent = options.requestSent ?? true;
    this.issues = options.issues ?? [];
    this.details = options.details;
  }

  get transient(): boolean {
    return isTransientCategory(this.category);
  }

  toJSON(): Record<string, unknown> {
    return {
      category: this.category,
      message: this.message,
      retryable: this.transient,
      ...(this.provider ? { provider: this.provider } : {}),
      ...(this.retryAfterMs !== undefined ? { retryAfterMs: this.retryAfterMs } : {}),
      ...(this.issues.length ? { issues: this.issues } : {}),
    };
  }
}

/** Anything thrown becomes an IntegrationError; an unexpected throw (a bug) stays visible as SERVER_ERROR with its message. */
export function toIntegrationError(err: unknown): IntegrationError {
  if (err instanceof IntegrationError) return err;
  if (isIntegrationErrorLike(err)) {
    return new IntegrationError(err.category, err.message, { provider: err.provider, retryAfterMs: err.retryAfterMs });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new IntegrationError('SERVER_ERROR', message, { cause: err });
}

/** Adapters from other packages may carry their own copy of this module. */
function isIntegrationErrorLike(err: unknown): err is IntegrationError {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { name?: unknown }).name === 'IntegrationError' &&
    ERROR_CATEGORIES.includes((err as { category?: ErrorCategory }).category as ErrorCategory)
  );
}
