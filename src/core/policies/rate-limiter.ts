import type { RateLimitSettings } from '../../config/types.js';
import type { Clock } from '../clock.js';
import { IntegrationError } from '../errors.js';
import type { RateLimitRepo } from '../../store/queue-types.js';

/**
 * Waits for a token from the integration's shared bucket. `maxWaitMs` bounds
 * the wait: past it the call fails with RATE_LIMITED (requestSent false: the
 * provider never saw it) so an interactive `run` does not hang; the drain
 * passes Infinity and simply waits. Returns how long it waited.
 */
export async function acquireToken(
  repo: RateLimitRepo,
  integration: string,
  settings: RateLimitSettings,
  clock: Clock,
  options: { signal?: AbortSignal; maxWaitMs?: number } = {},
): Promise<number> {
  const maxWait = options.maxWaitMs ?? Infinity;
  let waited = 0;
  for (;;) {
    const take = await repo.take({ integration, now: clock.now(), perSecond: settings.perSecond, burst: settings.burst });
    if (take.granted) return waited;
    if (waited + take.waitMs > maxWait) {
      throw new IntegrationError('RATE_LIMITED', `${integration}: local rate limit of ${formatRate(settings.perSecond)} reached; next token in ${take.waitMs} ms`, {
        retryAfterMs: take.waitMs,
        requestSent: false,
        details: { guard: 'rate-limit' },
      });
    }
    await clock.sleep(take.waitMs, options.signal);
    waited += take.waitMs;
  }
}

export function formatRate(perSecond: number): string {
  return perSecond >= 1 ? `${+perSecond.toFixed(2)}/s` : `${+(perSecond * 60).toFixed(2)}/min`;
}
