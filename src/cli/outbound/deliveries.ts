import { IntegrationError } from '../../core/errors.js';
import { UsageError } from '../../core/usage-error.js';
import { DELIVERY_STATUSES, type Delivery, type DeliveryAttempt, type DeliveryStatus } from '../../store/outbound-types.js';
import { displayUrl } from '../../webhooks/outbound/subscriptions.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { palette, type Palette } from '../render/color.js';
import { formatTimestamp } from '../render/format.js';
import { printJson } from '../render/json.js';
import { renderTable } from '../render/table.js';
import { parseTimeBound } from '../time-bound.js';
import { parseId } from './ids.js';

export interface DeliveriesOptions {
  global: GlobalOptions;
  /** One delivery in full, with its attempts. */
  id?: string;
  status?: string;
  subscription?: string;
  since?: string;
  limit: number;
}

/** `webhooks deliveries --json`: one object per delivery. */
export interface DeliveryItem {
  id: number;
  subscriptionId: number;
  url: string;
  eventId: number;
  messageId: string;
  type: string;
  integration: string;
  status: DeliveryStatus;
  attempts: number;
  /** ISO-8601, while waiting. */
  nextAttemptAt: string | null;
  lastResponseStatus: number | null;
  lastError: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export function parseDeliveryStatus(value: string | undefined): DeliveryStatus | undefined {
  if (value === undefined) return undefined;
  if (!(DELIVERY_STATUSES as readonly string[]).includes(value)) throw new UsageError(`--status must be one of ${DELIVERY_STATUSES.join(', ')}, got "${value}"`);
  return value as DeliveryStatus;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function item(d: Delivery): DeliveryItem {
  return {
    id: d.id,
    subscriptionId: d.subscriptionId,
    url: displayUrl(d.url),
    eventId: d.eventId,
    messageId: d.messageId,
    type: d.eventType,
    integration: d.integration,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: d.status === 'pending' ? iso(d.runAt) : null,
    lastResponseStatus: d.lastResponseStatus,
    lastError: d.lastError,
    createdAt: new Date(d.createdAt).toISOString(),
    finishedAt: iso(d.finishedAt),
  };
}

function attemptItem(a: DeliveryAttempt) {
  return {
    attempt: a.attempt,
    startedAt: new Date(a.startedAt).toISOString(),
    finishedAt: iso(a.finishedAt),
    outcome: a.outcome,
    responseStatus: a.responseStatus,
    latencyMs: a.latencyMs,
    responseExcerpt: a.responseExcerpt,
    error: a.error,
  };
}

function statusText(status: DeliveryStatus, style: Palette): string {
  if (status === 'succeeded') return style.green(status);
  if (status === 'failed') return style.red(status);
  if (status === 'cancelled') return style.dim(status);
  return style.yellow(status);
}

function oneLine(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export async function runDeliveries(options: DeliveriesOptions, deps: CliDeps): Promise<void> {
  if (options.id !== undefined) return showOne(options, parseId('delivery id', options.id), deps);
  const status = parseDeliveryStatus(options.status);
  const subscriptionId = options.subscription === undefined ? undefined : parseId('--subscription', options.subscription);
  const sinceMs = options.since === undefined ? undefined : parseTimeBound('--since', options.since, deps.clock.now());
  const { store } = await deps.session(options.global, { store: 'read' });
  const rows = (await store.outbound.list({ status, subscriptionId, sinceMs, limit: options.limit })).reverse();
  if (options.global.json) return printJson(deps.stdout, rows.map(item));
  if (!rows.length) {
    deps.stderr.write('no deliveries match\n');
    return;
  }
  const style = palette(options.global, deps);
  deps.stdout.write(
    await renderTable({
      head: ['ID', 'CREATED', 'SUB', 'TYPE', 'STATUS', 'TRIES', 'NEXT', 'LAST'],
      rows: rows.map((d) => [
        d.id,
        formatTimestamp(d.createdAt),
        d.subscriptionId,
        oneLine(d.eventType, 40),
        statusText(d.status, style),
        d.attempts,
        d.status === 'pending' ? formatTimestamp(d.runAt) : '',
        d.lastError ? oneLine(d.lastError, 60) : d.lastResponseStatus !== null ? String(d.lastResponseStatus) : '',
      ]),
      style,
      alignRight: [0, 2, 5],
    }),
  );
}

async function showOne(options: DeliveriesOptions, id: number, deps: CliDeps): Promise<void> {
  const { store } = await deps.session(options.global, { store: 'read' });
  const delivery = await store.outbound.get(id);
  if (!delivery) throw new IntegrationError('NOT_FOUND', `no delivery with id ${id} (see \`integrations webhooks deliveries\`)`);
  const attempts = await store.outbound.attempts(id);
  const payload = JSON.parse(delivery.payload) as unknown;
  if (options.global.json) return printJson(deps.stdout, { ...item(delivery), payload, attemptLog: attempts.map(attemptItem) });
  const style = palette(options.global, deps);
  const lines = [
    `${style.bold(`delivery ${delivery.id}`)}  ${statusText(delivery.status, style)}`,
    `  to          subscription ${delivery.subscriptionId}: ${displayUrl(delivery.url)}`,
    `  event       ${delivery.eventType} (event ${delivery.eventId}, ${delivery.integration})`,
    `  webhook-id  ${delivery.messageId}`,
    `  created     ${formatTimestamp(delivery.createdAt)}`,
    ...(delivery.status === 'pending' ? [`  next try    ${formatTimestamp(delivery.runAt)}`] : []),
    ...(delivery.finishedAt !== null ? [`  finished    ${formatTimestamp(delivery.finishedAt)}`] : []),
    '',
    style.bold('attempts'),
    ...(attempts.length
      ? attempts.map((a) => {
          const answer = a.responseStatus !== null ? `HTTP ${a.responseStatus}` : (a.error ?? 'in flight');
          const took = a.latencyMs !== null ? ` in ${a.latencyMs} ms` : '';
          const excerpt = a.responseExcerpt ? `  ${style.dim(oneLine(a.responseExcerpt, 80))}` : '';
          return `  #${a.attempt}  ${formatTimestamp(a.startedAt)}  ${a.outcome ?? 'in flight'}  ${answer}${took}${a.responseStatus !== null && a.error && a.outcome === 'abandoned' ? ` (${a.error})` : ''}${excerpt}`;
        })
      : ['  none yet']),
    '',
    style.bold('payload'),
    JSON.stringify(payload, null, 2),
  ];
  deps.stdout.write(`${lines.join('\n')}\n`);
}
