import type { OperationLogRow } from '../../store/types.js';
import type { Palette } from '../render/color.js';
import { formatDuration, formatTimestamp } from '../render/format.js';
import { terminalText } from '../render/terminal-text.js';

/** A log row for JSON output: ISO time, request/response as the JSON they hold (already redacted when written). */
export function rowJson(row: OperationLogRow): Record<string, unknown> {
  return {
    id: row.id,
    time: new Date(row.time).toISOString(),
    integration: row.integration,
    adapter: row.adapter,
    operation: row.operation,
    tenant: row.tenant,
    idempotencyKey: row.idempotencyKey,
    correlationId: row.correlationId,
    status: row.status,
    errorCategory: row.errorCategory,
    errorMessage: row.errorMessage,
    attempts: row.attempts,
    durationMs: row.durationMs,
    request: parseStored(row.request),
    response: row.response === null ? null : parseStored(row.response),
    // Only on a row that settles an unknown outcome (`integrations reconcile`).
    ...(row.reconciles ? { reconciles: row.reconciles } : {}),
  };
}

/** One line per row for `logs tail`: id, time, what ran, how it went. */
export function rowLine(row: OperationLogRow, style: Palette): string {
  const status = row.status === 'ok' ? style.green('ok    ') : style.red('failed');
  const tenant = row.tenant ? ` tenant=${row.tenant}` : '';
  const error = row.status === 'failed' ? ` ${style.red(`${row.errorCategory ?? 'ERROR'}: ${(row.errorMessage ?? '').replace(/\s+/g, ' ')}`)}` : '';
  // A settlement ran nothing itself: it says which unknown outcome it settles, and how.
  const s = row.reconciles;
  const attempts = s ? ` settles ${s.logId === null ? 'a queued job' : `#${s.logId}`} by ${s.by}` : row.attempts === 1 ? '' : ` ${row.attempts} attempts`;
  const line = `${style.dim(`#${row.id}`)} ${formatTimestamp(row.time)} ${status} ${style.cyan(row.integration)} ${row.operation} ${formatDuration(row.durationMs)}${attempts}${tenant}${error}`;
  return `${terminalText(line, style.level > 0)}\n`;
}

export const CSV_COLUMNS = [
  'id', 'time', 'integration', 'adapter', 'operation', 'tenant', 'idempotency_key', 'correlation_id',
  'status', 'error_category', 'error_message', 'attempts', 'duration_ms', 'request', 'response',
] as const;

export function rowCsv(row: OperationLogRow): string {
  const cells = [
    row.id, new Date(row.time).toISOString(), row.integration, row.adapter, row.operation, row.tenant, row.idempotencyKey, row.correlationId,
    row.status, row.errorCategory, row.errorMessage, row.attempts, row.durationMs, row.request, row.response,
  ];
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** RFC 4180 quoting; a leading = + - @ is prefixed so spreadsheets do not run it as a formula. */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function parseStored(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
