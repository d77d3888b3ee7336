import { describe, expect, it } from 'vitest';
import { IntegrationError, type ErrorCategory } from '../../src/core/errors.js';
import { classifyOutcome, mayRetry } from '../../src/core/retry-safety.js';

const err = (category: ErrorCategory, requestSent = true) => new IntegrationError(category, `${category} happened`, { requestSent });

describe('mayRetry', () => {
  it('retries transient failures of safe and keyed operations', () => {
    for (const c of ['RATE_LIMITED', 'SERVER_ERROR', 'TIMEOUT', 'NETWORK_ERROR', 'CIRCUIT_OPEN'] as const) {
      expect(mayRetry(err(c), 'safe')).toBe(true);
      expect(mayRetry(err(c), 'keyed')).toBe(true);
    }
  });

  it('never retries a failure that will not pass by itself', () => {
    for (const c of ['AUTHENTICATION_FAILED', 'INVALID_REQUEST', 'VALIDATION_FAILED', 'NOT_FOUND', 'CONFLICT', 'OUTCOME_UNKNOWN'] as const) {
      expect(mayRetry(err(c, false), 'safe')).toBe(false);
    }
  });

  it('retries an unsafe operation only when the provider provably did nothing', () => {
    expect(mayRetry(err('NETWORK_ERROR', false), 'unsafe')).toBe(true);
    expect(mayRetry(err('RATE_LIMITED'), 'unsafe')).toBe(true);
    expect(mayRetry(err('CIRCUIT_OPEN'), 'unsafe')).toBe(true);
    expect(mayRetry(err('NETWORK_ERROR', true), 'unsafe')).toBe(false);
    expect(mayRetry(err('TIMEOUT', true), 'unsafe')).toBe(false);
    expect(mayRetry(err('SERVER_ERROR', true), 'unsafe')).toBe(false);
  });
});

describe('classifyOutcome', () => {
  it('turns an ambiguous failure of an unsafe operation into OUTCOME_UNKNOWN, keeping the provider detail', () => {
    const timeout = new IntegrationError('TIMEOUT', 'no answer', { provider: { status: 504 } });
    const out = classifyOutcome(timeout, 'unsafe');
    expect(out.category).toBe('OUTCOME_UNKNOWN');
    expect(out.message).toMatch(/no answer; not re-sent \(unsafe operation\)$/);
    expect(out.provider).toEqual({ status: 504 });
  });

  it('leaves failures that prove nothing happened, and other retry safeties, as they are', () => {
    const refused = err('NETWORK_ERROR', false);
    expect(classifyOutcome(refused, 'unsafe')).toBe(refused);
    const rejected = err('INVALID_REQUEST');
    expect(classifyOutcome(rejected, 'unsafe')).toBe(rejected);
    const timeout = err('TIMEOUT');
    expect(classifyOutcome(timeout, 'keyed')).toBe(timeout);
    expect(classifyOutcome(timeout, 'safe')).toBe(timeout);
  });
});
