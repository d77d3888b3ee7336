import { UsageError } from '../../core/usage-error.js';
import type { Settled, SettleHow, UnknownOutcome } from '../../reconcile/outcome.js';
import { alreadySettled, settleOutcome } from '../../reconcile/settle.js';
import { allUnknown, byLogIds } from '../../reconcile/targets.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { EXIT } from '../exit-codes.js';
import { palette } from '../render/color.js';
import { printJson } from '../render/json.js';
import { renderTable } from '../render/table.js';
import { osUser } from './actor.js';
import { markCommand } from './advice.js';

export interface ReconcileCommandOptions {
  global: GlobalOptions;
  ids: string[];
  integration?: string;
  all?: boolean;
  mark?: string;
  reason?: string;
}

export interface ReconcileRow {
  logId: number | null;
  jobId: number | null;
  integration: string;
  operation: string;
  status: Settled['status'];
  /** How it was settled: the provider's query, by hand, or earlier (this run found it settled). */
  settledBy: 'query' | 'hand' | 'earlier' | null;
  settlementLogId: number | null;
  queryLogId: number | null;
  detail: string;
}

/**
 * `integrations reconcile`: settles unknown outcomes of direct runs and of
 * queued jobs. Exit 0 when every one looked at is settled, whatever the
 * provider said (a payment the provider reports failed is a settled
 * outcome); 6 when some are still unknown.
 */
export async function runReconcileCommand(options: ReconcileCommandOptions, deps: CliDeps): Promise<ReconcileRow[]> {
  const request = parseRequest(options, osUser(deps.env));
  const session = await deps.session(options.global);
  if (request.integration !== undefined && !session.config.integrations[request.integration]) {
    const names = Object.keys(session.config.integrations);
    throw new UsageError(`unknown integration "${request.integration}"; configured: ${names.length ? names.join(', ') : '(none)'}`);
  }
  const settleDeps = { ...session, clock: deps.clock, signal: deps.signal };
  const rows: ReconcileRow[] = [];
  if (request.ids.length) {
    const named = await byLogIds(session.store, request.ids);
    const settled = named.find((n) => n.settlement);
    if (request.how.by === 'hand' && settled) {
      throw new UsageError(`log ${settled.item.log?.id} was settled already in log ${settled.settlement?.id}; a settlement is not overwritten`);
    }
    for (const { item, settlement } of named) {
      const result = settlement ? await alreadySettled(settleDeps, item, settlement) : await settleOutcome(settleDeps, item, request.how);
      rows.push(row(item, result, settlement ? 'earlier' : request.how.by));
    }
  } else {
    for (const item of await allUnknown(session.store, request.integration)) rows.push(row(item, await settleOutcome(settleDeps, item, request.how), request.how.by));
  }

  if (options.global.json) printJson(deps.stdout, rows);
  else await writeHuman(rows, options.global, deps);
  if (rows.some((r) => r.status === 'unknown')) deps.setExitCode(EXIT.OUTCOME_UNKNOWN);
  return rows;
}

interface Request {
  ids: number[];
  integration?: string;
  how: SettleHow;
}

/** One scope (ids, --integration or --all); --mark only with ids and a reason. */
function parseRequest(options: ReconcileCommandOptions, actor: string): Request {
  const ids = options.ids.map((id) => {
    if (!/^\d+$/.test(id) || Number(id) < 1) throw new UsageError(`log id must be a positive whole number (as named by \`run\` or shown by \`logs tail\`), got "${id}"`);
    return Number(id);
  });
  const scopes = [ids.length > 0, options.integration !== undefined, options.all === true].filter(Boolean).length;
  if (scopes === 0) throw new UsageError('name the log ids to reconcile, or use --integration <name> or --all');
  if (scopes > 1) throw new UsageError('give log ids, --integration or --all, not several of them');
  if (options.mark === undefined) {
    if (options.reason !== undefined) throw new UsageError('--reason goes with --mark succeeded|failed');
    return { ids, integration: options.integration, how: { by: 'query' } };
  }
  if (options.mark !== 'succeeded' && options.mark !== 'failed') throw new UsageError(`--mark must be succeeded or failed, got "${options.mark}"`);
  if (!ids.length) throw new UsageError('--mark settles by hand: name the log ids it applies to');
  const reason = options.reason?.trim();
  if (!reason) throw new UsageError('--mark needs --reason "…": what you found out at the provider, recorded with the settlement');
  return { ids, how: { by: 'hand', status: options.mark, actor, reason } };
}

function row(item: UnknownOutcome, settled: Settled, by: ReconcileRow['settledBy']): ReconcileRow {
  return {
    logId: item.log?.id ?? null,
    jobId: item.job?.id ?? null,
    integration: item.integration,
    operation: item.operation,
    status: settled.status,
    settledBy: settled.status === 'unknown' ? null : settled.already ? 'earlier' : by,
    settlementLogId: settled.settlementLogId,
    queryLogId: settled.queryLogId,
    detail: settled.status === 'unknown' && settled.byHand ? `${settled.detail}; then ${markCommand(item)}` : settled.detail,
  };
}

async function writeHuman(rows: ReconcileRow[], global: GlobalOptions, deps: CliDeps): Promise<void> {
  if (!rows.length) {
    deps.stdout.write('no unknown outcomes to settle\n');
    return;
  }
  const style = palette(global, deps);
  const result = (r: ReconcileRow) => (r.status === 'succeeded' ? style.green('succeeded') : r.status === 'failed' ? style.red('failed') : style.yellow('still unknown'));
  deps.stdout.write(
    await renderTable({
      head: ['id', 'integration', 'operation', 'result', 'detail'],
      rows: rows.map((r) => [r.logId !== null ? `log ${r.logId}` : `job ${r.jobId}`, r.integration, r.operation, result(r), r.detail]),
      style,
    }),
  );
  const open = rows.filter((r) => r.status === 'unknown').length;
  if (open) deps.stderr.write(`${open} ${open === 1 ? 'outcome is' : 'outcomes are'} still unknown: reconcile again later, or settle by hand with --mark once you know\n`);
}
