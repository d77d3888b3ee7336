import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDriveSimulator, type DriveSimulator } from '../../adapters/google-drive/simulator.js';
import { assertBuilt, cli, tempProject, writeJsonConfig } from './cli-harness.js';

/**
 * Issue 10, Google Drive through the built CLI: a provider that repeats its
 * page token, a download whose body is not the listed file, and token
 * requests spent by `test` and `health`.
 */
describe('google-drive through the CLI', () => {
  let sim: DriveSimulator;
  let dir: string;

  beforeAll(async () => {
    assertBuilt();
    sim = await startDriveSimulator();
    dir = tempProject('integrations-drive-');
    // One attempt: the failures below are judged on their first answer, with no real backoff sleeps.
    writeJsonConfig(dir, { integrations: { drive: { adapter: 'google-drive', config: sim.config, timeoutMs: 10_000, retry: { maxAttempts: 1 } } } });
  });

  beforeEach(() => {
    sim.requests.length = 0;
    sim.pageTokenFault(undefined);
  });

  afterAll(async () => {
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('`test` asks for one access token; `health` within its lifetime asks for none', async () => {
    const tested = await cli(['test', 'drive', '--no-color'], { cwd: dir });
    expect(tested.code, tested.stderr + tested.stdout).toBe(0);
    expect(sim.received('/token')).toHaveLength(1);
    const health = await cli(['health', 'drive', '--no-color'], { cwd: dir });
    expect(health.code, health.stderr + health.stdout).toBe(0);
    expect(sim.received('/token')).toHaveLength(1);
    // about.get by test's health check, by its self-test and by health: three checks on one token.
    expect(sim.received('/drive/v3/about')).toHaveLength(3);
    expect(new Set(sim.received('/drive/v3/about').map((r) => r.headers.authorization)).size).toBe(1);
  });

  it('a repeated page token ends the listing with one line and exit 1, after two requests', async () => {
    sim.addFile('a.txt', 'a');
    sim.pageTokenFault('repeat');
    const res = await cli(['run', 'drive', 'list', '--no-color'], { cwd: dir });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/repeat a nextPageToken/);
    expect(res.stderr).not.toMatch(/\n\s+at /);
    expect(sim.received('/drive/v3/files')).toHaveLength(2);
  });

  it('a body that is not the listed file is refused: exit 5, nothing at the destination', async () => {
    sim.addFile('report.txt', 'twelve bytes');
    sim.serveWrongBody(Buffer.alloc(4604, 'x'));
    const res = await cli(['run', 'drive', 'download', '--no-color', '--payload', JSON.stringify({ source: 'report.txt', path: 'report.txt' })], { cwd: dir });
    expect(res.code, res.stderr).toBe(5);
    expect(res.stderr).toMatch(/4604 bytes arrived where 12 were listed; nothing was written/);
    expect(existsSync(join(dir, 'report.txt'))).toBe(false);
    writeFileSync(join(dir, 'report.txt'), 'older copy');
    sim.serveWrongBody('TWELVE BYTES');
    expect((await cli(['run', 'drive', 'download', '--payload', JSON.stringify({ source: 'report.txt', path: 'report.txt' })], { cwd: dir })).code).toBe(5);
    expect(readFileSync(join(dir, 'report.txt'), 'utf8')).toBe('older copy');
    const ok = await cli(['run', 'drive', 'download', '--payload', JSON.stringify({ source: 'report.txt', path: 'report.txt' })], { cwd: dir });
    expect(ok.code, ok.stderr).toBe(0);
    expect(readFileSync(join(dir, 'report.txt'), 'utf8')).toBe('twelve bytes');
  });
});
