import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/core/backoff.js';

const settings = { baseDelayMs: 200, maxDelayMs: 5_000 };

describe('backoffDelay', () => {
  it('draws uniformly below a ceiling that doubles with each attempt (full jitter)', () => {
    const almostOne = () => 0.999999;
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, settings, almostOne))).toEqual([199, 399, 799, 1_599, 3_199]);
    expect([1, 2, 3].map((n) => backoffDelay(n, settings, () => 0.5))).toEqual([100, 200, 400]);
  });

  it('can be zero: full jitter spreads retries over the whole window', () => {
    expect(backoffDelay(4, settings, () => 0)).toBe(0);
  });

  it('never exceeds maxDelayMs however many attempts', () => {
    expect(backoffDelay(6, settings, () => 0.999999)).toBe(4_999);
    expect(backoffDelay(60, settings, () => 0.999999)).toBe(4_999);
  });

  it('honours Retry-After instead of its own schedule, including zero', () => {
    expect(backoffDelay(1, settings, () => 0.5, 12_000)).toBe(12_000);
    expect(backoffDelay(3, settings, () => 0.5, 0)).toBe(0);
  });

  it('stays within bounds with Math.random', () => {
    for (let i = 0; i < 100; i++) {
      const d = backoffDelay(3, settings);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(800);
    }
  });
});
