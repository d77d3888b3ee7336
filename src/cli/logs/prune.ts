import { checkMinimumAge, confirmDeletion, type DeletionFlags } from '../confirm-deletion.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { printJson } from '../render/json.js';
import { parseAge } from '../time-bound.js';

export interface PruneOptions extends DeletionFlags {
  global: GlobalOptions;
  /** As typed, e.g. 90d. */
  olderThan: string;
  force: boolean;
}

/** Deletes operation log rows older than the age, after saying how many and asking (or --yes); the count is the only output. */
export async function runPrune(options: PruneOptions, deps: CliDeps): Promise<{ deleted: number; cutoff: number }> {
  const age = parseAge('--older-than', options.olderThan);
  checkMinimumAge('--older-than', options.olderThan, age, options.force, options.dryRun);
  const { store } = await deps.session(options.global);
  const cutoff = deps.clock.now() - age;
  const before = new Date(cutoff).toISOString();
  const matched = await store.logs.count({ untilMs: cutoff });
  const what = (n: number) => `${n} log row${n === 1 ? '' : 's'} older than ${before}`;
  const go = await confirmDeletion({ text: `delete ${what(matched)}`, count: matched }, options, deps);
  const deleted = go ? await store.logs.prune(cutoff) : 0;
  if (options.global.json) printJson(deps.stdout, { deleted, matched: go ? deleted : matched, before, dryRun: options.dryRun });
  else deps.stdout.write(go ? `deleted ${what(deleted)}\n` : `would delete ${what(matched)}\n`);
  return { deleted, cutoff };
}
