import type { ExecutionEvents } from '../../core/executor.js';
import { formatDuration } from './format.js';
import type { LiveLine } from './live-line.js';

/**
 * What `run` shows on a terminal while it waits: the call it waits for and
 * its attempt, then each retry with its delay and the failure that caused
 * it ("attempt 2/3 in 1.2 s: TIMEOUT"). Retries are always shown, however
 * fast they come.
 */
export function runStatusEvents(line: LiveLine, what: string): ExecutionEvents {
  return {
    onAttempt({ attempt, maxAttempts, timeoutMs }) {
      line.show(`${what}: waiting for the provider's answer (attempt ${attempt}/${maxAttempts}, up to ${formatDuration(timeoutMs)})…`, true);
    },
    onRetry({ attempt, maxAttempts, delayMs, error }) {
      line.show(`${what}: attempt ${attempt}/${maxAttempts} in ${formatDuration(delayMs)}: ${error.category}`, true);
    },
    onGiveUp() {
      line.clear();
    },
  };
}
