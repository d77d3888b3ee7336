import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cli, parseJson, startCli, tempProject } from './cli-harness.js';

/** One project, initialised once; the tests below run in order against it, like an operator would. */
describe('integrations CLI, happy paths on the bundled adapters', () => {
  const dir = tempProject();
  const run = (args: string[], env?: Record<string, string>, stdin?: string) => cli(args, { cwd: dir, env, stdin });

  beforeAll(() => assertBuilt());

  it('init --yes writes a plain-object starter config and creates the store; a second init refuses to overwrite', async () => {
    const first = await run(['init', '--yes']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const config = readFileSync(join(dir, 'integrations.config.ts'), 'utf8');
    expect(config).not.toMatch(/^import /m);
    expect(config).toContain('export default {');
    expect(config).toContain('defineConfig');
    expect(config).toMatch(/payments: \{\s+adapter: 'mock'/);
    expect(config).toMatch(/files: \{\s+adapter: 'local-storage',\s+config: \{ root: '.\/.integrations\/files' \}/);
    expect(existsSync(join(dir, '.integrations', 'integrations.db'))).toBe(true);

    writeFileSync(join(dir, 'integrations.config.ts'), config.replace("failureRate: 0 }", "failureRate: 0 }, // edited"));
    const again = await run(['init', '--yes']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^error: .*integrations\.config\.ts already exists; use --force/);
    expect(readFileSync(join(dir, 'integrations.config.ts'), 'utf8')).toContain('// edited');
  });

  it('adapters list --json is an array of { name, kind, description, operations }; adapters show marks secret config fields', async () => {
    const list = await run(['adapters', 'list', '--json']);
    expect(list.code).toBe(0);
    const adapters = parseJson<{ name: string; kind: string; description: string; operations: string[] }[]>(list.stdout);
    const mock = adapters.find((a) => a.name === 'mock');
    expect(mock).toEqual({ name: 'mock', kind: 'payment', description: expect.any(String), operations: expect.arrayContaining(['charge', 'query', 'refund', 'echo']), source: 'bundled' });
    expect(adapters.find((a) => a.name === 'local-storage')?.kind).toBe('storage');

    const show = await run(['adapters', 'show', 'mock', '--json']);
    expect(show.code).toBe(0);
    const detail = parseJson<{ kind: string; operations: { name: string; retry: string; input: { path: string; required: boolean }[] }[]; config: { path: string; secret: boolean }[] }>(show.stdout);
    expect(detail.kind).toBe('payment');
    const charge = detail.operations.find((o) => o.name === 'charge');
    expect(charge?.retry).toBe('keyed');
    expect(charge?.input.map((f) => f.path)).toEqual(expect.arrayContaining(['amount', 'currency', 'reference']));
    expect(detail.config.find((f) => f.path === 'secretKey')?.secret).toBe(true);
    expect(detail.config.find((f) => f.path === 'latencyMs')?.secret).toBe(false);
  });

  it('run prints the result; --json gives { ok, integration, operation, result, replayed, logId, attempts, durationMs }; a repeat is replayed', async () => {
    const payload = JSON.stringify({ amount: 1500, currency: 'KES', reference: 'order-7' });
    const first = await run(['run', 'payments', 'charge', '--payload', payload, '--json']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const out = parseJson<Record<string, unknown>>(first.stdout);
    expect(out).toMatchObject({ ok: true, integration: 'payments', operation: 'charge', replayed: false, attempts: 1, logId: expect.any(Number), durationMs: expect.any(Number) });
    expect(out.result).toMatchObject({ status: 'succeeded', amount: 1500, currency: 'KES', reference: 'order-7' });

    const again = await run(['run', 'payments', 'charge', '--payload', payload, '--json']);
    const replay = parseJson<Record<string, unknown>>(again.stdout);
    expect(replay).toMatchObject({ ok: true, replayed: true, logId: out.logId });
    expect((replay.result as { id: string }).id).toBe((out.result as { id: string }).id);

    // Payload from stdin, human output: the result on stdout, the summary on stderr.
    const echo = await run(['run', 'payments', 'echo', '--payload', '-', '--tenant', 'acme'], undefined, '{"hello": "stdin"}');
    expect(echo.code).toBe(0);
    expect(JSON.parse(echo.stdout)).toEqual({ hello: 'stdin' });
    expect(echo.stderr).toMatch(/✓ payments echo ok \(1 attempt, .*log #\d+\)/);
  });

  it('list shows configured integrations with kind and last success', async () => {
    const res = await run(['list', '--json']);
    expect(res.code).toBe(0);
    const rows = parseJson<{ name: string; adapter: string; kind: string; enabled: boolean; lastSuccess: string | null; lastFailure: string | null }[]>(res.stdout);
    expect(rows.map((r) => r.name)).toEqual(['files', 'payments']);
    // ISO times, as every other command's JSON (was epoch milliseconds).
    expect(rows[1]).toMatchObject({ adapter: 'mock', kind: 'payment', enabled: true, lastSuccess: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/), lastFailure: null });
    expect(rows[0]).toMatchObject({ adapter: 'local-storage', kind: 'storage', lastSuccess: null });
  });

  it('test walks config, credentials, health and self-test with ✓ each; health --json reports every enabled integration', async () => {
    const test = await run(['test', 'files']);
    expect(test.code).toBe(0);
    const lines = test.stdout.trim().split('\n');
    expect(lines.map((l) => l.slice(0, 22).trim())).toEqual(['✓ config valid', '✓ credentials present', '✓ health', '✓ self-test']);
    expect(lines.every((l) => /\d+ ms|\d\.\d+ s/.test(l))).toBe(true);

    const health = await run(['health', '--json']);
    expect(health.code).toBe(0);
    const reports = parseJson<{ name: string; adapter: string; status: string; latencyMs: number; message: string }[]>(health.stdout);
    expect(reports.map((r) => [r.name, r.adapter, r.status])).toEqual([
      ['files', 'local-storage', 'healthy'],
      ['payments', 'mock', 'healthy'],
    ]);
    expect(reports.every((r) => typeof r.latencyMs === 'number' && r.message.length > 0)).toBe(true);
  });

  it('logs tail / show / export / prune read back what run wrote', async () => {
    const tail = await run(['logs', 'tail', '--json', '--limit', '2']);
    expect(tail.code).toBe(0);
    const rows = tail.stdout.trim().split('\n').map((l) => parseJson<{ id: number; operation: string; tenant: string | null; status: string }>(l));
    expect(rows).toHaveLength(2);
    expect(rows[0].id).toBeLessThan(rows[1].id);
    expect(rows[1]).toMatchObject({ operation: 'echo', tenant: 'acme', status: 'ok' });

    const show = await run(['logs', 'show', String(rows[1].id), '--json']);
    expect(parseJson<{ request: unknown }>(show.stdout).request).toEqual({ hello: 'stdin' });

    const exported = await run(['logs', 'export', '--format', 'csv', '--out', 'logs.csv']);
    expect(exported.code).toBe(0);
    const csv = readFileSync(join(dir, 'logs.csv'), 'utf8').trim().split('\r\n');
    expect(csv[0]).toBe('id,time,integration,adapter,operation,tenant,idempotency_key,correlation_id,status,error_category,error_message,attempts,duration_ms,request,response');
    // Every executed operation: the charge and the echo (the replayed charge ran nothing, health and self-test are not operations).
    expect(csv.slice(1).map((line) => line.split(',')[4])).toEqual(['charge', 'echo']);
    expect(existsSync(join(dir, 'logs.csv.partial'))).toBe(false);

    // Follow mode: shows what is there, keeps going, and ends cleanly (exit 0) on SIGINT.
    const follow = startCli(['logs', 'tail', '-f', '--json'], { cwd: dir });
    await follow.waitForStdout(/"operation":"echo"/);
    follow.child.kill('SIGINT');
    const followed = await follow.done;
    expect(followed.code).toBe(0);
    expect(followed.stdout.trim().split('\n')).toHaveLength(2);

    const prune = await run(['logs', 'prune', '--older-than', '90d', '--yes', '--json']);
    expect(parseJson(prune.stdout)).toMatchObject({ deleted: 0, dryRun: false });
  });

  it('honours NO_COLOR and --no-color even when colour is forced; colour appears only when forced without them', async () => {
    const coloured = await run(['list'], { FORCE_COLOR: '1' });
    expect(coloured.stdout).toContain('\u001b[');
    const noColor = await run(['list'], { FORCE_COLOR: '1', NO_COLOR: '1' });
    expect(noColor.stdout).not.toContain('\u001b[');
    expect(noColor.stdout).toContain('payments');
    const flag = await run(['list', '--no-color'], { FORCE_COLOR: '1' });
    expect(flag.stdout).not.toContain('\u001b[');
  });
});
