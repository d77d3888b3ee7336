import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/config/duration.js';

describe('parseDuration', () => {
  it('reads each unit', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('24h')).toBe(86_400_000);
    expect(parseDuration('90d')).toBe(90 * 86_400_000);
    expect(parseDuration('2w')).toBe(14 * 86_400_000);
  });

  it('reads compound, fractional and upper-case forms', () => {
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1.5s')).toBe(1_500);
    expect(parseDuration(' 10M ')).toBe(600_000);
  });

  it('takes milliseconds as a number or a numeric string', () => {
    expect(parseDuration(2500)).toBe(2500);
    expect(parseDuration('2500')).toBe(2500);
    expect(parseDuration(0)).toBe(0);
  });

  it('refuses anything else with a message showing the expected forms', () => {
    for (const bad of ['', '5x', 'm5', '5 m', '-5m', 'soon', '1h-30m']) {
      expect(() => parseDuration(bad), bad).toThrow(/invalid duration.*500ms, 90s, 5m, 24h/);
    }
    expect(() => parseDuration(-1)).toThrow(RangeError);
    expect(() => parseDuration(Number.NaN)).toThrow(RangeError);
  });
});
