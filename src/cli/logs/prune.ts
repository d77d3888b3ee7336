import type { CliDeps, GlobalOptions } from '../deps.js';
import { printJson } from '../render/json.js';
import { parseAge } from '../time-bound.js';

export interface PruneOptions {
  global: GlobalOptions;
  /** As typed, e.g. 90d. */
  olderThan: string;
  dryRun: boolean;
}

/** Deletes operation log rows older than the age; the count is the only output. */
export async function runPrune(options: PruneOptions, deps: CliDeps): Promise<{ deleted: number; cutoff: number }> {
  const age = parseAge('--older-than', options.olderThan);
  const { store } = await deps.session(options.global);
  const cutoff = deps.clock.now() - age;
  const deleted = options.dryRun ? await store.logs.count({ untilMs: cutoff }) : await store.logs.prune(cutoff);
  const before = new Date(cutoff).toISOString();
  if (options.global.json) printJson(deps.stdout, { deleted: options.dryRun ? 0 : deleted, matched: deleted, before, dryRun: options.dryRun });
  else deps.stdout.write(options.dryRun ? `would delete ${deleted} log rows older than ${before}\n` : `deleted ${deleted} log rows older than ${before}\n`);
  return { deleted, cutoff };
}
