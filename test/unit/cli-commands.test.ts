import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { projectWithConfig, runCli } from './cli-fixture.js';

describe('init', () => {
  it('--dir writes there; --db puts the store path into the config; --json reports what it made', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'integrations-init-'));
    const res = await runCli(['init', '--yes', '--dir', 'project', '--db', 'project/state/ops.db', '--json'], { cwd });
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout) as { config: string; store: string; integrations: string[] };
    expect(out).toEqual({ config: join(cwd, 'project', 'integrations.config.ts'), store: join(cwd, 'project', 'state', 'ops.db'), integrations: ['payments', 'files'] });
    expect(readFileSync(out.config, 'utf8')).toContain("store: { path: 'state/ops.db' }");
    expect(existsSync(out.store)).toBe(true);

    // The written config is what later commands load, store path included.
    const list = await runCli(['list', '--json', '--config', 'project'], { cwd });
    expect(JSON.parse(list.stdout).map((l: { name: string }) => l.name)).toEqual(['files', 'payments']);
  });

  it('refuses to overwrite without --force (exit 2) and overwrites with it', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'integrations-init-'));
    expect((await runCli(['init', '--yes'], { cwd })).code).toBe(0);
    const refused = await runCli(['init', '--yes'], { cwd });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`error: ${join(cwd, 'integrations.config.ts')} already exists; use --force to overwrite it\n`);
    const forced = await runCli(['init', '--yes', '--force'], { cwd });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('✓ wrote integrations.config.ts');
  });
});

describe('init at a terminal', () => {
  it('asks for the store, which integrations and their names, and writes what was answered', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'integrations-init-'));
    const terminal = Object.assign(new PassThrough(), { isTTY: true });
    // Each answer is typed when its question appears; Enter alone takes the default.
    const script: [RegExp, string][] = [
      [/Store file/, 'state/ops.db\r'],
      [/simulated payment integration/, '\r'],
      [/Its name/, 'shop\r'],
      [/local file storage integration/, 'n\r'],
    ];
    const res = await runCli(['init'], {
      cwd,
      stdinStream: terminal,
      onStderr: (text) => {
        const next = script[0];
        if (next && next[0].test(text)) {
          script.shift();
          // After the prompt has finished drawing and listens for keys.
          setImmediate(() => terminal.write(next[1]));
        }
      },
    });
    expect(script).toEqual([]);
    expect(res.code).toBe(0);
    const config = readFileSync(join(cwd, 'integrations.config.ts'), 'utf8');
    expect(config).toContain("store: { path: 'state/ops.db' }");
    expect(config).toMatch(/shop: \{\s+adapter: 'mock'/);
    expect(config).not.toContain('local-storage');
    expect(existsSync(join(cwd, 'state', 'ops.db'))).toBe(true);
  });
});

describe('run, test and health in-process', () => {
  const cwd = projectWithConfig({
    integrations: {
      payments: { adapter: 'mock' },
      keyed: { adapter: 'mock', config: { secretKey: 'env:MOCK_KEY', failures: ['AUTHENTICATION_FAILED'] } },
      secured: { adapter: 'mock', config: { secretKey: 'env:MOCK_KEY' } },
      slow: { adapter: 'mock', config: { failureRate: 0.5 } },
    },
  });
  const env = { MOCK_KEY: 'sk_test_unit_999999' };

  it('run without --json: the result alone on stdout, a one-line summary on stderr; a failure exits by category', async () => {
    const ok = await runCli(['run', 'payments', 'echo', '--payload', '{"n": 1}', '--idempotency-key', 'k-1'], { cwd, env });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ n: 1 });
    expect(ok.stderr).toMatch(/^✓ payments echo ok \(1 attempt, \d+ ms, log #\d+\)\n$/);
    const replay = await runCli(['run', 'payments', 'echo', '--payload', '{"n": 1}', '--idempotency-key', 'k-1'], { cwd, env });
    expect(replay.stderr).toMatch(/replayed: an earlier run with the same idempotency key already succeeded/);

    const failed = await runCli(['run', 'keyed', 'echo'], { cwd, env });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toMatch(/^✗ keyed echo failed \(1 attempt, .*\)\nerror: /);
    expect(failed.stderr).not.toContain(env.MOCK_KEY);
  });

  it('test --json gives every step with its status and time', async () => {
    const res = await runCli(['test', 'secured', '--json'], { cwd, env });
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout) as { ok: boolean; steps: { step: string; status: string; durationMs: number; message: string }[] };
    expect(out.ok).toBe(true);
    expect(out.steps.map((s) => [s.step, s.status])).toEqual([
      ['config valid', 'passed'],
      ['credentials present', 'passed'],
      ['health', 'passed'],
      ['self-test', 'passed'],
    ]);
    expect(out.steps[1].message).toBe('set: secretKey');
    expect(JSON.stringify(out)).not.toContain(env.MOCK_KEY);

    const unknown = await runCli(['test', 'nope'], { cwd, env });
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toMatch(/^✗ config valid/);
    expect(unknown.stderr).toBe('error: unknown integration "nope"; configured: payments, keyed, secured, slow\n');
  });

  it('health prints a table and exits 4 unless every checked integration is healthy; --timeout is validated', async () => {
    const all = await runCli(['health'], { cwd, env });
    expect(all.code).toBe(4);
    const lines = all.stdout.trimEnd().split('\n');
    expect(lines[0].split(/\s{2,}/)).toEqual(['NAME', 'ADAPTER', 'STATUS', 'LATENCY', 'MESSAGE']);
    expect(lines.find((l) => l.startsWith('slow'))).toMatch(/degraded/);
    const one = await runCli(['health', 'payments', '--timeout', '2s'], { cwd, env });
    expect(one.code).toBe(0);
    expect(one.stdout.trimEnd().split('\n')).toHaveLength(2);
    expect((await runCli(['health', '--timeout', 'soon'], { cwd, env })).code).toBe(2);
    expect((await runCli(['health', 'ghost'], { cwd, env })).stderr).toBe('error: unknown integration "ghost"; configured: payments, keyed, secured, slow\n');
  });

  it('list without integrations says so on stderr and prints nothing on stdout', async () => {
    const empty = projectWithConfig({ integrations: {} });
    const res = await runCli(['list'], { cwd: empty });
    expect(res).toMatchObject({ code: 0, stdout: '' });
    expect(res.stderr).toMatch(/^no integrations configured/);
  });
});
