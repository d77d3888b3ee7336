import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OperationLogInput } from '../../src/store/types.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { logRow } from '../support/log-row.js';
import { assertBuilt, BIN, cli, parseJson, tempProject, writeJsonConfig } from './cli-harness.js';

/**
 * Commands that delete (issue 10, §4): they say what they will delete, ask
 * on a terminal, refuse without one unless --yes, count only with
 * --dry-run, and want --force as well for an --older-than under an hour.
 * Every refusal is checked against the store: nothing deleted.
 */
const DAY = 24 * 3_600_000;
const STORE = 'store.db';
const dirs: string[] = [];
beforeAll(() => assertBuilt());
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function logRowAt(time: number): OperationLogInput {
  return logRow({ time, integration: 'payments', operation: 'charge', idempotencyKey: `k-${time}-${Math.random()}`, durationMs: 3 });
}

/** A project whose store holds 2 old and 1 recent log rows, 2 long-cancelled and 2 pending jobs, and a subscription with a waiting delivery. */
async function seeded() {
  const dir = tempProject('integrations-destructive-');
  dirs.push(dir);
  writeJsonConfig(dir, { store: { path: STORE }, integrations: { payments: { adapter: 'mock' } } });
  const now = Date.now();
  const store = SqliteStore.open(join(dir, STORE));
  try {
    for (const time of [now - 3 * DAY, now - 2 * DAY, now - 60_000]) await store.logs.append(logRowAt(time));
    for (const key of ['a', 'b', 'c', 'd']) {
      await store.queue.enqueue({ integration: 'payments', operation: 'echo', payload: '{}', tenant: null, idempotencyKey: key, correlationId: null, origin: 'enqueue', priority: 0, runAt: now + DAY, maxAttempts: 3, now });
    }
    for (const id of [1, 2]) await store.queue.cancel(id, now - 2 * DAY);
    await store.outbound.createSubscription({ url: 'https://example.com/hooks', events: ['*'], secret: `whsec_${Buffer.alloc(32, 1).toString('base64')}`, description: null, now });
    await store.outbound.enqueue({ deliveries: [{ subscriptionId: 1, eventId: 1, messageId: 'msg_1', eventType: 'payment.succeeded', integration: 'payments', payload: '{}', runAt: now }], now });
  } finally {
    await store.close();
  }
  return { dir, run: (...args: string[]) => cli(args, { cwd: dir }) };
}

/** What is in the store now: log rows, jobs by status, active subscriptions. */
async function contents(dir: string) {
  const store = SqliteStore.open(join(dir, STORE));
  try {
    const stats = await store.queue.stats(Date.now());
    return { logs: await store.logs.count({}), cancelled: stats.byStatus.cancelled, pending: stats.byStatus.pending, subscriptions: (await store.outbound.listSubscriptions()).length };
  } finally {
    await store.close();
  }
}

const UNTOUCHED = { logs: 3, cancelled: 2, pending: 2, subscriptions: 1 };

describe('destructive commands without a terminal (built CLI)', () => {
  const commands: { name: string; args: string[]; counts: RegExp; after: Partial<typeof UNTOUCHED> }[] = [
    { name: 'logs prune', args: ['logs', 'prune', '--older-than', '1d'], counts: /2 log rows older than /, after: { logs: 1 } },
    { name: 'queue purge', args: ['queue', 'purge', '--status', 'cancelled', '--older-than', '1d'], counts: /2 cancelled jobs finished before /, after: { cancelled: 0 } },
    { name: 'queue cancel', args: ['queue', 'cancel', '3', '4'], counts: /2 pending jobs \(3, 4\)/, after: { pending: 0, cancelled: 4 } },
    { name: 'webhooks subscriptions remove', args: ['webhooks', 'subscriptions', 'remove', '1'], counts: /subscription 1 \(https:\/\/example\.com\/hooks\) and cancel its 1 waiting delivery/, after: { subscriptions: 0 } },
  ];

  for (const command of commands) {
    it(`${command.name}: refuses without --yes (exit 2, one line, nothing deleted); --dry-run only counts; --yes deletes`, async () => {
      const { dir, run } = await seeded();

      const refused = await run(...command.args);
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toMatch(command.counts);
      expect(refused.stderr).toMatch(/^error: not on a terminal, so not asking to .*; pass --yes to go ahead \(or --dry-run to only count\)\n$/);
      expect(await contents(dir)).toEqual(UNTOUCHED);

      const dry = await run(...command.args, '--dry-run');
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toMatch(/^would /);
      expect(dry.stdout).toMatch(command.counts);
      expect(await contents(dir)).toEqual(UNTOUCHED);

      const done = await run(...command.args, '--yes');
      expect(done.code, done.stderr).toBe(0);
      expect(await contents(dir)).toEqual({ ...UNTOUCHED, ...command.after });
    });
  }

  it('an --older-than under one hour needs --force as well, even with --yes (exit 2, saying why); a dry run may count', async () => {
    const { dir, run } = await seeded();
    for (const args of [
      ['logs', 'prune', '--older-than', '0s', '--yes'],
      ['queue', 'purge', '--status', 'cancelled', '--older-than', '59m', '--yes'],
    ]) {
      const res = await run(...args);
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr).toMatch(/^error: --older-than (0s|59m) is under one hour, .*add --force as well/);
      expect(await contents(dir)).toEqual(UNTOUCHED);
    }
    const counted = await run('logs', 'prune', '--older-than', '0s', '--dry-run', '--json');
    expect(parseJson(counted.stdout)).toMatchObject({ deleted: 0, matched: 3, dryRun: true });
    const forced = await run('logs', 'prune', '--older-than', '0s', '--force', '--yes', '--json');
    expect(parseJson(forced.stdout)).toMatchObject({ deleted: 3, dryRun: false });
    expect((await contents(dir)).logs).toBe(0);
  });

  it('--json reports the counts of a dry run and of the deletion', async () => {
    const { run } = await seeded();
    expect(parseJson((await run('queue', 'purge', '--status', 'cancelled', '--older-than', '1d', '--dry-run', '--json')).stdout)).toMatchObject({ status: 'cancelled', deleted: 0, matched: 2, dryRun: true });
    expect(parseJson((await run('queue', 'cancel', '3', '--dry-run', '--json')).stdout)).toEqual({ wouldCancel: [3], refused: [], dryRun: true });
    expect(parseJson((await run('webhooks', 'subscriptions', 'remove', '1', '--dry-run', '--json')).stdout)).toEqual({ id: 1, removed: false, waitingDeliveries: 1, dryRun: true });
    expect(parseJson((await run('queue', 'purge', '--status', 'cancelled', '--older-than', '1d', '--yes', '--json')).stdout)).toMatchObject({ deleted: 2, matched: 2, dryRun: false });
  });
});

const hasScript = spawnSync('script', ['--version']).status === 0;

/**
 * The CLI in a real pseudo-terminal (util-linux `script`): stdin and stderr
 * are a TTY, as for a person at a shell. Answers are typed once the
 * question is on the screen.
 */
function inTerminal(args: string[], cwd: string) {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], { cwd, env: { PATH: process.env.PATH ?? '', HOME: cwd, LANG: 'C.UTF-8', TERM: 'dumb' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  const waiting: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    screen += d;
    for (const w of waiting.splice(0)) {
      if (w.pattern.test(screen)) w.resolve();
      else waiting.push(w);
    }
  });
  const done = new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    screen: () => screen,
    type: (keys: string) => child.stdin.write(keys),
    waitFor: (pattern: RegExp) => new Promise<void>((resolve) => (pattern.test(screen) ? resolve() : waiting.push({ pattern, resolve }))),
    done: async () => {
      const code = await done;
      child.stdin.end();
      return code;
    },
  };
}

describe.skipIf(!hasScript)('destructive commands at a terminal (built CLI in a pseudo-terminal)', () => {
  it('logs prune asks with the count; "n" deletes nothing (exit 2), "y" deletes', async () => {
    const { dir } = await seeded();

    const declined = inTerminal(['logs', 'prune', '--older-than', '1d'], dir);
    await declined.waitFor(/Delete 2 log rows older than \S+\?/);
    declined.type('n\r');
    expect(await declined.done()).toBe(2);
    expect(declined.screen()).toMatch(/nothing changed: not confirmed/);
    expect(await contents(dir)).toEqual(UNTOUCHED);

    const accepted = inTerminal(['logs', 'prune', '--older-than', '1d'], dir);
    await accepted.waitFor(/Delete 2 log rows older than \S+\?/);
    accepted.type('y\r');
    expect(await accepted.done()).toBe(0);
    expect(accepted.screen()).toMatch(/deleted 2 log rows older than /);
    expect((await contents(dir)).logs).toBe(1);
  });

  it('a terminal does not replace --force for an age under an hour', async () => {
    const { dir } = await seeded();
    const term = inTerminal(['queue', 'purge', '--status', 'cancelled', '--older-than', '0s'], dir);
    expect(await term.done()).toBe(2);
    expect(term.screen()).toMatch(/add --force as well/);
    expect(await contents(dir)).toEqual(UNTOUCHED);
  });
});
