import { describe, expect, it } from 'vitest';
import { DEFAULT_DELIVERY_SCHEDULE_MS, JITTER, nextAttemptDelay } from '../../src/webhooks/outbound/schedule.js';

const middle = () => 0.5;
const schedule = [0, 5_000, 300_000];

describe('outbound retry schedule', () => {
  it('defaults to the Svix schedule: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h', () => {
    expect(DEFAULT_DELIVERY_SCHEDULE_MS).toEqual([0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
  });

  it('takes the delay before the next attempt from the schedule, and gives up when it is spent', () => {
    expect(nextAttemptDelay({ attempts: 1, scheduleMs: schedule, random: middle })).toBe(5_000);
    expect(nextAttemptDelay({ attempts: 2, scheduleMs: schedule, random: middle })).toBe(300_000);
    expect(nextAttemptDelay({ attempts: 3, scheduleMs: schedule, random: middle })).toBeUndefined();
  });

  it('jitters each delay by at most the jitter fraction either way', () => {
    const low = nextAttemptDelay({ attempts: 2, scheduleMs: schedule, random: () => 0 });
    const high = nextAttemptDelay({ attempts: 2, scheduleMs: schedule, random: () => 0.999_999 });
    expect(low).toBe(300_000 * (1 - JITTER));
    expect(high).toBeGreaterThan(300_000);
    expect(high).toBeLessThanOrEqual(300_000 * (1 + JITTER));
  });

  it('waits at least as long as Retry-After asks', () => {
    expect(nextAttemptDelay({ attempts: 1, scheduleMs: schedule, retryAfterMs: 60_000, random: middle })).toBe(60_000);
    // A Retry-After shorter than the schedule does not bring the attempt forward.
    expect(nextAttemptDelay({ attempts: 2, scheduleMs: schedule, retryAfterMs: 1_000, random: middle })).toBe(300_000);
  });

  it('bounds Retry-After by the longest delay of the schedule', () => {
    expect(nextAttemptDelay({ attempts: 1, scheduleMs: schedule, retryAfterMs: 86_400_000, random: middle })).toBe(300_000);
    expect(nextAttemptDelay({ attempts: 1, scheduleMs: schedule, retryAfterMs: -5, random: middle })).toBe(5_000);
  });

  it('does not retry past the schedule even when Retry-After asks', () => {
    expect(nextAttemptDelay({ attempts: 3, scheduleMs: schedule, retryAfterMs: 1_000, random: middle })).toBeUndefined();
  });
});
