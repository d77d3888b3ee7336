import { IntegrationError } from '../../../core/errors.js';
import { MAX_NESTING } from '../../../core/nesting.js';
import { UsageError } from '../../../core/usage-error.js';
import { nestsDeeperThan } from '../../../webhooks/dispatch/json-depth.js';
import type { WebhookRow } from '../../../store/webhook-types.js';
import { WebhookEndpoints } from '../../../webhooks/ingest/endpoints.js';
import { Masker } from '../../../webhooks/ingest/mask.js';
import type { CliDeps, GlobalOptions } from '../../deps.js';
import { palette } from '../../render/color.js';
import { formatTimestamp } from '../../render/format.js';
import { terminalText } from '../../render/terminal-text.js';
import { printJson } from '../../render/json.js';
import { statusText } from './listing.js';

export interface ShowWebhookOptions {
  global: GlobalOptions;
  id: string;
}

type Body = { kind: 'json'; value: unknown; text: string } | { kind: 'form'; fields: [string, string][]; text: string } | { kind: 'text'; text: string } | { kind: 'binary' };

const utf8 = new TextDecoder('utf-8', { fatal: true });

function readBody(row: WebhookRow, masker: Masker): Body {
  let text: string;
  try {
    text = utf8.decode(row.body);
  } catch {
    return { kind: 'binary' };
  }
  // Secrets never reach a terminal, even when a provider echoes one in a payload.
  text = masker.text(text);
  const type = (row.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return { kind: 'form', fields: [...new URLSearchParams(text)], text };
  // Printing a value walks it recursively: a poison body is shown as the text it arrived as.
  if (nestsDeeperThan(row.body, MAX_NESTING)) return { kind: 'text', text };
  try {
    return { kind: 'json', value: JSON.parse(text) as unknown, text };
  } catch {
    return { kind: 'text', text };
  }
}

function scrubbed(data: unknown, masker: Masker): unknown {
  try {
    return JSON.parse(masker.text(JSON.stringify(data))) as unknown;
  } catch {
    return '[REDACTED]';
  }
}

export function parseWebhookId(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) throw new UsageError(`webhook id must be a positive whole number, got "${value}"`);
  return Number(value);
}

export async function runShowWebhook(options: ShowWebhookOptions, deps: CliDeps): Promise<void> {
  const id = parseWebhookId(options.id);
  const { config, registry, store } = await deps.session(options.global, { store: 'read' });
  const row = await store.webhooks.get(id);
  if (!row) throw new IntegrationError('NOT_FOUND', `no webhook with id ${id} (see \`integrations webhooks list\`)`);
  const endpoints = await WebhookEndpoints.load(config, registry);
  const masker = endpoints.get(row.integration)?.masker ?? new Masker([]);
  const body = readBody(row, masker);
  const events = await store.events.list({ webhookId: id });

  if (options.global.json) {
    return printJson(deps.stdout, {
      id: row.id,
      integration: row.integration,
      eventId: row.eventId,
      type: row.type,
      status: row.status,
      receivedAt: new Date(row.receivedAt).toISOString(),
      processedAt: row.processedAt === null ? null : new Date(row.processedAt).toISOString(),
      attempts: row.attempts,
      error: row.error,
      method: row.method,
      path: row.path,
      query: row.query,
      sourceIp: row.sourceIp,
      headers: row.headers,
      bodyBytes: row.body.length,
      body: body.kind === 'json' ? body.value : body.kind === 'binary' ? null : body.text,
      ...(body.kind === 'binary' ? { bodyBase64: row.body.toString('base64') } : {}),
      events: events.map((e) => ({ id: e.id, type: e.type, externalId: e.externalId, occurredAt: e.occurredAt, data: scrubbed(e.data, masker) })),
    });
  }

  const style = palette(options.global, deps);
  const out: string[] = [];
  const field = (name: string, value: string) => out.push(`${style.bold(name.padEnd(12))}${value}`);
  field('id', String(row.id));
  field('integration', style.cyan(row.integration));
  field('event id', row.eventId ?? style.dim('- (provider sent none: not de-duplicated)'));
  field('type', row.type ?? style.dim('-'));
  field('status', statusText(row.status, style));
  field('received', formatTimestamp(row.receivedAt));
  field('processed', formatTimestamp(row.processedAt));
  field('attempts', String(row.attempts));
  if (row.error) field('error', style.red(row.error));
  field('request', `${row.method} ${row.path}${Object.keys(row.query).length ? `?${new URLSearchParams(row.query)}` : ''}`);
  field('source ip', row.sourceIp ?? '-');
  out.push('', style.bold('Headers'));
  for (const name of Object.keys(row.headers).sort()) out.push(`  ${name}: ${row.headers[name]}`);
  out.push('', style.bold(`Body (${row.body.length} bytes)`));
  if (body.kind === 'json') out.push(JSON.stringify(body.value, null, 2));
  else if (body.kind === 'form') for (const [k, v] of body.fields) out.push(`  ${k} = ${v}`);
  else if (body.kind === 'text') out.push(body.text);
  else out.push(style.dim('(not UTF-8 text; see --json for base64)'));
  if (events.length) {
    out.push('', style.bold('Events'));
    for (const e of events) out.push(`  #${e.id} ${e.type}${e.externalId ? ` (${e.externalId})` : ''}`);
  }
  deps.stdout.write(`${terminalText(out.join('\n'), style.level > 0)}\n`);
}
