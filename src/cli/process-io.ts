import { systemClock } from '../core/clock.js';
import type { CliIO } from './deps.js';

/** The real process's streams, environment and clock. */
export function processStreams(): Omit<CliIO, 'signal'> {
  quietOnClosedPipe();
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

let pipeHandled = false;

/** `integrations logs export | head`: the reader left, so there is nobody to tell; stop quietly like other Unix tools. */
function quietOnClosedPipe(): void {
  if (pipeHandled) return;
  pipeHandled = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
      throw err;
    });
  }
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
