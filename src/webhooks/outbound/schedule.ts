import type { LoadedConfig } from '../../config/types.js';

/**
 * When to try a delivery again. The schedule lists the delay before each
 * attempt, first to last (Svix's default: immediately, 5 s, 5 min, 30 min,
 * 2 h, 5 h, 10 h, 10 h); after the last attempt the delivery has failed.
 */
export const DEFAULT_DELIVERY_SCHEDULE_MS: readonly number[] = [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

/** Each scheduled delay moves by up to this fraction either way, so receivers that failed together are not retried in lockstep. */
export const JITTER = 0.1;

export interface RetryInput {
  /** Attempts made in this round, the one that just failed included. */
  attempts: number;
  scheduleMs: readonly number[];
  /** The receiver's Retry-After, in milliseconds. */
  retryAfterMs?: number;
  /** In [0, 1). */
  random: () => number;
}

/**
 * Milliseconds until the next attempt, or undefined when the schedule is
 * spent. A Retry-After longer than the scheduled delay is honoured, up to
 * the longest delay of the schedule, so one receiver cannot park a delivery
 * for longer than the schedule would.
 */
export function nextAttemptDelay(input: RetryInput): number | undefined {
  const { attempts, scheduleMs } = input;
  if (attempts >= scheduleMs.length) return undefined;
  const base = scheduleMs[attempts];
  const jittered = Math.round(base * (1 + JITTER * (2 * input.random() - 1)));
  const ceiling = Math.max(...scheduleMs);
  const asked = input.retryAfterMs === undefined ? 0 : Math.min(Math.max(0, input.retryAfterMs), ceiling);
  return Math.max(jittered, asked);
}

/** The configured schedule (`webhooks.deliverySchedule`), else the default. */
export function deliverySchedule(config: Pick<LoadedConfig, 'webhooks'>): readonly number[] {
  const configured = config.webhooks?.deliveryScheduleMs;
  return configured?.length ? configured : DEFAULT_DELIVERY_SCHEDULE_MS;
}
