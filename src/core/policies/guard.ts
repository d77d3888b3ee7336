import type { ResolvedIntegration } from '../../config/types.js';
import type { Clock } from '../clock.js';
import { IntegrationError } from '../errors.js';
import type { ExecutionGuard } from '../executor.js';
import type { CircuitRepo, RateLimitRepo } from '../../store/queue-types.js';
import { admit, pause, recordResult, type Admission, type CallResult } from './circuit-breaker.js';
import { acquireToken } from './rate-limiter.js';

export interface StoreGuardOptions {
  store: { circuits: CircuitRepo; rateLimits: RateLimitRepo };
  clock: Clock;
  /** Identifies this process as the holder of a half-open trial. */
  owner: string;
  /**
   * How long an attempt may wait for a rate-limit token before failing with
   * RATE_LIMITED. Default: the integration's timeout (an interactive `run`
   * should not hang); the drain passes Infinity.
   */
  maxRateWaitMs?: number;
}

/** Which of our own refusals an error is; such errors never reached the provider. */
export type GuardRefusal = 'circuit' | 'pause' | 'rate-limit';

export function guardRefusal(error: IntegrationError): GuardRefusal | undefined {
  const by = error.details?.guard;
  return by === 'circuit' || by === 'pause' || by === 'rate-limit' ? by : undefined;
}

export interface StoreGuard extends ExecutionGuard {
  /**
   * Waits for a rate-limit token ahead of the next attempt of this
   * integration in this process: the drain waits here (and can stop waiting
   * on shutdown) before it hands a job to the executor.
   */
  reserve(integration: ResolvedIntegration, signal?: AbortSignal, maxWaitMs?: number): Promise<void>;
}

/**
 * The store-backed guard the executor consults around every attempt: the
 * circuit breaker and Retry-After pauses (state in the store, so a circuit
 * opened by a drain fails `run` fast in another process), then the shared
 * token bucket.
 */
export function createStoreGuard(options: StoreGuardOptions): StoreGuard {
  const { store, clock, owner } = options;
  /** Tokens taken by reserve() and not yet spent by an attempt, per integration. */
  const credits = new Map<string, number>();

  const trialMs = (integration: ResolvedIntegration) => integration.timeoutMs * 2 + 1_000;

  async function admission(integration: ResolvedIntegration): Promise<{ admission: Admission; tookTrial: boolean }> {
    const now = clock.now();
    const first = admit(await store.circuits.get(integration.name), now, owner, trialMs(integration));
    if (first.verdict !== 'trial') return { admission: first, tookTrial: false };
    // Several processes may see the cool-down end at once; the store decides who makes the trial call.
    let decided: Admission = first;
    await store.circuits.update(integration.name, (current) => {
      const verdict = admit(current, now, owner, trialMs(integration));
      decided = verdict;
      return verdict.verdict === 'trial' ? verdict.next : null;
    });
    const final = decided as Admission;
    return { admission: final, tookTrial: final.verdict === 'trial' };
  }

  async function handBackTrial(integration: ResolvedIntegration): Promise<void> {
    const now = clock.now();
    await store.circuits.update(integration.name, (current) =>
      current?.state === 'half_open' && current.trialOwner === owner ? { ...current, trialOwner: null, trialUntil: now, updatedAt: now } : null,
    );
  }

  return {
    async beforeAttempt(integration, signal) {
      const { admission: verdict, tookTrial } = await admission(integration);
      if (verdict.verdict === 'open') {
        throw new IntegrationError('CIRCUIT_OPEN', `${integration.name}: ${verdict.reason}; retry in ${Math.ceil(verdict.retryAfterMs / 1000)} s`, {
          retryAfterMs: verdict.retryAfterMs,
          requestSent: false,
          details: { guard: 'circuit' },
        });
      }
      if (verdict.verdict === 'paused') {
        throw new IntegrationError('RATE_LIMITED', `${integration.name}: ${verdict.reason}; calls resume in ${Math.ceil(verdict.retryAfterMs / 1000)} s`, {
          retryAfterMs: verdict.retryAfterMs,
          requestSent: false,
          details: { guard: 'pause' },
        });
      }
      if (!integration.rateLimit) return;
      const credit = credits.get(integration.name) ?? 0;
      if (credit > 0) {
        credits.set(integration.name, credit - 1);
        return;
      }
      try {
        await acquireToken(store.rateLimits, integration.name, integration.rateLimit, clock, { signal, maxWaitMs: options.maxRateWaitMs ?? integration.timeoutMs });
      } catch (err) {
        if (tookTrial) await handBackTrial(integration);
        throw err;
      }
    },

    async afterAttempt(integration, outcome) {
      if (!outcome.ok && guardRefusal(outcome.error)) return;
      const now = clock.now();
      if (!outcome.ok && outcome.error.category === 'RATE_LIMITED' && outcome.error.retryAfterMs !== undefined && outcome.error.retryAfterMs > 0) {
        const until = now + outcome.error.retryAfterMs;
        const reason = `paused until ${new Date(until).toISOString()}: the provider answered 429 with Retry-After`;
        if (pause(await store.circuits.get(integration.name), integration.name, now, until, reason)) {
          await store.circuits.update(integration.name, (current) => pause(current, integration.name, now, until, reason));
        }
      }
      const result: CallResult = outcome.ok ? { ok: true } : { ok: false, category: outcome.error.category, message: summarise(outcome.error) };
      // Read first: a success on a healthy circuit changes nothing and costs no write.
      if (!recordResult(await store.circuits.get(integration.name), result, integration.circuit, now, owner, integration.name)) return;
      await store.circuits.update(integration.name, (current) => recordResult(current, result, integration.circuit, now, owner, integration.name));
    },

    async reserve(integration, signal, maxWaitMs = Infinity) {
      if (!integration.rateLimit) return;
      await acquireToken(store.rateLimits, integration.name, integration.rateLimit, clock, { signal, maxWaitMs });
      credits.set(integration.name, (credits.get(integration.name) ?? 0) + 1);
    },
  };
}

/**
 * What the circuit keeps about the failure that opened it: the category and
 * the provider's status and code. Not the message, which may quote a URL or
 * body that carries a credential.
 */
function summarise(error: IntegrationError): string {
  const status = error.provider?.status !== undefined ? ` HTTP ${error.provider.status}` : '';
  const code = error.provider?.code ? ` ${error.provider.code}` : '';
  return `${error.category}${status}${code}`;
}
