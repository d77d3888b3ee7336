import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertBuilt, cli, parseJson, tempProject, writeJsonConfig, type CliResult } from './cli-harness.js';

/**
 * Another process holds the store's write lock longer than the busy timeout:
 * one answer, the store's (exit 7), never an empty queue on stdout and never
 * a provider's failure.
 */
describe('a store locked by another writer', () => {
  let dir: string;
  let holder: Database.Database | undefined;
  const run = (args: string[]) => cli(args, { cwd: dir });

  function expectLocked(res: CliResult): void {
    expect(res.code, res.stderr).toBe(7);
    expect(res.stdout).toBe('');
    expect(res.stderr).toBe(`error: store ${join(dir, '.integrations', 'integrations.db')} is locked by another process (busy timeout exceeded); retry shortly\n`);
  }

  beforeAll(async () => {
    assertBuilt();
    dir = tempProject('integrations-locked-');
    writeJsonConfig(dir, { store: { busyTimeoutMs: 50 }, integrations: { fine: { adapter: 'mock' } } });
    expect((await run(['run', 'fine', 'echo', '--payload', '{"n":1}', '--queue'])).code).toBe(0);
  });
  beforeEach(() => {
    holder = new Database(join(dir, '.integrations', 'integrations.db'));
    holder.prepare('BEGIN IMMEDIATE').run();
  });
  afterEach(() => {
    holder?.close();
    holder = undefined;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('queue drain: exit 7 with the lock as its one message, no "no due jobs"', async () => {
    expectLocked(await run(['queue', 'drain']));
    const json = await run(['queue', 'drain', '--json']);
    expect(json.code).toBe(7);
    expect(json.stdout).toBe('');
    expect(parseJson<{ error: { code: string } }>(json.stderr).error.code).toBe('STORE_LOCKED');
  });

  it('health: exit 7, not an unhealthy integration with SERVER_ERROR', async () => {
    expectLocked(await run(['health']));
    const json = await run(['health', '--json']);
    expect(json.code).toBe(7);
    expect(json.stdout).toBe('');
    expect(json.stderr).not.toContain('SERVER_ERROR');
    expect(parseJson<{ error: { code: string; exitCode: number } }>(json.stderr).error).toMatchObject({ code: 'STORE_LOCKED', exitCode: 7 });
  });

  it('run --queue: exit 7 with the lock, not "this looks like a bug"', async () => {
    expectLocked(await run(['run', 'fine', 'echo', '--payload', '{"n":2}', '--queue']));
  });

  it('read-only commands still read while the writer holds its lock (WAL)', async () => {
    const jobs = await run(['queue', 'list', '--json']);
    expect(jobs.code, jobs.stderr).toBe(0);
    expect(parseJson<{ id: number; status: string }[]>(jobs.stdout)).toMatchObject([{ id: 1, status: 'pending' }]);
  });

  it('once the lock is gone, the job the locked drains could not claim runs', async () => {
    holder?.close();
    holder = undefined;
    const res = await run(['queue', 'drain', '--json']);
    expect(res.code, res.stderr).toBe(0);
    expect(parseJson<{ claimed: number; succeeded: number }>(res.stdout)).toMatchObject({ claimed: 1, succeeded: 1 });
  });
});
