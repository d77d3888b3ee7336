import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DemoReport } from '../../src/demo/run-demo.js';
import type { StepResult } from '../../src/demo/runner.js';
import { runCli } from './cli-fixture.js';

/** The command's half only: the report from the demo (stubbed here) becomes output and an exit code. */
const demo = vi.hoisted(() => ({ report: undefined as unknown, options: undefined as unknown }));
vi.mock('../../src/demo/run-demo.js', () => ({
  runDemo: async (options: unknown) => {
    demo.options = options;
    return demo.report;
  },
}));

const step = (name: string, status: StepResult['status'], error: string | null = null): StepResult => ({
  name,
  title: `${name} title`,
  status,
  durationMs: 1,
  summary: status === 'passed' ? 'ok' : null,
  details: [],
  data: null,
  error,
});

const report = (steps: StepResult[]): DemoReport => ({
  ok: steps.every((s) => s.status === 'passed'),
  durationMs: 5,
  folder: '/tmp/integrations-demo-x',
  kept: false,
  daemonUrl: 'http://127.0.0.1:1',
  simulators: {},
  steps,
});

describe('integrations demo (command)', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'integrations-cli-demo-'));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));
  beforeEach(() => {
    demo.report = undefined;
    demo.options = undefined;
  });

  it('exits 0 when every step passed; --json prints the report on stdout; --keep reaches the demo', async () => {
    demo.report = report([step('mpesa-charge', 'passed'), step('health', 'passed')]);
    const res = await runCli(['demo', '--json', '--keep'], { cwd });
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual(demo.report);
    expect(demo.options).toMatchObject({ keep: true, json: true });
  });

  it('exits 1 naming each step that did not pass, with its reason', async () => {
    demo.report = report([step('mpesa-charge', 'passed'), step('queue-outage', 'failed', 'job 1 is dead'), step('webhook-replay', 'failed', 'replay failed')]);
    const res = await runCli(['demo'], { cwd });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('demo failed at queue-outage (job 1 is dead); webhook-replay (replay failed)');
    expect(res.stderr).not.toContain('mpesa-charge');
    expect(demo.options).toMatchObject({ keep: false, json: false });
  });
});
