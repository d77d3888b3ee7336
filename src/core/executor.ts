import { createHash, randomUUID } from 'node:crypto';
import type { AdapterDefinition, Logger, OperationDefinition } from './adapter.js';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import type { LoadedConfig, ResolvedIntegration } from '../config/types.js';
import { configuredNames, findIntegration } from '../config/lookup.js';
import type { Store } from '../store/types.js';
import type { HttpClient } from '../http/types.js';
import { StoreError } from '../store/errors.js';
import type { AdapterRegistry } from './registry.js';
import { IntegrationError, toIntegrationError } from './errors.js';
import { UsageError } from './usage-error.js';
import { canonicalJson } from './canonical-json.js';
import { NestingError } from './nesting.js';
import { backoffDelay } from './backoff.js';
import { classifyOutcome, mayRetry } from './retry-safety.js';
import { buildContext } from './context.js';
import { redact, scrub } from './redact.js';
import { secretPaths } from './fields.js';
import { SecretSet } from './secret-set.js';

/**
 * Shared resilience state consulted around every attempt (circuit breaker,
 * rate limit, Retry-After pauses). Issue 3 supplies the store-backed one.
 */
export interface ExecutionGuard {
  /** Throws CIRCUIT_OPEN / RATE_LIMITED, or waits for a token. */
  beforeAttempt(integration: ResolvedIntegration, signal: AbortSignal): Promise<void>;
  afterAttempt(integration: ResolvedIntegration, outcome: { ok: true } | { ok: false; error: IntegrationError }): Promise<void>;
}

export interface ExecutorDeps {
  config: LoadedConfig;
  registry: AdapterRegistry;
  store: Store;
  clock?: Clock;
  random?: () => number;
  guard?: ExecutionGuard;
  log?: Logger;
  /** Identifies this process's idempotency claims. */
  owner?: string;
  /** Replaces the per-integration HTTP client (tests). */
  httpFor?: (integration: ResolvedIntegration) => HttpClient | undefined;
  /** The process's secrets, shared with its loggers: each integration's join it, and so do tokens obtained at run time. */
  secrets?: SecretSet;
}

export interface ExecuteOptions {
  tenant?: string;
  idempotencyKey?: string;
  correlationId?: string;
  signal?: AbortSignal;
  /** What happens while it runs, for a caller to show (the CLI's status line); the executor itself never prints. */
  events?: ExecutionEvents;
}

/** Reported as they happen, in the manner of cockatiel's onRetry/onGiveUp. */
export interface ExecutionEvents {
  /** An attempt begins (1-based). */
  onAttempt?(event: { attempt: number; maxAttempts: number; timeoutMs: number }): void;
  /** An attempt failed and another follows after `delayMs`. */
  onRetry?(event: { attempt: number; maxAttempts: number; delayMs: number; error: IntegrationError }): void;
  /** The last attempt failed: no more follow. */
  onGiveUp?(event: { attempts: number; error: IntegrationError }): void;
}

export interface ExecutionSuccess {
  ok: true;
  integration: string;
  operation: string;
  result: unknown;
  replayed: boolean;
  logId: number | null;
  attempts: number;
  durationMs: number;
  idempotencyKey: string;
}

export interface ExecutionFailure {
  ok: false;
  integration: string;
  operation: string;
  error: IntegrationError;
  logId: number | null;
  attempts: number;
  durationMs: number;
  idempotencyKey: string;
}

export type ExecutionOutcome = ExecutionSuccess | ExecutionFailure;

/** Margin added to an operation's time budget before its claim counts as abandoned. */
const STALE_MARGIN_MS = 30_000;

/** The longest Retry-After waited in-process, as a multiple of maxDelayMs; longer ones go back to the caller. */
const RETRY_AFTER_CEILING = 4;

/** SHA-256 of canonical JSON of what makes two calls the same call. */
export function deriveIdempotencyKey(integration: string, operation: string, payload: unknown, tenant?: string): string {
  let canonical: string;
  try {
    canonical = canonicalJson({ integration, operation, payload, tenant: tenant ?? null });
  } catch (error) {
    if (error instanceof NestingError) throw new IntegrationError('VALIDATION_FAILED', `payload for ${integration} ${operation} nests deeper than ${error.limit} levels`, { requestSent: false });
    throw error;
  }
  return createHash('sha256').update(canonical).digest('hex');
}

export interface ResolvedOperation {
  integration: ResolvedIntegration;
  adapter: AdapterDefinition;
  operation: OperationDefinition;
}

/** Finds the integration and operation, or a UsageError listing the valid ones (CONFIG_INVALID for an integration waiting on an unset variable). */
export async function resolveOperation(config: LoadedConfig, registry: AdapterRegistry, integrationName: string, operationName: string): Promise<ResolvedOperation> {
  const integration = findIntegration(config, integrationName);
  if (!integration) {
    const names = configuredNames(config);
    throw new UsageError(`unknown integration "${integrationName}"; configured: ${names.length ? names.join(', ') : '(none)'}`);
  }
  const adapter = await registry.get(integration.adapter);
  if (!adapter) throw new IntegrationError('CONFIG_INVALID', `integration "${integrationName}" uses unknown adapter "${integration.adapter}"`);
  const operation = adapter.operations[operationName];
  if (!operation) {
    throw new UsageError(`unknown operation "${operationName}" for ${integrationName} (${adapter.name}); operations: ${Object.keys(adapter.operations).join(', ')}`);
  }
  return { integration, adapter, operation };
}

/** Walking a zod schema costs tens of microseconds; a declaration never changes, so walk it once. */
const secretPathsBySchema = new WeakMap<object, string[]>();

function cachedSecretPaths(adapter: AdapterDefinition): string[] {
  let paths = secretPathsBySchema.get(adapter.config);
  if (!paths) secretPathsBySchema.set(adapter.config, (paths = secretPaths(adapter.config)));
  return paths;
}

/** Every resolved secret value of an integration, for scrubbing. */
export function integrationSecrets(integration: ResolvedIntegration, adapter: AdapterDefinition): string[] {
  const out: string[] = [];
  for (const path of cachedSecretPaths(adapter)) {
    let v: unknown = integration.config;
    for (const seg of path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[seg] : undefined;
    if (typeof v === 'string') out.push(v);
  }
  for (const s of integration.webhook?.secrets ?? []) out.push(s);
  return out;
}

export function formatIssues(error: { issues: { path: PropertyKey[]; message: string }[] }, prefix: string): string[] {
  return error.issues.map((i) => `${[prefix, ...i.path.map(String)].filter(Boolean).join('.')}: ${i.message}`);
}

export function createExecutor(deps: ExecutorDeps) {
  const clock = deps.clock ?? systemClock;
  const random = deps.random ?? Math.random;
  const owner = deps.owner ?? `${process.pid}:${randomUUID().slice(0, 8)}`;
  const knownSecrets = deps.secrets ?? new SecretSet();

  async function execute(integrationName: string, operationName: string, payload: unknown, options: ExecuteOptions = {}): Promise<ExecutionOutcome> {
    const { integration, adapter, operation } = await resolveOperation(deps.config, deps.registry, integrationName, operationName);
    const started = clock.now();
    const idempotencyKey = options.idempotencyKey ?? deriveIdempotencyKey(integrationName, operationName, payload, options.tenant);
    const correlationId = options.correlationId ?? randomUUID();
    knownSecrets.addAll(integrationSecrets(integration, adapter));
    // Read when redacting, after the attempts: by then it holds the tokens they obtained and the credentials they sent.
    const secrets = knownSecrets;
    const rules = { paths: [...(operation.sensitive ?? []), ...integration.sensitive], values: secrets };
    const base = { integration: integrationName, operation: operationName, idempotencyKey };

    if (!integration.enabled) {
      return { ok: false, ...base, error: new IntegrationError('INTEGRATION_DISABLED', `integration "${integrationName}" is disabled in the config`), logId: null, attempts: 0, durationMs: 0 };
    }
    const parsed = operation.input.safeParse(payload);
    if (!parsed.success) {
      const issues = formatIssues(parsed.error, 'payload');
      const error = new IntegrationError('VALIDATION_FAILED', `invalid payload for ${integrationName} ${operationName}: ${issues.join('; ')}`, { issues, requestSent: false });
      return { ok: false, ...base, error, logId: null, attempts: 0, durationMs: 0 };
    }

    // Every attempt may run to its timeout and every pause may be a Retry-After at the ceiling.
    const { maxAttempts, maxDelayMs } = integration.retry;
    const budget = integration.timeoutMs * maxAttempts + maxDelayMs * RETRY_AFTER_CEILING * Math.max(0, maxAttempts - 1);
    // Reads are idempotent by nature and must see fresh state (a reconcile query
    // repeated must not replay the first answer): only an explicit key dedupes them.
    const dedupe = operation.retry !== 'safe' || options.idempotencyKey !== undefined;
    const claim = !dedupe ? { outcome: 'skipped' as const } : await deps.store.idempotency.claim({
      key: idempotencyKey,
      integration: integrationName,
      operation: operationName,
      owner,
      now: started,
      staleAt: started + budget + STALE_MARGIN_MS,
      expiresAt: started + deps.config.idempotency.ttlMs,
    });
    if (claim.outcome === 'exists') {
      const rec = claim.record;
      if (rec.integration !== integrationName || rec.operation !== operationName) {
        // Replaying another operation's result under this one's name would be a lie.
        const error = new IntegrationError('CONFLICT', `idempotency key ${idempotencyKey} was already used for ${rec.integration} ${rec.operation}; use a new key for ${integrationName} ${operationName}`, {
          requestSent: false,
        });
        return { ok: false, ...base, error, logId: rec.logId, attempts: 0, durationMs: 0 };
      }
      if (rec.state === 'completed') {
        return { ok: true, ...base, result: rec.result === null ? null : JSON.parse(rec.result), replayed: true, logId: rec.logId, attempts: 0, durationMs: 0 };
      }
      const error =
        rec.state === 'unknown'
          ? new IntegrationError('OUTCOME_UNKNOWN', `an earlier run with idempotency key ${idempotencyKey} has an unknown outcome (log ${rec.logId}); it is not run again until that outcome is settled`)
          : new IntegrationError('CONFLICT', `idempotency key ${idempotencyKey} is in flight in another process (${rec.owner}) since ${new Date(rec.claimedAt).toISOString()}`, {
              retryAfterMs: Math.max(0, rec.staleAt - started),
            });
      return { ok: false, ...base, error, logId: rec.logId, attempts: 0, durationMs: 0 };
    }

    let attempts = 0;
    let outcome: { ok: true; result: unknown } | { ok: false; error: IntegrationError };
    const events = options.events;
    for (;;) {
      attempts++;
      events?.onAttempt?.({ attempt: attempts, maxAttempts: integration.retry.maxAttempts, timeoutMs: integration.timeoutMs });
      outcome = await attempt(integration, adapter, operation, parsed.data, { idempotencyKey, correlationId, tenant: options.tenant, signal: options.signal });
      if (outcome.ok) break;
      const error = outcome.error;
      if (attempts >= integration.retry.maxAttempts || !mayRetry(error, operation.retry) || options.signal?.aborted) break;
      const delay = backoffDelay(attempts, integration.retry, random, error.retryAfterMs);
      // A Retry-After longer than we would ever wait in-process goes back to the caller (the queue reschedules).
      if (error.retryAfterMs !== undefined && error.retryAfterMs > integration.retry.maxDelayMs * RETRY_AFTER_CEILING) break;
      deps.log?.debug('retrying', { integration: integrationName, operation: operationName, attempt: attempts, delayMs: delay, category: error.category });
      events?.onRetry?.({ attempt: attempts + 1, maxAttempts: integration.retry.maxAttempts, delayMs: delay, error });
      try {
        await clock.sleep(delay, options.signal);
      } catch {
        break;
      }
    }
    if (!outcome.ok && options.signal?.aborted && outcome.error.category !== 'INTERRUPTED') {
      // Stopped while waiting to try again: the run ends because of the user, not the provider's last answer.
      const last = outcome.error;
      outcome = { ok: false, error: interruption(options.signal, `${integrationName} ${operationName}`, last.requestSent, last) };
    }
    if (!outcome.ok) events?.onGiveUp?.({ attempts, error: outcome.error });

    const durationMs = clock.now() - started;
    // An operation without input has nothing to stringify; the column still wants JSON.
    const requestJson = JSON.stringify(redact(parsed.data, rules)) ?? 'null';
    if (outcome.ok) {
      // What is kept for replays is held to the same rule as the log: no secrets at rest.
      const result = redact(outcome.result, rules);
      const logId = await deps.store.logs.append({
        time: started,
        ...logBase(integration, adapter, operationName, options.tenant, idempotencyKey, correlationId),
        status: 'ok',
        errorCategory: null,
        errorMessage: null,
        attempts,
        durationMs,
        request: requestJson,
        response: JSON.stringify(result) ?? 'null',
      });
      if (dedupe) await deps.store.idempotency.settle({ key: idempotencyKey, owner, state: 'completed', result: JSON.stringify(result ?? null), logId, expiresAt: started + deps.config.idempotency.ttlMs });
      return { ok: true, ...base, result: outcome.result, replayed: false, logId, attempts, durationMs };
    }

    const error = classifyOutcome(outcome.error, operation.retry);
    const message = scrub(error.message, secrets);
    const logId = await deps.store.logs.append({
      time: started,
      ...logBase(integration, adapter, operationName, options.tenant, idempotencyKey, correlationId),
      status: 'failed',
      errorCategory: error.category,
      errorMessage: message,
      attempts,
      durationMs,
      request: requestJson,
      response: error.provider ? JSON.stringify(redact(error.provider, rules)) : null,
    });
    if (dedupe && error.category === 'OUTCOME_UNKNOWN') {
      // Keep the key: running it again blindly could move money twice.
      await deps.store.idempotency.settle({ key: idempotencyKey, owner, state: 'unknown', result: null, logId, expiresAt: started + deps.config.idempotency.ttlMs });
    } else if (dedupe) {
      await deps.store.idempotency.release(idempotencyKey, owner);
    }
    // The caller prints this error (and --json serialises its provider detail): scrub every part of it, not only the message.
    const safe = new IntegrationError(error.category, message, {
      provider: error.provider && redact(error.provider, rules),
      retryAfterMs: error.retryAfterMs,
      requestSent: error.requestSent,
      issues: error.issues.map((issue) => scrub(issue, secrets)),
      details: error.details && redact(error.details, rules),
    });
    return { ok: false, ...base, error: safe, logId, attempts, durationMs };
  }

  async function attempt(
    integration: ResolvedIntegration,
    adapter: AdapterDefinition,
    operation: OperationDefinition,
    input: unknown,
    ids: { idempotencyKey: string; correlationId: string; tenant?: string; signal?: AbortSignal },
  ): Promise<{ ok: true; result: unknown } | { ok: false; error: IntegrationError }> {
    const controller = new AbortController();
    let rejectOnAbort: (reason: unknown) => void = () => {};
    // An adapter that ignores its signal must not hold a Ctrl-C'd run hostage until its timeout.
    const interrupted = new Promise<never>((_, reject) => (rejectOnAbort = reject));
    // Aborted before the call is raced (e.g. while waiting for a rate-limit token): not an unhandled rejection.
    interrupted.catch(() => {});
    const onOuterAbort = () => {
      controller.abort(ids.signal?.reason);
      rejectOnAbort(ids.signal?.reason);
    };
    ids.signal?.addEventListener('abort', onOuterAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    /** From here on the request may have left: an interruption no longer proves it did not. */
    let called = false;
    try {
      if (ids.signal?.aborted) throw ids.signal.reason;
      await deps.guard?.beforeAttempt(integration, controller.signal);
      const ctx = buildContext({
        integration,
        adapter,
        store: deps.store,
        clock,
        baseDir: deps.config.dir,
        idempotencyKey: ids.idempotencyKey,
        correlationId: ids.correlationId,
        tenant: ids.tenant,
        signal: controller.signal,
        log: deps.log,
        http: deps.httpFor?.(integration),
        secrets: knownSecrets,
      });
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const err = new IntegrationError('TIMEOUT', `${integration.name} did not finish within ${integration.timeoutMs} ms`, { requestSent: true });
          controller.abort(err);
          reject(err);
        }, integration.timeoutMs);
      });
      // Checked here, in the same tick as the call: after this line the request may leave.
      if (ids.signal?.aborted) throw ids.signal.reason;
      called = true;
      const raw = await Promise.race([operation.run(ctx, input), timeout, interrupted]);
      const out = operation.output.safeParse(raw);
      if (!out.success) {
        throw new IntegrationError('SERVER_ERROR', `${adapter.name} returned an unexpected ${integration.name} result: ${formatIssues(out.error, 'result').join('; ')}`);
      }
      await deps.guard?.afterAttempt(integration, { ok: true });
      return { ok: true, result: out.data };
    } catch (thrown) {
      // A failure of our own store (the cache, the shared circuit) is not the provider's: never retried, logged or counted as one.
      if (thrown instanceof StoreError) throw thrown;
      const error = ids.signal?.aborted
        ? interruption(ids.signal, `${integration.name}`, called && (!(thrown instanceof IntegrationError) || thrown.requestSent), thrown)
        : toIntegrationError(thrown);
      // Neither our own refusal nor the user's Ctrl-C says anything about the provider's health.
      if (error.category !== 'CIRCUIT_OPEN' && error.category !== 'INTERRUPTED') await deps.guard?.afterAttempt(integration, { ok: false, error });
      return { ok: false, error };
    } finally {
      clearTimeout(timer);
      ids.signal?.removeEventListener('abort', onOuterAbort);
    }
  }

  return { execute, owner };
}

export type Executor = ReturnType<typeof createExecutor>;

/** The user stopped the call (SIGINT/SIGTERM): its own category, keeping whether the request may have left. */
function interruption(signal: AbortSignal, what: string, requestSent: boolean, cause: unknown): IntegrationError {
  const reason = signal.reason instanceof Error ? signal.reason.message : String(signal.reason ?? 'aborted');
  const when = requestSent ? 'before its answer came' : 'before the request was sent';
  return new IntegrationError('INTERRUPTED', `${what} interrupted (${reason}) ${when}`, { requestSent, cause });
}

function logBase(integration: ResolvedIntegration, adapter: AdapterDefinition, operation: string, tenant: string | undefined, idempotencyKey: string, correlationId: string) {
  return { integration: integration.name, adapter: adapter.name, operation, tenant: tenant ?? null, idempotencyKey, correlationId };
}
