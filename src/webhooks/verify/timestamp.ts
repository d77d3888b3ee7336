import { DEFAULT_TOLERANCE_SECONDS, fail, type VerifyResult } from './types.js';
import type { WebhookSettings } from '../../config/types.js';
import { configError } from './options.js';

const DIGITS = /^\d{1,15}$/;

/** A plain non-negative integer, or undefined (signs, decimals, spaces, junk). */
export function parseTimestamp(value: string): number | undefined {
  return DIGITS.test(value) ? Number(value) : undefined;
}

export function toleranceOf(settings: WebhookSettings): number {
  const t = settings.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) {
    throw configError(settings, 'toleranceSeconds must be a number of seconds >= 0');
  }
  return t;
}

/**
 * Rejects a timestamp (in seconds) too far in the past or the future: a stale
 * one is a replay, a future one is a clock problem or an attempt to outlive
 * the window.
 */
export function checkWindow(timestampSeconds: number, nowMs: number, toleranceSeconds: number): VerifyResult | undefined {
  return Math.abs(nowMs / 1000 - timestampSeconds) > toleranceSeconds ? fail('timestamp-out-of-tolerance') : undefined;
}
