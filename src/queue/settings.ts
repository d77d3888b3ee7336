import type { ResolvedIntegration } from '../config/types.js';

/** How queued jobs of an integration are retried; `queue` in an integration's config overrides these. */
export interface QueueRetrySettings {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Each drain attempt makes one provider call (no in-process retries), so the
 * queue's own backoff spaces the attempts: full jitter under a ceiling that
 * doubles from 10 s to 30 min, 8 attempts in all.
 */
export const QUEUE_RETRY_DEFAULTS: QueueRetrySettings = { maxAttempts: 8, baseDelayMs: 10_000, maxDelayMs: 30 * 60_000 };

export function queueRetryFor(integration: ResolvedIntegration | undefined): QueueRetrySettings {
  const own = integration?.queue ?? {};
  return {
    maxAttempts: own.maxAttempts ?? QUEUE_RETRY_DEFAULTS.maxAttempts,
    baseDelayMs: own.baseDelayMs ?? QUEUE_RETRY_DEFAULTS.baseDelayMs,
    maxDelayMs: own.maxDelayMs ?? QUEUE_RETRY_DEFAULTS.maxDelayMs,
  };
}

/** Leases are renewed while held; this long without renewal and the job is due again. */
export const MIN_LEASE_MS = 60_000;
const LEASE_MARGIN_MS = 30_000;

/** Longer than the operation timeout of every integration drained, so a live holder's lease never lapses mid-call. */
export function defaultLeaseMs(integrations: ResolvedIntegration[]): number {
  return Math.max(MIN_LEASE_MS, ...integrations.map((i) => i.timeoutMs + LEASE_MARGIN_MS));
}
