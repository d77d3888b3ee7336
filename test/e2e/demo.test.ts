import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cli, parseJson, tempProject } from './cli-harness.js';

const STEPS = ['mpesa-charge', 'sms-delivery', 'storage', 'health', 'queue-outage', 'webhook-replay'];

interface Report {
  ok: boolean;
  folder: string;
  kept: boolean;
  daemonUrl: string;
  simulators: Record<string, string>;
  steps: { name: string; status: string; error: string | null; data: Record<string, unknown> | null }[];
}

/** Something still accepting connections at `url`, or not. */
async function listening(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

/**
 * `integrations demo`, the README's first command, on the built CLI: every
 * step passes, the process ends on its own (nothing left running keeps it
 * alive), and whatever it listened on is closed.
 */
describe('integrations demo', () => {
  const dir = tempProject('integrations-demo-e2e-');
  // The demo's temporary folder goes here, so the test can see that it is gone.
  const tmp = join(dir, 'tmp');
  const env = { TMPDIR: tmp };

  beforeAll(() => {
    assertBuilt();
    mkdirSync(tmp);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints every step as passed, then the summary, and exits 0 leaving no temporary folder', async () => {
    const res = await cli(['demo', '--no-color'], { cwd: dir, env });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const marks = res.stdout.split('\n').filter((l) => /^[✓✗] \d\. /.test(l));
    expect(marks).toHaveLength(STEPS.length);
    expect(marks.every((l) => l.startsWith('✓'))).toBe(true);
    expect(res.stdout).toContain('payment.succeeded');
    expect(res.stdout).toContain('sms.delivered');
    expect(res.stdout).toMatch(/NAME\s+ADAPTER\s+STATUS/);
    expect(res.stdout).toContain(`All ${STEPS.length} steps passed`);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('--json: stdout is the report, every step passed with what it proved; nothing is listening afterwards', async () => {
    const res = await cli(['demo', '--json'], { cwd: dir, env });
    expect(res.code).toBe(0);
    const report = parseJson<Report>(res.stdout);
    expect(report.ok).toBe(true);
    expect(report.steps.map((s) => [s.name, s.status, s.error])).toEqual(STEPS.map((name) => [name, 'passed', null]));
    const data = Object.fromEntries(report.steps.map((s) => [s.name, s.data]));
    expect(data['mpesa-charge']).toMatchObject({ eventType: 'payment.succeeded', forgedStatus: 401 });
    expect(data['sms-delivery']).toMatchObject({ eventType: 'sms.delivered' });
    expect(data['queue-outage']).toMatchObject({ failure: 'NETWORK_ERROR', drain: { claimed: 1, succeeded: 1, dead: 0 }, eventType: 'sms.delivered' });
    expect(data['webhook-replay']).toMatchObject({ replayedStatus: 'processed', events: ['orders.order.paid'] });
    expect((data.health as { reports: { status: string }[] }).reports.map((r) => r.status)).toEqual(['healthy', 'healthy', 'healthy', 'healthy']);
    // Progress went to stderr, one ✓ per step.
    expect(res.stderr.split('\n').filter((l) => l.startsWith('✓ '))).toHaveLength(STEPS.length);

    for (const url of [report.daemonUrl, ...Object.values(report.simulators)]) expect(await listening(url)).toBe(false);
    expect(existsSync(report.folder)).toBe(false);
  });

  it('--keep leaves the folder, whose config and store the other commands read', async () => {
    // Under the most permissive umask, nothing the demo writes is open to other users.
    const res = await cli(['demo', '--json', '--keep'], { cwd: dir, env, umask: 0o000 });
    expect(res.code).toBe(0);
    const report = parseJson<Report>(res.stdout);
    expect(report.kept).toBe(true);
    const entries = readdirSync(report.folder, { recursive: true, encoding: 'utf8' }).map((name) => join(report.folder, name));
    const open = [report.folder, ...entries].filter((path) => statSync(path).mode & 0o077).map((path) => `${path} ${(statSync(path).mode & 0o777).toString(8)}`);
    expect(open).toEqual([]);
    const config = join(report.folder, 'integrations.config.json');
    expect(existsSync(config)).toBe(true);

    const listed = await cli(['webhooks', 'list', '--json', '--config', config], { cwd: dir, env });
    expect(listed.code).toBe(0);
    const rows = parseJson<{ integration: string; type: string; status: string }[]>(listed.stdout);
    expect(rows.map((r) => [r.integration, r.type, r.status]).sort()).toEqual(
      [
        ['mpesa', 'payment.succeeded', 'processed'],
        ['orders', 'orders.order.paid', 'processed'],
        ['sms', 'sms.delivered', 'processed'],
        ['sms', 'sms.delivered', 'processed'],
      ].sort(),
    );
    const jobs = await cli(['queue', 'list', '--json', '--config', config], { cwd: dir, env });
    expect(parseJson<{ integration: string; status: string }[]>(jobs.stdout).map((j) => [j.integration, j.status])).toEqual([['sms', 'succeeded']]);
  });
});
