import { UsageError } from '../core/usage-error.js';
import { parseDuration } from '../config/duration.js';

/**
 * `--since 10m` (ten minutes before now) or an absolute date/time
 * (`2026-01-31`, `2026-01-31T08:00:00Z`), as epoch milliseconds.
 */
export function parseTimeBound(flag: string, value: string, now: number): number {
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) throw new UsageError(`${flag}: "${value}" is not a valid date or time (e.g. 2026-01-31 or 2026-01-31T08:00:00Z)`);
    return ms;
  }
  try {
    return now - parseDuration(value);
  } catch (err) {
    throw new UsageError(`${flag}: ${(err as Error).message}, or a date such as 2026-01-31`);
  }
}

/** `--older-than 90d`: a duration only (an age), as milliseconds. */
export function parseAge(flag: string, value: string): number {
  try {
    return parseDuration(value);
  } catch (err) {
    throw new UsageError(`${flag}: ${(err as Error).message}`);
  }
}

/** Commander argument parser for positive whole numbers (--limit). */
export function positiveInt(flag: string): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`${flag} must be a positive whole number, got "${value}"`);
    return Number(value);
  };
}
