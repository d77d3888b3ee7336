/**
 * What a person at a terminal sees while a command waits or works: the
 * run's status line (its attempts and retries), the drain's and replay's
 * progress lines; and none of it into a pipe or under --json. In-process,
 * with CliIO fakes (stderr a terminal or not) and a ManualClock.
 */
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { formatProgress } from '../../src/cli/render/progress.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { projectWithConfig, runCli } from './cli-fixture.js';

const ERASE = '\r\x1b[2K';

describe('formatProgress', () => {
  it('gives counts and rate, and an ETA when the total is known', () => {
    expect(formatProgress({ label: 'exporting', done: 5_000, total: 6_000, unit: 'rows', elapsedMs: 2_000 })).toBe('exporting: 5,000/6,000 done, 2,500 rows/s, ETA 400 ms');
    expect(formatProgress({ label: 'replaying', done: 3, unit: 'webhooks', elapsedMs: 1_000, extra: ['1 failed'] })).toBe('replaying: 3 done, 3.0 webhooks/s, 1 failed');
  });
});

describe('run status line', () => {
  // Each project has its own store, so the mock's scripted failures start from the first.
  const flaky = () => projectWithConfig({ integrations: { ps: { adapter: 'mock', config: { failures: ['TIMEOUT', 'TIMEOUT'] }, timeoutMs: 30_000 } } });

  it('on a terminal: what it waits for and each retry with its delay and category, erased before the result', async () => {
    const res = await runCli(['run', 'ps', 'echo', '--payload', '{"n": 1}', '--no-color'], { cwd: flaky(), clock: new ManualClock(), stderrIsTTY: true });
    expect(res.stderr).toContain(`${ERASE}ps echo: waiting for the provider's answer (attempt 1/3, up to 30.0 s)…`);
    expect(res.stderr).toMatch(/ps echo: attempt 2\/3 in \d+ ms: TIMEOUT/);
    expect(res.stderr).toMatch(/ps echo: attempt 3\/3 in [\d.]+ m?s: TIMEOUT/);
    // The line is erased, then the verdict stands alone on its own line.
    expect(res.stderr).toMatch(/\r\x1b\[2K✓ ps echo ok \(3 attempts, [^)]*\)\n$/);
    expect(res.code).toBe(0);
  });

  it('nothing of it into a pipe, or with --json', async () => {
    const piped = await runCli(['run', 'ps', 'echo', '--payload', '{"n": 1}'], { cwd: flaky(), clock: new ManualClock(), stderrIsTTY: false });
    expect(piped.stderr).toMatch(/^✓ ps echo ok \(3 attempts/);
    expect(piped.stderr).not.toMatch(/attempt \d\/|waiting|\r/);
    const json = await runCli(['run', 'ps', 'echo', '--payload', '{"n": 1}', '--json'], { cwd: flaky(), clock: new ManualClock(), stderrIsTTY: true });
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, attempts: 3 });
  });
});

describe('progress lines of long commands', () => {
  it('queue drain: counts, rate and running jobs on a terminal only', async () => {
    const cwd = projectWithConfig({ integrations: { pay: { adapter: 'mock' } } });
    for (let i = 0; i < 3; i++) await runCli(['run', 'pay', 'charge', '--queue', '--payload', JSON.stringify({ amount: 100 + i, currency: 'KES', reference: `o-${i}` })], { cwd });
    const tty = await runCli(['queue', 'drain'], { cwd, stderrIsTTY: true });
    expect(tty.stderr).toMatch(/draining: 3\/3 done, [\d.]+ jobs\/s, 0 failed, 0 running/);
    expect(tty.stderr.endsWith(ERASE)).toBe(true);
    for (let i = 0; i < 3; i++) await runCli(['run', 'pay', 'charge', '--queue', '--payload', JSON.stringify({ amount: 200 + i, currency: 'KES', reference: `p-${i}` })], { cwd });
    const piped = await runCli(['queue', 'drain'], { cwd, stderrIsTTY: false });
    expect(piped.stdout).toMatch(/3 succeeded/);
    expect(piped.stderr).toBe('');
  });

  it('webhooks replay --failed: counts on a terminal only', async () => {
    const cwd = projectWithConfig({
      store: { path: 'store.db' },
      integrations: { hooks: { adapter: 'webhook', config: { eventTypePath: 'type' }, webhook: { scheme: 'token', secrets: ['token-for-progress-test-1'] } } },
    });
    const store = SqliteStore.open(join(cwd, 'store.db'));
    const body = Buffer.from('{"type": "oops",');
    const delivery = { integration: 'hooks', eventId: null, receivedAt: Date.UTC(2026, 0, 1), method: 'POST', path: '/webhooks/hooks', query: {}, headers: { 'content-type': 'application/json' }, sourceIp: null, body };
    const stored = await store.webhooks.commit({ deliveries: [delivery, delivery], rejections: [] });
    await store.webhooks.settle(stored.map((s) => ({ id: s.id, at: Date.UTC(2026, 0, 1), ok: false as const, error: 'not valid JSON' })));
    await store.close();

    const tty = await runCli(['webhooks', 'replay', '--failed'], { cwd, stderrIsTTY: true });
    expect(tty.stderr).toMatch(/replaying: 2 done, [\d.]+ webhooks\/s, 2 failed/);
    expect(tty.stdout).toMatch(/replayed 2 webhooks: 0 processed, 2 failed/);
    const piped = await runCli(['webhooks', 'replay', '--failed'], { cwd, stderrIsTTY: false });
    expect(piped.stderr).not.toContain('replaying');
    const json = await runCli(['webhooks', 'replay', '--failed', '--json'], { cwd, stderrIsTTY: true });
    expect(json.stderr).not.toContain('replaying');
  });
});

describe('init at a terminal, Ctrl-C', () => {
  it('exits 130 with one line, no "this looks like a bug", and writes nothing', async () => {
    const cwd = projectWithConfig({ integrations: {} });
    const terminal = Object.assign(new PassThrough(), { isTTY: true });
    let pressed = false;
    const res = await runCli(['init', '--dir', 'fresh'], {
      cwd,
      stdinStream: terminal,
      onStderr: (text) => {
        if (!pressed && /Store file/.test(text)) {
          pressed = true;
          // Ctrl-C as a terminal in raw mode delivers it: a key, not a signal.
          setImmediate(() => terminal.write('\x03'));
        }
      },
    });
    expect(pressed).toBe(true);
    expect(res.code).toBe(130);
    expect(res.stderr).toContain('error: init cancelled at the prompt; nothing was written');
    expect(res.stderr).not.toContain('bug');
    expect(res.stderr).not.toMatch(/ExitPromptError|force closed/);
  });
});
