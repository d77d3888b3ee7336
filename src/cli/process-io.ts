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
    whenStdoutCloses(handler) {
      stdoutClosed = handler;
      return () => {
        if (stdoutClosed === handler) stdoutClosed = undefined;
      };
    },
  };
}

let pipeHandled = false;
/** A command that must tidy up before it ends (the demo) is told instead of the process ending at once. */
let stdoutClosed: (() => void) | undefined;
let toldOfClose = false;

/** `integrations logs export | head`: the reader left, so there is nobody to tell; stop quietly like other Unix tools. */
function quietOnClosedPipe(): void {
  if (pipeHandled) return;
  pipeHandled = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      // Every later write fails the same way: once a command was told, it is stopping already.
      if (err.code === 'EPIPE' && stream === process.stdout && toldOfClose) return;
      if (err.code === 'EPIPE' && stream === process.stdout && stdoutClosed) {
        const handler = stdoutClosed;
        stdoutClosed = undefined;
        toldOfClose = true;
        return handler();
      }
      if (err.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
      throw err;
    });
  }
}

export interface ProcessSignal {
  signal: AbortSignal;
  /** Aborted on the second signal, once a command has called holdSecondSignal(). */
  stopNow: AbortSignal;
  holdSecondSignal(): void;
  /** Removes the signal handlers. */
  dispose(): void;
}

/**
 * SIGINT/SIGTERM abort the signal so commands stop cleanly (finish the
 * current row, close the store); a second signal means the user is done
 * waiting: the process ends at once with 130, unless the command said it
 * must tidy up first (the drain gives back its leases), in which case the
 * second signal aborts `stopNow` and a third ends the process.
 */
export function processSignal(): ProcessSignal {
  const controller = new AbortController();
  const now = new AbortController();
  let held = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (!controller.signal.aborted) return controller.abort(new Error(`received ${signal}`));
    if (!held || now.signal.aborted) process.exit(130);
    now.abort(new Error(`received ${signal} again`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    stopNow: now.signal,
    holdSecondSignal() {
      held = true;
    },
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
