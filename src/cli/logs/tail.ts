import type { LogFilter, OperationStatus } from '../../store/types.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { palette } from '../render/color.js';
import { printJsonLine } from '../render/json.js';
import { parseTimeBound } from '../time-bound.js';
import { rowJson, rowLine } from './row-format.js';

export interface TailOptions {
  global: GlobalOptions;
  follow: boolean;
  integration?: string;
  status?: OperationStatus;
  /** As typed: a duration ago or a date. */
  since?: string;
  limit: number;
}

/** How often follow mode asks the store for rows newer than the last one shown. */
export const FOLLOW_POLL_MS = 500;
const FOLLOW_PAGE = 1000;

/**
 * The last `limit` matching rows, newest last; with follow, then every row
 * appended after them, found by id (an index seek, never a scan) until the
 * signal aborts. --json: one JSON object per line.
 */
export async function runTail(options: TailOptions, deps: CliDeps): Promise<void> {
  const { store } = await deps.session(options.global, { store: 'read' });
  const style = palette(options.global, deps);
  const write = (rows: Awaited<ReturnType<typeof store.logs.query>>) => {
    for (const row of rows) {
      if (options.global.json) printJsonLine(deps.stdout, rowJson(row));
      else deps.stdout.write(rowLine(row, style));
    }
  };
  const filter: LogFilter = { integration: options.integration, status: options.status };
  const since = options.since === undefined ? undefined : parseTimeBound('--since', options.since, deps.clock.now());

  // The newest id before reading, so a row appended between the two reads is either shown now or followed later, never lost.
  const newest = (await store.logs.query({ order: 'desc', limit: 1 }))[0]?.id ?? 0;
  const recent = (await store.logs.query({ ...filter, sinceMs: since, order: 'desc', limit: options.limit })).reverse();
  write(recent);
  if (!options.follow) return;

  let afterId = Math.max(newest, recent.at(-1)?.id ?? 0);
  if (!options.global.json && deps.stderrIsTTY) deps.stderr.write(style.dim('following new rows; Ctrl-C to stop\n'));
  while (!deps.signal.aborted) {
    const rows = await store.logs.query({ ...filter, afterId, order: 'asc', limit: FOLLOW_PAGE });
    write(rows);
    if (rows.length) afterId = rows[rows.length - 1].id;
    // A full page means more are waiting: read on without pausing.
    if (rows.length === FOLLOW_PAGE) continue;
    try {
      await deps.clock.sleep(FOLLOW_POLL_MS, deps.signal);
    } catch {
      return;
    }
  }
}
