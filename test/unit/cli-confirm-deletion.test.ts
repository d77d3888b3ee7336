import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { projectWithConfig, runCli } from './cli-fixture.js';

const NOW = Date.UTC(2026, 0, 1, 12);
const opened: SqliteStore[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});

async function project(jobs: number) {
  const cwd = projectWithConfig({ store: { path: 'store.db' }, integrations: { payments: { adapter: 'mock' } } });
  const store = SqliteStore.open(join(cwd, 'store.db'));
  opened.push(store);
  for (let i = 0; i < jobs; i++) {
    await store.queue.enqueue({ integration: 'payments', operation: 'echo', payload: '{}', tenant: null, idempotencyKey: `k${i}`, correlationId: null, origin: 'enqueue', priority: 0, runAt: NOW, maxAttempts: 3, now: NOW });
  }
  return { cwd, store };
}

/** In-process through CliIO: a fake terminal on stdin, stderr flagged as one, answers typed when the question shows. */
function atTerminal(answer: string) {
  const terminal = Object.assign(new PassThrough(), { isTTY: true });
  let typed = false;
  return {
    stdinStream: terminal,
    stderrIsTTY: true,
    clock: new ManualClock(NOW),
    asked: () => typed,
    onStderr: (text: string) => {
      if (!typed && /\?/.test(text)) {
        typed = true;
        setImmediate(() => terminal.write(answer));
      }
    },
  };
}

describe('the question before deleting (in-process)', () => {
  it('queue cancel asks which jobs; Enter takes the default, no: nothing cancelled, exit 2', async () => {
    const { cwd, store } = await project(2);
    const term = atTerminal('\r');
    const res = await runCli(['queue', 'cancel', '1', '2'], { cwd, ...term });
    expect(term.asked()).toBe(true);
    expect(res.stderr).toMatch(/Cancel 2 pending jobs \(1, 2\)\?/);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/error:.* nothing changed: not confirmed\n$/);
    expect((await store.queue.stats(NOW)).byStatus.pending).toBe(2);
  });

  it('"y" goes ahead', async () => {
    const { cwd, store } = await project(1);
    const term = atTerminal('y\r');
    const res = await runCli(['queue', 'cancel', '1'], { cwd, ...term });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toBe('cancelled 1\n');
    expect((await store.queue.get(1))?.status).toBe('cancelled');
  });

  it('asks only when there is something to delete', async () => {
    const { cwd } = await project(0);
    const term = atTerminal('n\r');
    const res = await runCli(['logs', 'prune', '--older-than', '90d'], { cwd, ...term });
    expect(term.asked()).toBe(false);
    expect(res).toMatchObject({ code: 0, stdout: 'deleted 0 log rows older than 2025-10-03T12:00:00.000Z\n' });
  });

  it('does not ask when stderr, where the question would go, is not a terminal', async () => {
    const { cwd, store } = await project(1);
    const term = atTerminal('y\r');
    const res = await runCli(['queue', 'cancel', '1'], { cwd, ...term, stderrIsTTY: false });
    expect(term.asked()).toBe(false);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/pass --yes/);
    expect((await store.queue.get(1))?.status).toBe('pending');
  });
});
