import { UsageError } from '../../../core/usage-error.js';
import { WebhookEndpoints } from '../../../webhooks/ingest/endpoints.js';
import { replayWebhooks, type ReplaySelection, type ReplaySummary } from '../../../webhooks/replay.js';
import { fanOutListener } from '../../../webhooks/outbound/fan-out.js';
import type { CliDeps, GlobalOptions } from '../../deps.js';
import { EXIT } from '../../exit-codes.js';
import { palette } from '../../render/color.js';
import { printJson } from '../../render/json.js';
import { liveLine } from '../../render/live-line.js';
import { formatProgress } from '../../render/progress.js';
import { parseTimeBound } from '../../time-bound.js';
import { parseWebhookId } from './show.js';

export interface ReplayWebhooksOptions {
  global: GlobalOptions;
  ids: string[];
  failed?: boolean;
  integration?: string;
  since?: string;
  dryRun?: boolean;
}

function selectionOf(options: ReplayWebhooksOptions, now: number): ReplaySelection {
  if (options.ids.length && options.failed) throw new UsageError('give webhook ids or --failed, not both');
  if (options.ids.length) {
    if (options.integration || options.since) throw new UsageError('--integration and --since select with --failed; with ids, the ids are the selection');
    return { ids: [...new Set(options.ids.map(parseWebhookId))] };
  }
  if (!options.failed) throw new UsageError('name the webhooks to replay: ids (see `integrations webhooks list`) or --failed [--integration N] [--since 2h]');
  return { failed: true, integration: options.integration, sinceMs: options.since === undefined ? undefined : parseTimeBound('--since', options.since, now) };
}

/**
 * Re-runs processing from the stored bytes, in this process: it works
 * whether or not a daemon is running. Exit 1 when any webhook still fails
 * or an id is unknown.
 */
export async function runReplayWebhooks(options: ReplayWebhooksOptions, deps: CliDeps): Promise<void> {
  const selection = selectionOf(options, deps.clock.now());
  const { config, registry, store } = await deps.session(options.global);
  const endpoints = await WebhookEndpoints.load(config, registry);
  // Replayed events reach subscriptions too: fanned out here, sent by the daemon or the next `queue drain`.
  const onEvent = fanOutListener({ store, config, clock: deps.clock });
  // --failed may select thousands: a terminal sees the count grow; a pipe or --json sees only the result.
  const live = 'failed' in selection && !options.global.json && deps.stderrIsTTY ? liveLine(deps.stderr) : undefined;
  const started = deps.clock.now();
  const onProgress = live && ((p: { done: number; failed: number }) =>
    live.show(formatProgress({ label: 'replaying', done: p.done, unit: 'webhooks', elapsedMs: deps.clock.now() - started, extra: [`${p.failed} failed`] })));
  let summary: ReplaySummary;
  try {
    summary = await replayWebhooks(selection, { store, endpoints, clock: deps.clock, dryRun: options.dryRun, onEvent, onProgress });
  } finally {
    live?.clear();
  }
  if (summary.failed || summary.notFound) deps.setExitCode(EXIT.FAILED);
  if (options.global.json) return printJson(deps.stdout, summary);
  writeHuman(summary, options, deps);
}

function writeHuman(summary: ReplaySummary, options: ReplayWebhooksOptions, deps: CliDeps): void {
  const style = palette(options.global, deps);
  const lines: string[] = [];
  for (const item of summary.items) {
    const what = `#${item.id}${item.integration ? ` ${item.integration}` : ''}${item.eventId ? ` ${item.eventId}` : ''}`;
    if (item.status === 'not-found') lines.push(`${style.red('✗')} ${what}: no such webhook`);
    else if (item.status === 'failed') lines.push(`${style.red('✗')} ${what}: ${item.error}`);
    else {
      const events = item.events.map((e) => e.type).join(', ') || 'no events';
      lines.push(`${style.green('✓')} ${what}: ${summary.dryRun ? 'would produce' : 'produced'} ${events}`);
    }
  }
  const verb = summary.dryRun ? 'dry run of' : 'replayed';
  const counts = [`${summary.processed} processed`, `${summary.failed} failed`, ...(summary.notFound ? [`${summary.notFound} not found`] : [])].join(', ');
  lines.push(summary.selected === 0 ? 'nothing to replay' : `${verb} ${summary.selected} webhook${summary.selected === 1 ? '' : 's'}: ${counts}${summary.dryRun ? ' (nothing changed)' : ''}`);
  deps.stdout.write(`${lines.join('\n')}\n`);
}
