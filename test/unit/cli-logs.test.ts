import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, type Clock } from '../../src/core/clock.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import type { OperationLogInput } from '../../src/store/types.js';
import { projectWithConfig, runCli } from './cli-fixture.js';

const NOW = Date.UTC(2026, 0, 10, 12, 0, 0);
const HOUR = 3_600_000;

function row(time: number, overrides: Partial<OperationLogInput> = {}): OperationLogInput {
  return {
    time,
    integration: 'payments',
    adapter: 'mock',
    operation: 'charge',
    tenant: null,
    idempotencyKey: `k-${time}-${Math.random()}`,
    correlationId: 'c',
    status: 'ok',
    errorCategory: null,
    errorMessage: null,
    attempts: 1,
    durationMs: 3,
    request: JSON.stringify({ amount: 1, note: 'comma, "quoted"\nnewline' }),
    response: '{"id":"ch_1"}',
    ...overrides,
  };
}

async function project(rows: OperationLogInput[]) {
  const cwd = projectWithConfig({ integrations: { payments: { adapter: 'mock' }, files: { adapter: 'local-storage', config: { root: './files' } } } });
  const dbPath = join(cwd, '.integrations', 'integrations.db');
  const store = SqliteStore.open(dbPath);
  store.db.transaction(() => {
    for (const r of rows) void store.logs.append(r);
  })();
  return { cwd, store };
}

describe('logs tail', () => {
  it('shows the last N matching rows, newest last, filtered by integration, status and --since', async () => {
    const { cwd, store } = await project([
      row(NOW - 5 * HOUR),
      row(NOW - 3 * HOUR, { status: 'failed', errorCategory: 'TIMEOUT', errorMessage: 'slow' }),
      row(NOW - 2 * HOUR, { integration: 'files', adapter: 'local-storage', operation: 'list' }),
      row(NOW - HOUR, { status: 'failed', errorCategory: 'SERVER_ERROR', errorMessage: 'boom' }),
      row(NOW - 1000),
    ]);
    await store.close();
    const clock = new ManualClock(NOW);
    const ids = async (args: string[]) =>
      (await runCli(['logs', 'tail', '--json', ...args], { cwd, clock })).stdout.trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: number }).id);
    expect(await ids([])).toEqual([1, 2, 3, 4, 5]);
    expect(await ids(['--limit', '2'])).toEqual([4, 5]);
    expect(await ids(['--status', 'failed'])).toEqual([2, 4]);
    expect(await ids(['--integration', 'files'])).toEqual([3]);
    expect(await ids(['--since', '150m'])).toEqual([3, 4, 5]);

    const text = await runCli(['logs', 'tail', '--status', 'failed'], { cwd, clock });
    expect(text.stdout.split('\n')[1]).toMatch(/^#4 2026-01-10 11:00:00Z failed payments charge 3 ms SERVER_ERROR: boom$/);
    expect((await runCli(['logs', 'tail', '--limit', '0'], { cwd, clock })).code).toBe(2);
    expect((await runCli(['logs', 'tail', '--since', 'yesterday'], { cwd, clock })).stderr).toMatch(/^error: --since: invalid duration "yesterday"/);
  });

  it('-f prints rows appended after it started, by id, polling on the injected clock until the signal aborts', async () => {
    const { cwd, store } = await project([row(NOW - HOUR), row(NOW - 10)]);
    const controller = new AbortController();
    const sleeps: number[] = [];
    // Each poll's pause is where "time passes": another process appends rows, and finally the user presses Ctrl-C.
    const clock: Clock = {
      now: () => NOW,
      async sleep(ms) {
        sleeps.push(ms);
        if (sleeps.length === 1) await store.logs.append(row(NOW + 1, { operation: 'refund' }));
        if (sleeps.length === 2) {
          await store.logs.append(row(NOW + 2, { integration: 'files', adapter: 'local-storage', operation: 'list' }));
          await store.logs.append(row(NOW + 3, { operation: 'query' }));
        }
        if (sleeps.length === 3) controller.abort(new Error('received SIGINT'));
        if (controller.signal.aborted) throw controller.signal.reason;
      },
    };
    const res = await runCli(['logs', 'tail', '-f', '--integration', 'payments', '--limit', '1', '--json'], { cwd, clock, signal: controller.signal });
    await store.close();
    expect(res.code).toBe(0);
    const shown = res.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: number; operation: string });
    expect(shown.map((r) => [r.id, r.operation])).toEqual([
      [2, 'charge'],
      [3, 'refund'],
      [5, 'query'],
    ]);
    expect(sleeps).toEqual([500, 500, 500]);
  });
});

describe('logs export', () => {
  const rows = Array.from({ length: 6_200 }, (_, i) =>
    row(NOW - (6_200 - i) * 1000, i % 7 === 0 ? { status: 'failed', errorCategory: 'TIMEOUT', errorMessage: '=cmd|/C calc' } : {}),
  );
  let cwd: string;
  beforeAll(async () => {
    const made = await project(rows);
    cwd = made.cwd;
    await made.store.close();
  });

  it('streams every row oldest first as JSON lines to a file, with progress on stderr at a terminal', async () => {
    const res = await runCli(['logs', 'export', '--out', 'all.jsonl'], { cwd, clock: new ManualClock(NOW), stderrIsTTY: true });
    expect(res.code).toBe(0);
    expect(res.stdout).toBe('');
    const lines = readFileSync(join(cwd, 'all.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(6_200);
    const parsed = lines.map((l) => JSON.parse(l) as { id: number; time: string; request: { note: string } });
    expect(parsed.every((r, i) => r.id === i + 1)).toBe(true);
    expect(parsed[0].time).toBe(new Date(rows[0].time).toISOString());
    expect(parsed[0].request.note).toBe('comma, "quoted"\nnewline');
    expect(res.stderr).toContain('\r\x1b[2Kexporting: 5,000/6,200 done, ');
    expect(res.stderr).toMatch(/\r\x1b\[2Kexporting: 6,200\/6,200 done, [\d.,]+ rows\/s\n$/);
    expect(existsSync(join(cwd, 'all.jsonl.partial'))).toBe(false);
  });

  it('writes RFC 4180 CSV to stdout within --since/--until, defusing spreadsheet formulas; no progress when stderr is not a terminal', async () => {
    const res = await runCli(['logs', 'export', '--format', 'csv', '--since', '100s', '--until', '50s'], { cwd, clock: new ManualClock(NOW) });
    expect(res.code).toBe(0);
    expect(res.stderr).toBe('');
    const records = res.stdout.split('\r\n').filter(Boolean);
    // The header plus the rows whose time is in [now-100s, now-50s): 50 of them.
    expect(records).toHaveLength(51);
    expect(records[0].split(',')).toHaveLength(15);
    const failed = records.find((r) => r.includes('TIMEOUT'));
    expect(failed).toContain(",'=cmd|/C calc,");
    expect(records[1]).toContain('"{""amount"":1,""note"":""comma, \\""quoted\\""\\nnewline""}"');
  });

  it('with --json and --out, stdout carries only a JSON summary', async () => {
    const res = await runCli(['logs', 'export', '--integration', 'payments', '--until', '6000s', '--out', 'early.jsonl', '--json'], { cwd, clock: new ManualClock(NOW) });
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual({ exported: 200, format: 'jsonl', out: join(cwd, 'early.jsonl') });
    expect(readFileSync(join(cwd, 'early.jsonl'), 'utf8').trim().split('\n')).toHaveLength(200);
  });

  it('refuses an empty or inverted window as a usage error', async () => {
    const res = await runCli(['logs', 'export', '--since', '1h', '--until', '2h'], { cwd, clock: new ManualClock(NOW) });
    expect(res.code).toBe(2);
    expect(res.stderr).toBe('error: --since must be earlier than --until\n');
  });
});

describe('logs show and prune', () => {
  it('show prints one row in full; unknown ids are NOT_FOUND (exit 1), malformed ones a usage error', async () => {
    const { cwd, store } = await project([row(NOW, { tenant: 'acme' })]);
    await store.close();
    const shown = await runCli(['logs', 'show', '1'], { cwd });
    expect(shown.stdout).toMatch(/^id {15}#1\n/);
    expect(shown.stdout).toContain('tenant           acme');
    expect(shown.stdout).toContain('"note": "comma, \\"quoted\\"\\nnewline"');
    expect((await runCli(['logs', 'show', '2'], { cwd })).code).toBe(1);
    expect((await runCli(['logs', 'show', 'abc'], { cwd })).code).toBe(2);
  });

  it('prune deletes rows older than the age and says how many; --dry-run only counts', async () => {
    const { cwd, store } = await project([row(NOW - 100 * 24 * HOUR), row(NOW - 91 * 24 * HOUR), row(NOW - 89 * 24 * HOUR), row(NOW)]);
    const clock = new ManualClock(NOW);
    const dry = await runCli(['logs', 'prune', '--older-than', '90d', '--dry-run'], { cwd, clock });
    expect(dry.stdout).toBe('would delete 2 log rows older than 2025-10-12T12:00:00.000Z\n');
    expect(await store.logs.count({})).toBe(4);
    const real = await runCli(['logs', 'prune', '--older-than', '90d', '--yes'], { cwd, clock });
    expect(real.stdout).toBe('deleted 2 log rows older than 2025-10-12T12:00:00.000Z\n');
    expect((await store.logs.query({})).map((r) => r.id)).toEqual([3, 4]);
    expect((await runCli(['logs', 'prune', '--older-than', 'soon'], { cwd, clock })).code).toBe(2);
    expect((await runCli(['logs', 'prune'], { cwd, clock })).stderr).toContain("required option '--older-than <age>' not specified");
    await store.close();
  });
});
