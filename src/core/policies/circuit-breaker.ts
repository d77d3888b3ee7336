import type { CircuitSettings } from '../../config/types.js';
import type { ErrorCategory } from '../errors.js';
import type { CircuitRecord } from '../../store/queue-types.js';

/**
 * The breaker as pure transitions over the stored record, so every process
 * applies the same rules to the same shared state (the store runs each
 * transition atomically):
 *
 *   closed --N consecutive failures, or failure ratio over the window--> open
 *   open --cool-down elapsed, next call is the one trial--> half_open
 *   half_open --trial succeeds--> closed;  --trial fails--> open again
 *
 * Only failures that say the provider is unwell count: 5xx, timeouts,
 * network errors, unknown outcomes. A refusal (validation, auth, 4xx) is an
 * answer, so it counts as the provider being up. 429 pauses the integration
 * (Retry-After) instead of tripping the breaker.
 */
const COUNTED: ReadonlySet<ErrorCategory> = new Set(['SERVER_ERROR', 'TIMEOUT', 'NETWORK_ERROR', 'OUTCOME_UNKNOWN']);

export function countsAsFailure(category: ErrorCategory): boolean {
  return COUNTED.has(category);
}

export function closedCircuit(integration: string, now: number): CircuitRecord {
  return {
    integration,
    state: 'closed',
    consecutiveFailures: 0,
    windowStart: now,
    windowCalls: 0,
    windowFailures: 0,
    openedAt: null,
    openUntil: null,
    trialOwner: null,
    trialUntil: null,
    pausedUntil: null,
    pauseReason: null,
    lastError: null,
    updatedAt: now,
  };
}

export type Admission =
  | { verdict: 'allow' }
  /** This caller makes the half-open trial call; the record must be written. */
  | { verdict: 'trial'; next: CircuitRecord }
  | { verdict: 'open'; retryAfterMs: number; reason: string }
  | { verdict: 'paused'; retryAfterMs: number; reason: string };

/** May a call go out now? Pauses win over everything: the provider asked us to wait. */
export function admit(record: CircuitRecord | undefined, now: number, owner: string, trialMs: number): Admission {
  if (!record) return { verdict: 'allow' };
  if (record.pausedUntil !== null && record.pausedUntil > now) {
    return { verdict: 'paused', retryAfterMs: record.pausedUntil - now, reason: record.pauseReason ?? 'paused by the provider (Retry-After)' };
  }
  if (record.state === 'closed') return { verdict: 'allow' };
  if (record.state === 'open') {
    const until = record.openUntil ?? now;
    if (until > now) return { verdict: 'open', retryAfterMs: until - now, reason: `circuit open since ${iso(record.openedAt)}${record.lastError ? ` after: ${record.lastError}` : ''}` };
    return { verdict: 'trial', next: { ...record, state: 'half_open', trialOwner: owner, trialUntil: now + trialMs, updatedAt: now } };
  }
  // half_open: one trial at a time; a trial whose holder vanished expires and is handed on.
  if (record.trialUntil !== null && record.trialUntil > now) {
    return { verdict: 'open', retryAfterMs: record.trialUntil - now, reason: 'circuit half-open: a trial call is in progress' };
  }
  return { verdict: 'trial', next: { ...record, trialOwner: owner, trialUntil: now + trialMs, updatedAt: now } };
}

export type CallResult = { ok: true } | { ok: false; category: ErrorCategory; message: string };

/**
 * The record after a call's result, or null when nothing changes (the common
 * case of a success on a healthy closed circuit costs no write).
 */
export function recordResult(record: CircuitRecord | undefined, result: CallResult, settings: CircuitSettings, now: number, owner: string, integration: string): CircuitRecord | null {
  const failed = !result.ok && countsAsFailure(result.category);
  const current = record ?? closedCircuit(integration, now);

  if (current.state === 'half_open') {
    // Only the trial's result decides; calls that began before the circuit opened do not.
    if (current.trialOwner !== owner) return null;
    return failed ? reopen(current, settings, now, result.message) : { ...closedCircuit(integration, now), pausedUntil: current.pausedUntil, pauseReason: current.pauseReason };
  }
  if (current.state === 'open') return null;

  const usesRatio = settings.failureRatio !== undefined;
  if (!failed && current.consecutiveFailures === 0 && !usesRatio) return null;

  const windowExpired = now - current.windowStart >= settings.windowMs;
  const next: CircuitRecord = {
    ...current,
    consecutiveFailures: failed ? current.consecutiveFailures + 1 : 0,
    windowStart: windowExpired ? now : current.windowStart,
    windowCalls: (windowExpired ? 0 : current.windowCalls) + 1,
    windowFailures: (windowExpired ? 0 : current.windowFailures) + (failed ? 1 : 0),
    updatedAt: now,
  };
  if (!failed) return next;
  const tooMany = next.consecutiveFailures >= settings.consecutiveFailures;
  const ratioTripped =
    usesRatio && next.windowCalls >= settings.minimumCalls && next.windowFailures / next.windowCalls >= (settings.failureRatio as number);
  return tooMany || ratioTripped ? reopen(next, settings, now, (result as { message: string }).message) : next;
}

function reopen(record: CircuitRecord, settings: CircuitSettings, now: number, message: string): CircuitRecord {
  return {
    ...record,
    state: 'open',
    openedAt: now,
    openUntil: now + settings.cooldownMs,
    trialOwner: null,
    trialUntil: null,
    lastError: message.slice(0, 500),
    updatedAt: now,
  };
}

/** Closed by hand (`integrations circuit reset`): counts and any pause cleared. */
export function resetCircuit(integration: string, now: number): CircuitRecord {
  return closedCircuit(integration, now);
}

/** Opened by hand for maintenance, until the given time. */
export function forceOpen(record: CircuitRecord | undefined, integration: string, now: number, until: number, reason: string): CircuitRecord {
  return { ...(record ?? closedCircuit(integration, now)), state: 'open', openedAt: now, openUntil: until, trialOwner: null, trialUntil: null, lastError: reason, updatedAt: now };
}

/** After a 429 with Retry-After: no process calls before `until`. A later pause never shortens a longer one. */
export function pause(record: CircuitRecord | undefined, integration: string, now: number, until: number, reason: string): CircuitRecord | null {
  const current = record ?? closedCircuit(integration, now);
  if (current.pausedUntil !== null && current.pausedUntil >= until) return null;
  return { ...current, pausedUntil: until, pauseReason: reason.slice(0, 500), updatedAt: now };
}

/** What `health` and `circuit status` show. */
export function describeCircuit(record: CircuitRecord | undefined, now: number): { state: 'closed' | 'open' | 'half_open' | 'paused'; until: number | null; reason: string | null } {
  if (!record) return { state: 'closed', until: null, reason: null };
  if (record.pausedUntil !== null && record.pausedUntil > now) return { state: 'paused', until: record.pausedUntil, reason: record.pauseReason };
  if (record.state === 'open') {
    // Cool-down over: the next call is the trial, which is what half-open means to an operator.
    if (record.openUntil !== null && record.openUntil <= now) return { state: 'half_open', until: null, reason: record.lastError };
    return { state: 'open', until: record.openUntil, reason: record.lastError };
  }
  if (record.state === 'half_open') return { state: 'half_open', until: record.trialUntil, reason: record.lastError };
  return { state: 'closed', until: null, reason: null };
}

function iso(ms: number | null): string {
  return ms === null ? 'an unknown time' : new Date(ms).toISOString();
}
