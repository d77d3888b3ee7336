import { UsageError } from '../../core/usage-error.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { EXIT } from '../exit-codes.js';
import { palette } from '../render/color.js';
import { printJson } from '../render/json.js';
import { parseTimeBound } from '../time-bound.js';
import { parseId } from './ids.js';

export interface RedeliverOptions {
  global: GlobalOptions;
  ids: string[];
  failed?: boolean;
  since?: string;
}

/**
 * Puts finished deliveries back in line, due now, with a fresh schedule and
 * the same webhook-id; the daemon or the next `queue drain` sends them.
 * Exit 1 when any id was refused.
 */
export async function runRedeliver(options: RedeliverOptions, deps: CliDeps): Promise<void> {
  if (options.ids.length && options.failed) throw new UsageError('give delivery ids or --failed, not both');
  if (!options.ids.length && !options.failed) throw new UsageError('name the deliveries to send again: ids (see `integrations webhooks deliveries`) or --failed [--since 2h]');
  if (options.ids.length && options.since) throw new UsageError('--since selects with --failed; with ids, the ids are the selection');
  const now = deps.clock.now();
  const ids = [...new Set(options.ids.map((id) => parseId('delivery id', id)))];
  const sinceMs = options.since === undefined ? undefined : parseTimeBound('--since', options.since, now);
  const { store } = await deps.session(options.global);
  const result = options.failed ? { redelivered: await store.outbound.redeliverFailed({ sinceMs, now }), refused: [] } : await store.outbound.redeliver(ids, now);
  if (result.refused.length) deps.setExitCode(EXIT.FAILED);
  if (options.global.json) return printJson(deps.stdout, result);
  const style = palette(options.global, deps);
  for (const r of result.refused) deps.stderr.write(`${style.red('✗')} ${r.reason}\n`);
  const n = result.redelivered.length;
  if (n === 0 && result.refused.length) return;
  deps.stdout.write(
    n === 0
      ? 'nothing to redeliver\n'
      : `${style.green('✓')} ${n} deliver${n === 1 ? 'y' : 'ies'} queued again (${result.redelivered.join(', ')}); the daemon or the next \`integrations queue drain\` sends ${n === 1 ? 'it' : 'them'}\n`,
  );
}
