import { IntegrationError } from '../../core/errors.js';
import { UsageError } from '../../core/usage-error.js';
import type { JobStatus, QueueJob } from '../../store/queue-types.js';
import type { CliDeps, GlobalOptions } from '../deps.js';
import { palette, type Palette } from '../render/color.js';
import { formatAgo, formatDuration, formatTimestamp } from '../render/format.js';
import { printJson } from '../render/json.js';
import { renderTable } from '../render/table.js';
import { jobDetailJson, jobListJson, redactedPayload, storedResult } from './job-format.js';

export interface ListJobsOptions {
  global: GlobalOptions;
  status?: JobStatus;
  integration?: string;
  limit: number;
}

const STATUS_STYLE: Record<JobStatus, 'green' | 'red' | 'yellow' | 'cyan' | 'dim' | 'reset'> = {
  pending: 'reset',
  leased: 'cyan',
  succeeded: 'green',
  dead: 'red',
  unknown: 'yellow',
  cancelled: 'dim',
};

export async function runListJobs(options: ListJobsOptions, deps: CliDeps): Promise<QueueJob[]> {
  const { store } = await deps.session(options.global, { store: 'read' });
  const jobs = await store.queue.list({ status: options.status, integration: options.integration, limit: options.limit });
  if (options.global.json) {
    printJson(deps.stdout, jobs.map(jobListJson));
    return jobs;
  }
  if (!jobs.length) {
    deps.stderr.write(`no ${options.status ?? ''}${options.status ? ' ' : ''}jobs${options.integration ? ` for ${options.integration}` : ''}\n`);
    return jobs;
  }
  const style = palette(options.global, deps);
  const now = deps.clock.now();
  deps.stdout.write(
    await renderTable({
      head: ['ID', 'INTEGRATION', 'OPERATION', 'STATUS', 'ATTEMPTS', 'PRI', 'WHEN', 'LAST ERROR'],
      rows: jobs.map((job) => [
        job.id,
        style.cyan(job.integration),
        job.operation,
        statusText(job.status, style),
        `${job.attempts}/${job.maxAttempts}`,
        job.priority,
        when(job, now),
        job.lastError ? style.red(truncate(`${job.lastErrorCategory}: ${job.lastError}`, 70)) : '',
      ]),
      alignRight: [0, 4, 5],
      style,
    }),
  );
  return jobs;
}

function when(job: QueueJob, now: number): string {
  if (job.status === 'pending') return job.runAt <= now ? `due ${formatAgo(job.runAt, now)}` : `in ${formatDuration(job.runAt - now)}`;
  if (job.status === 'leased') return `lease ${formatDuration(Math.max(0, (job.leaseUntil ?? now) - now))}`;
  return formatAgo(job.finishedAt ?? job.updatedAt, now);
}

export function parseJobId(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`job id must be a positive whole number (as shown by \`queue list\`), got "${value}"`);
  return Number(value);
}

export async function runShowJob(options: { global: GlobalOptions; id: string }, deps: CliDeps): Promise<void> {
  const id = parseJobId(options.id);
  const { store, config, registry } = await deps.session(options.global, { store: 'read' });
  const job = await store.queue.get(id);
  if (!job) throw new IntegrationError('NOT_FOUND', `no job ${id} in ${store.location}`);
  const attempts = await store.queue.attempts(id);
  const payload = await redactedPayload(job, config, registry);
  const json = jobDetailJson(job, attempts, payload, storedResult(job));
  if (options.global.json) return printJson(deps.stdout, json);

  const style = palette(options.global, deps);
  const fields: [string, string][] = [
    ['job', `${job.id} (${job.origin === 'on-failure' ? 'queued after a transient failure' : 'enqueued'})`],
    ['integration', job.integration],
    ['operation', job.operation],
    ['status', statusText(job.status, style)],
    ['attempts', `${job.attempts} of ${job.maxAttempts}`],
    ['priority', String(job.priority)],
    ['run at', formatTimestamp(job.runAt)],
    ...(job.status === 'leased' ? ([['lease', `${job.leaseOwner} until ${formatTimestamp(job.leaseUntil)}`]] as [string, string][]) : []),
    ['created', formatTimestamp(job.createdAt)],
    ['finished', formatTimestamp(job.finishedAt)],
    ['tenant', job.tenant ?? '-'],
    ['idempotency key', job.idempotencyKey],
    ...(job.lastError ? ([['last error', style.red(`${job.lastErrorCategory}: ${job.lastError}`)]] as [string, string][]) : []),
    ...(job.logId !== null ? ([['log', `#${job.logId} (integrations logs show ${job.logId})`]] as [string, string][]) : []),
  ];
  const width = Math.max(...fields.map(([k]) => k.length));
  let out = fields.map(([k, v]) => `${style.bold(k.padEnd(width))}  ${v}`).join('\n');
  out += `\n\n${style.bold('payload')}\n${JSON.stringify(payload, null, 2)}\n`;
  if (job.result !== null) out += `\n${style.bold('result')}\n${JSON.stringify(storedResult(job), null, 2)}\n`;
  out += `\n${style.bold('attempts')}\n`;
  if (!attempts.length) out += '  none yet\n';
  for (const a of attempts) {
    const outcome = a.outcome ?? 'running';
    const took = a.finishedAt !== null ? ` after ${formatDuration(a.finishedAt - a.startedAt)}` : '';
    const error = a.errorCategory || a.errorMessage ? ` ${style.red(`${a.errorCategory ?? ''}${a.errorCategory && a.errorMessage ? ': ' : ''}${a.errorMessage ?? ''}`)}` : '';
    const log = a.logId !== null ? style.dim(` log #${a.logId}`) : '';
    out += `  #${a.attempt} ${formatTimestamp(a.startedAt)} ${outcome}${took} by ${a.owner}${error}${log}\n`;
  }
  deps.stdout.write(out);
}

export async function runStats(options: { global: GlobalOptions }, deps: CliDeps): Promise<void> {
  const { store } = await deps.session(options.global, { store: 'read' });
  const now = deps.clock.now();
  const stats = await store.queue.stats(now);
  const oldestDueAgeMs = stats.oldestDueRunAt === null ? null : Math.max(0, now - stats.oldestDueRunAt);
  const integrations = [...new Set(stats.byIntegration.map((r) => r.integration))].sort();
  const perIntegration = integrations.map((integration) => {
    const counts = Object.fromEntries(Object.keys(stats.byStatus).map((s) => [s, 0])) as Record<JobStatus, number>;
    for (const r of stats.byIntegration) if (r.integration === integration) counts[r.status] = r.count;
    return { integration, ...counts };
  });
  if (options.global.json) {
    printJson(deps.stdout, { byStatus: stats.byStatus, byIntegration: perIntegration, due: stats.due, oldestDueAgeMs });
    return;
  }
  const style = palette(options.global, deps);
  const statuses = Object.keys(stats.byStatus) as JobStatus[];
  deps.stdout.write(
    await renderTable({
      head: ['INTEGRATION', ...statuses.map((s) => s.toUpperCase())],
      rows: [
        ...perIntegration.map((row) => [style.cyan(row.integration), ...statuses.map((s) => row[s])]),
        [style.bold('total'), ...statuses.map((s) => stats.byStatus[s])],
      ],
      alignRight: statuses.map((_, i) => i + 1),
      style,
    }),
  );
  deps.stdout.write(`\n${stats.due} due now${oldestDueAgeMs === null ? '' : `; oldest waiting ${formatDuration(oldestDueAgeMs)}`}\n`);
}

function statusText(status: JobStatus, style: Palette): string {
  const colour = STATUS_STYLE[status];
  return colour === 'reset' ? status : style[colour](status);
}

function truncate(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
