import type { Writable } from 'node:stream';

/** The line is rewritten at most this often, unless an update must be seen (a retry, the last count). */
const MIN_INTERVAL_MS = 100;

/** Carriage return and "erase the whole line": the next text starts on a clean line. */
const ERASE = '\r\x1b[2K';

export interface LiveLine {
  /** Replaces the line; `force` skips the rate limit (events a person must see). */
  show(text: string, force?: boolean): void;
  /** Erases it, so what follows (a result, a summary, an error) stands alone. */
  clear(): void;
  /** Replaces it with a last text that stays, ending the line. */
  finish(text: string): void;
}

/**
 * One status line on a terminal's stderr, rewritten in place: the run's
 * waits and retries, the drain's, export's and replay's counts. Only ever
 * created for a terminal; callers pass nothing when stderr is a pipe or
 * the output is --json.
 */
export function liveLine(out: Writable, now: () => number = () => performance.now()): LiveLine {
  let last = -Infinity;
  let shown = false;
  return {
    show(text, force = false) {
      const t = now();
      if (!force && t - last < MIN_INTERVAL_MS) return;
      last = t;
      shown = true;
      out.write(`${ERASE}${text}`);
    },
    clear() {
      if (shown) out.write(ERASE);
      shown = false;
    },
    finish(text) {
      out.write(`${ERASE}${text}\n`);
      shown = false;
    },
  };
}
