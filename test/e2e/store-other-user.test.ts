import { chmodSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { assertBuilt, cli, parseJson, startCli, tempProject, writeJsonConfig, type CliResult } from './cli-harness.js';
import { readersGroup } from './readers-group.js';

/**
 * A monitoring agent or an on-call engineer running as another user than the
 * store's owner. By default the store is its owner's only (files 0600 in a
 * 0700 folder); `store: { mode: '0640', group }` lets a monitoring group read
 * it (files 0640 in a 0750 folder, given to the group), read here as nobody
 * with that group.
 */
const isRoot = process.getuid?.() === 0;
const NOBODY = { uid: 65534, gid: 65534 };
/** Tests that start many CLI processes, on a shared 2-core machine. */
const MANY_PROCESSES_MS = 120_000;

/** A project folder nobody may enter and read but not write. */
function sharedProject(prefix: string, store: Record<string, unknown> = {}): string {
  const dir = tempProject(prefix);
  chmodSync(dir, 0o755);
  writeJsonConfig(dir, { store: { busyTimeoutMs: 200, ...store }, integrations: { fine: { adapter: 'mock' } } });
  return dir;
}

function expectOneClearLine(res: CliResult): void {
  expect(res.stderr.trim().split('\n')).toHaveLength(1);
  expect(res.stderr).not.toMatch(/looks like a bug|\n\s+at /);
}

describe.skipIf(!isRoot)('a store this user may read but not write (run as nobody in the store\'s group)', () => {
  let dir: string;
  let storePath: string;
  let member: { uid: number; gid: number };
  const asNobody = (args: string[]) => cli(args, { cwd: dir, user: member });
  const asRoot = (args: string[]) => cli(args, { cwd: dir });
  const storeFiles = () => readdirSync(join(dir, '.integrations')).sort();

  beforeAll(async () => {
    assertBuilt();
    const readers = readersGroup();
    // Node's spawn sets only the primary group: nobody's is the readers group here.
    member = { uid: NOBODY.uid, gid: readers.gid };
    dir = sharedProject('integrations-other-user-', { mode: '0640', group: readers.name });
    storePath = join(dir, '.integrations', 'integrations.db');
    expect((await asRoot(['run', 'fine', 'echo', '--payload', '{"n":1}'])).code).toBe(0);
    expect((await asRoot(['run', 'fine', 'echo', '--payload', '{"n":2}', '--queue'])).code).toBe(0);
    const store = SqliteStore.open(storePath, { files: { mode: 0o640, group: readers } });
    await store.webhooks.commit({
      deliveries: [{ integration: 'fine', eventId: 'evt-1', receivedAt: Date.now(), method: 'POST', path: '/webhooks/fine', query: {}, headers: {}, sourceIp: '127.0.0.1', body: Buffer.from('{"type":"ping"}') }],
      rejections: [{ time: Date.now(), integration: 'fine', reason: 'bad-signature', status: 401, method: 'POST', path: '/webhooks/fine', sourceIp: '127.0.0.1', headers: {}, bodySize: 2 }],
    });
    await store.close();
    expect(statSync(storePath).mode & 0o777).toBe(0o640);
    expect(statSync(join(dir, '.integrations')).mode & 0o777).toBe(0o750);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('every read-only command works when no process has the store open (no -shm to share), and writes nothing', async () => {
    // The last writer closed cleanly: SQLite would have to create the -shm file, which nobody may not.
    expect(storeFiles()).toEqual(['integrations.db']);
    const before = statSync(storePath).mtimeMs;

    const tail = await asNobody(['logs', 'tail', '--json']);
    expect(tail.code, tail.stderr).toBe(0);
    expect(parseJson<{ id: number; operation: string }>(tail.stdout.trim())).toMatchObject({ id: 1, operation: 'echo' });

    const show = await asNobody(['logs', 'show', '1', '--json']);
    expect(show.code, show.stderr).toBe(0);
    expect(parseJson<{ request: unknown }>(show.stdout).request).toEqual({ n: 1 });

    const exported = await asNobody(['logs', 'export', '--format', 'csv']);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout.trim().split('\n')).toHaveLength(2);

    const jobs = await asNobody(['queue', 'list', '--json']);
    expect(jobs.code, jobs.stderr).toBe(0);
    expect(parseJson<{ id: number; status: string }[]>(jobs.stdout)).toMatchObject([{ id: 1, status: 'pending' }]);

    const job = await asNobody(['queue', 'show', '1', '--json']);
    expect(job.code, job.stderr).toBe(0);
    expect(parseJson<{ id: number }>(job.stdout)).toMatchObject({ id: 1 });

    const stats = await asNobody(['queue', 'stats', '--json']);
    expect(stats.code, stats.stderr).toBe(0);
    expect(parseJson<{ byStatus: Record<string, number> }>(stats.stdout).byStatus.pending).toBe(1);

    const webhooks = await asNobody(['webhooks', 'list', '--json']);
    expect(webhooks.code, webhooks.stderr).toBe(0);
    expect(parseJson<{ id: number; eventId: string }[]>(webhooks.stdout)).toMatchObject([{ id: 1, eventId: 'evt-1' }]);

    const webhook = await asNobody(['webhooks', 'show', '1', '--json']);
    expect(webhook.code, webhook.stderr).toBe(0);
    expect(parseJson<{ body: unknown }>(webhook.stdout).body).toEqual({ type: 'ping' });

    const rejections = await asNobody(['webhooks', 'rejections', '--json']);
    expect(rejections.code, rejections.stderr).toBe(0);
    expect(parseJson<{ reason: string }[]>(rejections.stdout)).toMatchObject([{ reason: 'bad-signature' }]);

    const list = await asNobody(['list', '--json']);
    expect(list.code, list.stderr).toBe(0);
    expect(parseJson<{ name: string; lastSuccess: unknown }[]>(list.stdout)).toMatchObject([{ name: 'fine', lastSuccess: expect.anything() }]);

    const adapters = await asNobody(['adapters', 'list', '--json']);
    expect(adapters.code, adapters.stderr).toBe(0);

    expect(storeFiles()).toEqual(['integrations.db']);
    expect(statSync(storePath).mtimeMs).toBe(before);
   }, MANY_PROCESSES_MS);

  it('reads through the -shm of a process that has the store open', async () => {
    const holder = new Database(storePath);
    try {
      holder.prepare('SELECT count(*) FROM operation_logs').get();
      expect(storeFiles()).toContain('integrations.db-shm');
      const tail = await asNobody(['logs', 'tail', '--json']);
      expect(tail.code, tail.stderr).toBe(0);
      expect(tail.stdout).toContain('"id":1');
      const jobs = await asNobody(['queue', 'stats', '--json']);
      expect(jobs.code, jobs.stderr).toBe(0);
    } finally {
      holder.close();
    }
  });

  it('logs tail -f keeps showing rows the owner appends while it follows', async () => {
    expect(storeFiles()).toEqual(['integrations.db']);
    const tail = startCli(['logs', 'tail', '-f', '--json'], { cwd: dir, user: member });
    try {
      await tail.waitForStdout(/"id":1/);
      expect((await asRoot(['run', 'fine', 'echo', '--payload', '{"n":3}'])).code).toBe(0);
      const seen = await tail.waitForStdout(/"id":2,/);
      expect(seen).toContain('"n":3');
    } finally {
      tail.child.kill('SIGTERM');
      await tail.done;
    }
  });

  it('health checks and reports, warns once that nothing is recorded, and exits by the checks', async () => {
    const res = await asNobody(['health', '--json']);
    expect(res.code, res.stderr).toBe(0);
    expect(parseJson<{ name: string; status: string }[]>(res.stdout)).toMatchObject([{ name: 'fine', status: 'healthy' }]);
    expectOneClearLine(res);
    expect(res.stderr).toMatch(/^warning: store .*integrations\.db cannot be written by user nobody: no write permission on file .*integrations\.db \(owner uid 0, mode 0640\); reading it only, nothing from this run is recorded\n$/);
  });

  it('a command that must write exits 7 with one line naming the file and the permission', async () => {
    for (const args of [['run', 'fine', 'echo'], ['queue', 'drain'], ['daemon', '--port', '0'], ['circuit', 'reset', 'fine']]) {
      const res = await asNobody(args);
      expect(res.code, `${args.join(' ')}: ${res.stderr}`).toBe(7);
      expect(res.stdout).toBe('');
      expectOneClearLine(res);
      expect(res.stderr).toContain(`error: store ${storePath} cannot be written by user nobody: no write permission on file ${storePath} (owner uid 0, mode 0640)`);
    }
    const json = await asNobody(['queue', 'drain', '--json']);
    expect(parseJson<{ error: { code: string; exitCode: number } }>(json.stderr).error).toMatchObject({ code: 'STORE_PERMISSION_DENIED', exitCode: 7 });
    expect(storeFiles()).toEqual(['integrations.db']);
   }, MANY_PROCESSES_MS);
});

describe.skipIf(!isRoot)('the default store is its owner\'s only (run as nobody)', () => {
  let dir: string;
  let storePath: string;
  const asNobody = (args: string[]) => cli(args, { cwd: dir, user: NOBODY });

  beforeAll(async () => {
    assertBuilt();
    dir = sharedProject('integrations-private-store-');
    storePath = join(dir, '.integrations', 'integrations.db');
    expect((await cli(['run', 'fine', 'echo', '--payload', '{"card":"4111111111111111"}'], { cwd: dir })).code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('read-only commands: permission denied, exit 7, one line naming the folder, its owner and mode', async () => {
    for (const args of [['logs', 'tail'], ['logs', 'export'], ['queue', 'list'], ['webhooks', 'list'], ['list']]) {
      const res = await asNobody(args);
      expect(res.code, `${args.join(' ')}: ${res.stderr}`).toBe(7);
      expect(res.stdout).toBe('');
      expectOneClearLine(res);
      expect(res.stderr).toBe(`error: store ${storePath} cannot be read by user nobody: no search (x) permission on folder ${join(dir, '.integrations')} (owner uid 0, mode 0700)\n`);
    }
  }, MANY_PROCESSES_MS);
});

describe.skipIf(!isRoot)('a store folder this user may not create (run as nobody)', () => {
  let dir: string;
  const asNobody = (args: string[]) => cli(args, { cwd: dir, user: NOBODY });

  beforeAll(() => {
    assertBuilt();
    dir = sharedProject('integrations-no-folder-');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('read-only commands show an empty store and create nothing; health warns once and checks', async () => {
    const tail = await asNobody(['logs', 'tail', '--json']);
    expect(tail).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const list = await asNobody(['list', '--json']);
    expect(list.code, list.stderr).toBe(0);
    expect(parseJson<{ name: string; lastSuccess: unknown }[]>(list.stdout)).toMatchObject([{ name: 'fine', lastSuccess: null }]);
    const jobs = await asNobody(['queue', 'list', '--json']);
    expect(jobs).toMatchObject({ code: 0, stdout: '[]\n' });

    const health = await asNobody(['health']);
    expect(health.code, health.stderr).toBe(0);
    expect(health.stdout).toMatch(/fine\s+mock\s+healthy/);
    expectOneClearLine(health);
    expect(health.stderr).toContain(`cannot be created by user nobody: no write permission on folder ${dir} (owner uid 0, mode 0755); reading it only`);
    expect(existsSync(join(dir, '.integrations'))).toBe(false);
  }, MANY_PROCESSES_MS);

  it('a command that must write exits 7 with one line naming the folder and the permission', async () => {
    const res = await asNobody(['run', 'fine', 'echo']);
    expect(res.code).toBe(7);
    expectOneClearLine(res);
    expect(res.stderr).toBe(`error: store ${join(dir, '.integrations', 'integrations.db')} cannot be created by user nobody: no write permission on folder ${dir} (owner uid 0, mode 0755)\n`);
    expect(existsSync(join(dir, '.integrations'))).toBe(false);
  });

  it('init in a folder this user may not write: one line, exit 2', async () => {
    const res = await asNobody(['init', '--yes']);
    expect(res.code).toBe(2);
    expectOneClearLine(res);
    expect(res.stderr).toMatch(/^error: cannot write .*integrations\.config\.ts: EACCES: permission denied\n$/);
  });

  it('logs export --out into a folder this user may not write: one line, exit 2, before reading the store', async () => {
    const res = await asNobody(['logs', 'export', '--out', join(dir, 'logs.jsonl')]);
    expect(res.code).toBe(2);
    expectOneClearLine(res);
    expect(res.stderr).toBe(`error: --out ${join(dir, 'logs.jsonl')}: no write permission on folder ${dir} (owner uid 0, mode 0755)\n`);
  });
});

describe('logs export --out', () => {
  it('into a folder that does not exist: one line naming it, exit 2, nothing written', async () => {
    assertBuilt();
    const dir = tempProject('integrations-export-out-');
    try {
      writeJsonConfig(dir, { integrations: { fine: { adapter: 'mock' } } });
      const res = await cli(['logs', 'export', '--out', '/nonexistent/dir/x.jsonl'], { cwd: dir });
      expect(res.code).toBe(2);
      expect(res.stderr).toBe('error: --out /nonexistent/dir/x.jsonl: folder /nonexistent/dir does not exist\n');
      const json = await cli(['logs', 'export', '--out', 'missing/x.jsonl', '--json'], { cwd: dir });
      expect(json.code).toBe(2);
      expect(parseJson<{ error: { code: string; message: string } }>(json.stderr).error).toMatchObject({ code: 'USAGE', message: `--out missing/x.jsonl: folder ${join(dir, 'missing')} does not exist` });
      expect(existsSync(join(dir, '.integrations'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
