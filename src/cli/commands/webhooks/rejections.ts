import type { CliDeps, GlobalOptions } from '../../deps.js';
import { palette } from '../../render/color.js';
import { formatTimestamp } from '../../render/format.js';
import { printJson } from '../../render/json.js';
import { renderTable } from '../../render/table.js';
import { parseTimeBound } from '../../time-bound.js';

export interface RejectionsOptions {
  global: GlobalOptions;
  since?: string;
  integration?: string;
  limit: number;
}

/** Refused requests, newest last: the answer to "did the callback arrive, and why was it refused?". */
export async function runRejections(options: RejectionsOptions, deps: CliDeps): Promise<void> {
  const sinceMs = options.since === undefined ? undefined : parseTimeBound('--since', options.since, deps.clock.now());
  const { store } = await deps.session(options.global, { store: 'read' });
  const rows = (await store.webhooks.rejections({ integration: options.integration, sinceMs, limit: options.limit })).reverse();
  if (options.global.json) {
    return printJson(
      deps.stdout,
      rows.map((r) => ({
        time: new Date(r.time).toISOString(),
        integration: r.integration,
        reason: r.reason,
        status: r.status,
        method: r.method,
        path: r.path,
        sourceIp: r.sourceIp,
        bodySize: r.bodySize,
        headers: r.headers,
      })),
    );
  }
  if (!rows.length) {
    deps.stderr.write('no rejected webhooks\n');
    return;
  }
  const style = palette(options.global, deps);
  deps.stdout.write(
    await renderTable({
      head: ['TIME', 'INTEGRATION', 'STATUS', 'REASON', 'SOURCE IP', 'REQUEST', 'BYTES'],
      rows: rows.map((r) => [formatTimestamp(r.time), style.cyan(r.integration), style.red(String(r.status)), r.reason, r.sourceIp ?? '-', `${r.method} ${r.path}`, r.bodySize]),
      style,
      alignRight: [6],
    }),
  );
}
