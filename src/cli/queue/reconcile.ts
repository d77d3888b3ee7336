import { reconcile, type ReconcileResult } from '../../queue/reconcile.js';
import { IntegrationError } from '../../core/errors.js';
import { UsageError } from '../../core/usage-error.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { EXIT } from '../exit-codes.js';
import { palette } from '../render/color.js';
import { printJson } from '../render/json.js';
import { parseJobId } from './jobs.js';

export interface ReconcileCommandOptions {
  global: GlobalOptions;
  ids: string[];
  integration?: string;
  as?: string;
}

/**
 * Settles jobs with an unknown outcome. Exit 0 when every job it looked at
 * is settled; 6 (outcome unknown) when some still are, so a script knows to
 * look again or settle by hand.
 */
export async function runReconcile(options: ReconcileCommandOptions, deps: CliDeps): Promise<ReconcileResult[]> {
  if (options.as !== undefined && options.as !== 'succeeded' && options.as !== 'dead') throw new UsageError(`--as must be succeeded or dead, got "${options.as}"`);
  if (options.as && !options.ids.length) throw new UsageError('--as settles by hand: name the job ids it applies to');
  const ids = options.ids.map(parseJobId);
  const session = await deps.session(options.global);
  let results: ReconcileResult[];
  try {
    const actor = options.as ? (await import('../reconcile/actor.js')).osUser(deps.env) : null;
    results = await reconcile({ ...session, clock: deps.clock }, { ids, integration: options.integration, as: options.as as 'succeeded' | 'dead' | undefined, actor });
  } catch (err) {
    // An unknown id is not found (exit 1) as everywhere; a job in another state is a usage error.
    if (err instanceof RangeError) throw /^no job \d+$/.test(err.message) ? new IntegrationError('NOT_FOUND', err.message) : new UsageError(err.message);
    throw err;
  }
  if (options.global.json) printJson(deps.stdout, results);
  else if (!results.length) deps.stdout.write('no jobs with an unknown outcome\n');
  else {
    const style = palette(options.global, deps);
    for (const r of results) {
      const mark = r.status === 'succeeded' ? style.green('succeeded') : r.status === 'dead' ? style.red('dead') : style.yellow('still unknown');
      deps.stdout.write(`job ${r.id} (${r.integration} ${r.operation}): ${mark}: ${r.detail}\n`);
    }
  }
  if (results.some((r) => r.status === 'unknown')) deps.setExitCode(EXIT.OUTCOME_UNKNOWN);
  return results;
}
