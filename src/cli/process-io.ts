import { systemClock } from '../core/clock.js';
import type { CliIO } from './deps.js';

/** The real process's streams, environment and clock. */
export function processStreams(): Omit<CliIO, 'signal'> {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    isTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
    clock: systemClock,
  };
}

export interface ProcessSignal {
  signal: AbortSignal;
  /** Removes the signal handlers. */
  dispose(): void;
}

/**
 * SIGINT/SIGTERM abort the signal so commands stop cleanly (finish the
 * current row, close the store); a second signal means the user is done
 * waiting.
 */
export function processSignal(): ProcessSignal {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort(new Error(`received ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
