import { UsageError } from '../../../core/usage-error.js';
import { WEBHOOK_STATUSES, type WebhookStatus, type WebhookSummary } from '../../../store/webhook-types.js';
import type { CliDeps, GlobalOptions } from '../../deps.js';
import { palette, type Palette } from '../../render/color.js';
import { formatTimestamp } from '../../render/format.js';
import { printJson } from '../../render/json.js';
import { renderTable } from '../../render/table.js';
import { parseTimeBound } from '../../time-bound.js';

export interface ListWebhooksOptions {
  global: GlobalOptions;
  status?: string;
  integration?: string;
  since?: string;
  limit: number;
}

/** `webhooks list --json`: one object per delivery. */
export interface WebhookListItem {
  id: number;
  integration: string;
  eventId: string | null;
  type: string | null;
  status: WebhookStatus;
  /** ISO-8601. */
  receivedAt: string;
  error: string | null;
}

export function parseStatus(value: string | undefined): WebhookStatus | undefined {
  if (value === undefined) return undefined;
  if (!(WEBHOOK_STATUSES as readonly string[]).includes(value)) throw new UsageError(`--status must be one of ${WEBHOOK_STATUSES.join(', ')}, got "${value}"`);
  return value as WebhookStatus;
}

export function listItem(w: WebhookSummary): WebhookListItem {
  return { id: w.id, integration: w.integration, eventId: w.eventId, type: w.type, status: w.status, receivedAt: new Date(w.receivedAt).toISOString(), error: w.error };
}

export function statusText(status: WebhookStatus, style: Palette): string {
  return status === 'processed' ? style.green(status) : status === 'failed' ? style.red(status) : style.yellow(status);
}

function oneLine(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The newest `limit` deliveries matching the filters, oldest first (newest at the bottom, like logs tail). */
export async function runListWebhooks(options: ListWebhooksOptions, deps: CliDeps): Promise<void> {
  const status = parseStatus(options.status);
  const sinceMs = options.since === undefined ? undefined : parseTimeBound('--since', options.since, deps.clock.now());
  const { config, store } = await deps.session(options.global, { store: 'read' });
  if (options.integration && !config.integrations[options.integration] && !config.unresolved[options.integration]) {
    // Still listed: a removed integration's old deliveries remain in the store.
    deps.stderr.write(`note: "${options.integration}" is not a configured integration\n`);
  }
  const rows = (await store.webhooks.list({ status, integration: options.integration, sinceMs, order: 'desc', limit: options.limit })).reverse();
  if (options.global.json) return printJson(deps.stdout, rows.map(listItem));
  if (!rows.length) {
    deps.stderr.write('no webhooks match\n');
    return;
  }
  const style = palette(options.global, deps);
  deps.stdout.write(
    await renderTable({
      head: ['ID', 'RECEIVED', 'INTEGRATION', 'EVENT ID', 'TYPE', 'STATUS', 'ERROR'],
      rows: rows.map((w) => [
        w.id,
        formatTimestamp(w.receivedAt),
        style.cyan(w.integration),
        w.eventId ? oneLine(w.eventId, 40) : style.dim('-'),
        w.type ? oneLine(w.type, 40) : style.dim('-'),
        statusText(w.status, style),
        w.error ? oneLine(w.error, 60) : '',
      ]),
      style,
      alignRight: [0],
    }),
  );
}
