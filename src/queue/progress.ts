import type { Writable } from 'node:stream';
import type { DrainProgress } from './drain.js';

/**
 * The live line a person at a terminal sees while a drain runs: rewritten in
 * place, at most ten times a second, cleared at the end so the summary
 * stands alone.
 */
export function progressLine(out: Writable, now: () => number = Date.now): { update(p: DrainProgress): void; clear(): void } {
  let last = 0;
  let shown = false;
  return {
    update(p) {
      const t = now();
      if (t - last < 100 && p.done < p.total) return;
      last = t;
      shown = true;
      out.write(`\r\x1b[2K${formatProgress(p)}`);
    },
    clear() {
      if (shown) out.write('\r\x1b[2K');
    },
  };
}

export function formatProgress(p: DrainProgress): string {
  const rate = p.elapsedMs > 0 ? (p.done * 1000) / p.elapsedMs : 0;
  return `draining: ${p.done}/${p.total} done, ${rate.toFixed(1)} jobs/s, ${p.failed} failed, ${p.running} running`;
}
