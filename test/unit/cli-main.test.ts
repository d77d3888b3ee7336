import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectWithConfig, runCli } from './cli-fixture.js';

describe('main: parsing and the one error-to-exit-code mapping', () => {
  const cwd = projectWithConfig({ integrations: { payments: { adapter: 'mock' } } });

  it('--help and --version succeed on stdout and list the exit codes', async () => {
    const help = await runCli(['--help'], { cwd });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: integrations /);
    expect(help.stdout).toMatch(/Exit codes:\n\s+0\s+success[\s\S]*\n\s+7\s+store locked/);
    for (const command of ['init', 'adapters', 'list', 'run', 'test', 'health', 'logs']) expect(help.stdout).toMatch(new RegExp(`\\n  ${command} `));
    const version = await runCli(['--version'], { cwd });
    expect(version).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
  });

  it('a command group without its subcommand shows help on stderr and exits 2', async () => {
    const res = await runCli(['logs'], { cwd });
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/Usage: integrations logs/);
  });

  it('usage errors from commander are one line (plus a hint), or a JSON object on stderr under --json', async () => {
    const text = await runCli(['run', 'payments'], { cwd });
    expect(text.code).toBe(2);
    expect(text.stderr).toBe("error: missing required argument 'operation'\n(run with --help for usage)\n");

    const json = await runCli(['logs', 'tail', '--status', 'broken', '--json'], { cwd });
    expect(json.code).toBe(2);
    expect(json.stdout).toBe('');
    expect(JSON.parse(json.stderr)).toEqual({
      error: { code: 'USAGE', category: 'USAGE', message: expect.stringContaining("Allowed choices are ok, failed"), retryable: false, exitCode: 2 },
    });
  });

  it('global options work on either side of the subcommand', async () => {
    const before = await runCli(['--json', 'list'], { cwd });
    const after = await runCli(['list', '--json'], { cwd });
    expect(JSON.parse(before.stdout)).toEqual(JSON.parse(after.stdout));
    expect(JSON.parse(after.stdout)[0]).toMatchObject({ name: 'payments', adapter: 'mock', kind: 'payment' });
  });

  it('--verbose adds the details of an expected error, never a stack trace', async () => {
    const empty = projectWithConfig({});
    const quiet = await runCli(['list', '--config', 'nowhere.json'], { cwd: empty });
    expect(quiet.code).toBe(3);
    expect(quiet.stderr.trim().split('\n')).toHaveLength(1);
    const verbose = await runCli(['list', '--config', 'nowhere.json', '--verbose'], { cwd: empty });
    expect(verbose.stderr).toMatch(/^error: no config file at .*nowhere\.json .*\n {2}looked: /);
    expect(verbose.stderr).not.toMatch(/\n\s+at /);
  });

  it('an interrupted command exits 130 and leaves no half-written file; follow mode ends cleanly', async () => {
    const controller = new AbortController();
    controller.abort(new Error('received SIGINT'));
    const res = await runCli(['logs', 'tail', '--follow'], { cwd, signal: controller.signal });
    // Follow mode treats the signal as its normal end: it stops and succeeds.
    expect(res.code).toBe(0);
    expect((await runCli(['run', 'payments', 'echo'], { cwd })).code).toBe(0);
    const exported = await runCli(['logs', 'export', '--out', 'out.jsonl', '--json'], { cwd, signal: controller.signal });
    expect(exported.code).toBe(130);
    expect(JSON.parse(exported.stderr)).toMatchObject({ error: { code: 'INTERRUPTED', exitCode: 130 } });
    expect(existsSync(join(cwd, 'out.jsonl'))).toBe(false);
    expect(existsSync(join(cwd, 'out.jsonl.partial'))).toBe(false);
  });
});
