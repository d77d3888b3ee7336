import { describe, expect, it } from 'vitest';
import type { CircuitSettings } from '../../src/config/types.js';
import { admit, closedCircuit, countsAsFailure, describeCircuit, pause, recordResult, type CallResult } from '../../src/core/policies/circuit-breaker.js';
import type { CircuitRecord } from '../../src/store/queue-types.js';

const T0 = Date.UTC(2026, 0, 1);
const settings: CircuitSettings = { consecutiveFailures: 3, windowMs: 60_000, minimumCalls: 4, cooldownMs: 30_000 };
const fail = { ok: false as const, category: 'SERVER_ERROR' as const, message: 'SERVER_ERROR HTTP 503' };
const ok = { ok: true as const };

function apply(record: CircuitRecord | undefined, results: CallResult[], s = settings, at = T0, owner = 'p1'): CircuitRecord | undefined {
  let current = record;
  for (const r of results) current = recordResult(current, r, s, at, owner, 'pay') ?? current;
  return current;
}

describe('circuit breaker transitions', () => {
  it('opens after N consecutive failures, and a success in between resets the count', () => {
    expect(apply(undefined, [fail, fail, ok, fail, fail])?.state).toBe('closed');
    const open = apply(undefined, [fail, fail, fail]);
    expect(open).toMatchObject({ state: 'open', openedAt: T0, openUntil: T0 + 30_000, lastError: 'SERVER_ERROR HTTP 503' });
  });

  it('opens on the failure ratio over the window once enough calls were seen', () => {
    const ratio = { ...settings, consecutiveFailures: 100, failureRatio: 0.5 };
    expect(apply(undefined, [fail, ok, fail], ratio)?.state).toBe('closed');
    expect(apply(undefined, [ok, fail, ok, fail], ratio)?.state).toBe('open');
    // Counts restart with each window.
    const early = apply(undefined, [fail, ok, fail], ratio);
    expect(recordResult(early, ok, ratio, T0 + 60_000, 'p1', 'pay')).toMatchObject({ state: 'closed', windowCalls: 1, windowFailures: 0 });
  });

  it('refusals and rate limits are answers, not failures', () => {
    expect(countsAsFailure('INVALID_REQUEST')).toBe(false);
    expect(countsAsFailure('AUTHENTICATION_FAILED')).toBe(false);
    expect(countsAsFailure('RATE_LIMITED')).toBe(false);
    expect(countsAsFailure('TIMEOUT')).toBe(true);
    const refused = { ok: false as const, category: 'INVALID_REQUEST' as const, message: 'x' };
    expect(apply(undefined, [refused, refused, refused, refused])?.state ?? 'closed').toBe('closed');
  });

  it('a success on a healthy circuit changes nothing (no write)', () => {
    expect(recordResult(undefined, ok, settings, T0, 'p1', 'pay')).toBeNull();
    expect(recordResult(closedCircuit('pay', T0), ok, settings, T0, 'p1', 'pay')).toBeNull();
  });

  it('refuses while open, hands one trial to one caller after the cool-down, then closes or re-opens', () => {
    const open = apply(undefined, [fail, fail, fail]) as CircuitRecord;
    expect(admit(open, T0 + 29_999, 'p1', 5_000)).toMatchObject({ verdict: 'open', retryAfterMs: 1 });
    const trial = admit(open, T0 + 30_000, 'p1', 5_000);
    expect(trial.verdict).toBe('trial');
    const halfOpen = (trial as { next: CircuitRecord }).next;
    expect(halfOpen).toMatchObject({ state: 'half_open', trialOwner: 'p1', trialUntil: T0 + 35_000 });
    // Everyone else waits for the trial, including the trial holder's other calls.
    expect(admit(halfOpen, T0 + 30_001, 'p2', 5_000).verdict).toBe('open');
    expect(admit(halfOpen, T0 + 30_001, 'p1', 5_000).verdict).toBe('open');
    // A trial whose holder vanished is handed on.
    expect(admit(halfOpen, T0 + 35_000, 'p2', 5_000)).toMatchObject({ verdict: 'trial', next: { trialOwner: 'p2' } });
    // Another process's late result does not decide the trial.
    expect(recordResult(halfOpen, ok, settings, T0 + 31_000, 'p2', 'pay')).toBeNull();
    expect(recordResult(halfOpen, ok, settings, T0 + 31_000, 'p1', 'pay')).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
    expect(recordResult(halfOpen, fail, settings, T0 + 31_000, 'p1', 'pay')).toMatchObject({ state: 'open', openUntil: T0 + 61_000 });
  });

  it('a Retry-After pause refuses calls until it ends and is never shortened', () => {
    const paused = pause(undefined, 'pay', T0, T0 + 120_000, 'slow down') as CircuitRecord;
    expect(admit(paused, T0 + 1_000, 'p1', 5_000)).toMatchObject({ verdict: 'paused', retryAfterMs: 119_000 });
    expect(admit(paused, T0 + 120_000, 'p1', 5_000).verdict).toBe('allow');
    expect(pause(paused, 'pay', T0, T0 + 60_000, 'shorter')).toBeNull();
    expect(describeCircuit(paused, T0)).toEqual({ state: 'paused', until: T0 + 120_000, reason: 'slow down' });
  });

  it('describes an open circuit whose cool-down ended as half-open', () => {
    const open = apply(undefined, [fail, fail, fail]) as CircuitRecord;
    expect(describeCircuit(open, T0).state).toBe('open');
    expect(describeCircuit(open, T0 + 30_000).state).toBe('half_open');
    expect(describeCircuit(undefined, T0).state).toBe('closed');
  });
});
