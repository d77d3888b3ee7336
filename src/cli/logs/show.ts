import { IntegrationError } from '../../core/errors.js';
import { UsageError } from '../../core/usage-error.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { palette } from '../render/color.js';
import { formatDuration, formatTimestamp } from '../render/format.js';
import { printJson } from '../render/json.js';
import { rowJson } from './row-format.js';
import type { LogSettlement } from '../../store/types.js';

export interface ShowOptions {
  global: GlobalOptions;
  id: string;
}

export async function runShow(options: ShowOptions, deps: CliDeps): Promise<void> {
  if (!/^\d+$/.test(options.id)) throw new UsageError(`log id must be a whole number (as shown by \`logs tail\`), got "${options.id}"`);
  const { store } = await deps.session(options.global, { store: 'read' });
  const row = await store.logs.get(Number(options.id));
  if (!row) throw new IntegrationError('NOT_FOUND', `no log row #${options.id} in ${store.location}`);
  // An unknown outcome points forward to the row that settled it (rows are immutable, so the link is looked up).
  const settlement = row.errorCategory === 'OUTCOME_UNKNOWN' ? await store.logs.settlementOf(row.id) : undefined;
  const json: Record<string, unknown> = { ...rowJson(row), ...(settlement ? { settledIn: settlement.id } : {}) };
  if (options.global.json) return printJson(deps.stdout, json);

  const style = palette(options.global, deps);
  const fields: [string, string][] = [
    ['id', `#${row.id}`],
    ['time', formatTimestamp(row.time)],
    ['integration', `${row.integration} (adapter ${row.adapter})`],
    ['operation', row.operation],
    ['status', row.status === 'ok' ? style.green('ok') : style.red('failed')],
    ...(row.status === 'failed' ? ([['error', style.red(`${row.errorCategory}: ${row.errorMessage}`)]] as [string, string][]) : []),
    ['attempts', String(row.attempts)],
    ['duration', formatDuration(row.durationMs)],
    ['tenant', row.tenant ?? '-'],
    ['idempotency key', row.idempotencyKey],
    ['correlation id', row.correlationId],
    ...(row.reconciles ? ([['reconciles', settles(row.reconciles)]] as [string, string][]) : []),
    ...(row.errorCategory === 'OUTCOME_UNKNOWN'
      ? ([['settled', settlement ? `in log #${settlement.id} (${settlement.status === 'ok' ? 'succeeded' : 'failed'})` : `not yet: integrations reconcile ${row.id}`]] as [string, string][])
      : []),
  ];
  const width = Math.max(...fields.map(([k]) => k.length));
  let out = fields.map(([k, v]) => `${style.bold(k.padEnd(width))}  ${v}`).join('\n');
  out += `\n\n${style.bold('request')}\n${JSON.stringify(json.request, null, 2)}\n`;
  if (json.response !== null) out += `\n${style.bold(row.status === 'ok' ? 'response' : 'provider answer')}\n${JSON.stringify(json.response, null, 2)}\n`;
  deps.stdout.write(out);
}

function settles(s: LogSettlement): string {
  const what = s.logId === null ? 'a queued job with no log row' : `log #${s.logId}`;
  return s.by === 'query' ? `${what}, by the provider's query` : `${what}, by hand by ${s.actor ?? 'unknown user'}: ${s.reason ?? ''}`;
}
