import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildContext } from '../../src/core/context.js';
import { IntegrationError } from '../../src/core/errors.js';
import type { ExecutionOutcome } from '../../src/core/executor.js';
import storage from '../../adapters/local-storage/index.js';
import { makeEngine, type Engine } from '../unit/executor-fixture.js';

let engine: Engine | undefined;
let outside: string | undefined;
const cwd = process.cwd();
afterEach(async () => {
  process.chdir(cwd);
  await engine?.close();
  engine = undefined;
  if (outside) rmSync(outside, { recursive: true, force: true });
  outside = undefined;
});

async function setup(root = 'bucket') {
  engine = await makeEngine({ integrations: { files: { adapter: 'local-storage', config: { root }, retry: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 10 } } } });
  const e = engine;
  const rootDir = join(e.dir, root);
  const local = join(e.dir, 'local');
  mkdirSync(local);
  const file = (name: string, body: string | Buffer) => {
    writeFileSync(join(local, name), body);
    return join(local, name);
  };
  const run = (operation: string, payload: unknown) => e.executor.execute('files', operation, payload);
  return { e, rootDir, local, file, run };
}

type StorageContext = Parameters<NonNullable<typeof storage.health>>[0];

function ctxFor(e: Engine): StorageContext {
  return buildContext({
    integration: e.config.integrations.files,
    adapter: storage,
    store: e.store,
    clock: e.clock,
    baseDir: e.dir,
    idempotencyKey: 'k',
    correlationId: 'c',
    signal: new AbortController().signal,
  }) as StorageContext;
}

function failure(outcome: ExecutionOutcome): IntegrationError {
  if (outcome.ok) throw new Error(`expected a failure, got ${JSON.stringify(outcome.result)}`);
  return outcome.error;
}

const sha = (body: string | Buffer) => createHash('sha256').update(body).digest('hex');

describe('local-storage adapter', () => {
  it('declares the storage operations with their retry safety', () => {
    expect(storage.kind).toBe('storage');
    expect(Object.fromEntries(Object.entries(storage.operations).map(([name, op]) => [name, op.retry]))).toEqual({ upload: 'safe', download: 'safe', delete: 'safe', list: 'safe' });
  });

  it('uploads a file under a key, creating the root on first use', async () => {
    const { rootDir, file, run } = await setup();
    const body = Buffer.from('id,amount\n1,100\n');
    expect(existsSync(rootDir)).toBe(false);
    const outcome = await run('upload', { path: file('report.csv', body), destination: 'reports/2026/01.csv' });
    expect(outcome).toMatchObject({ ok: true, result: { key: 'reports/2026/01.csv', size: body.length, sha256: sha(body) } });
    expect(readFileSync(join(rootDir, 'reports', '2026', '01.csv'))).toEqual(body);
    expect(readdirSync(join(rootDir, 'reports', '2026'))).toEqual(['01.csv']);
  });

  it('resolves a relative local path against the current folder and a relative root against the config folder', async () => {
    const { e, local, file, run } = await setup('relative-root');
    file('here.txt', 'relative');
    process.chdir(local);
    expect((await run('upload', { path: 'here.txt', destination: 'here.txt' })).ok).toBe(true);
    expect(readFileSync(join(e.dir, 'relative-root', 'here.txt'), 'utf8')).toBe('relative');
    expect((await run('download', { source: 'here.txt', path: 'sub/copy.txt' })).ok).toBe(true);
    expect(readFileSync(join(local, 'sub', 'copy.txt'), 'utf8')).toBe('relative');
  });

  it('overwrites a key with a repeated upload, so a retried upload is harmless and an edited file goes up again', async () => {
    const { rootDir, file, run } = await setup();
    const first = await run('upload', { path: file('a.txt', 'v1'), destination: 'doc.txt' });
    const again = await run('upload', { path: file('a.txt', 'v1'), destination: 'doc.txt' });
    expect(again).toMatchObject({ ok: true, replayed: false });
    expect(first.ok && again.ok && again.result).toEqual(first.ok && first.result);
    const edited = await run('upload', { path: file('a.txt', 'v2'), destination: 'doc.txt' });
    expect(edited).toMatchObject({ ok: true, replayed: false, result: { sha256: sha('v2') } });
    expect(readFileSync(join(rootDir, 'doc.txt'), 'utf8')).toBe('v2');
    expect(readdirSync(rootDir)).toEqual(['doc.txt']);
  });

  it('refuses a local file that does not exist or is not a file', async () => {
    const { local, run } = await setup();
    const missing = failure(await run('upload', { path: join(local, 'nope.txt'), destination: 'x' }));
    expect(missing.category).toBe('VALIDATION_FAILED');
    expect(missing.issues).toEqual(['payload.path: does not exist']);
    expect(failure(await run('upload', { path: local, destination: 'x' })).issues).toEqual(['payload.path: is not a regular file']);
  });

  it('downloads a key to a local file', async () => {
    const { local, file, run } = await setup();
    const body = Buffer.alloc(300_000, 7);
    await run('upload', { path: file('big.bin', body), destination: 'blobs/big.bin' });
    const outcome = await run('download', { source: 'blobs/big.bin', path: join(local, 'out', 'big.bin') });
    expect(outcome).toMatchObject({ ok: true, result: { key: 'blobs/big.bin', path: join(local, 'out', 'big.bin'), size: 300_000, sha256: sha(body) } });
    expect(readFileSync(join(local, 'out', 'big.bin'))).toEqual(body);
    expect(readdirSync(join(local, 'out'))).toEqual(['big.bin']);
  });

  it('answers NOT_FOUND for a key that holds nothing, and INVALID_REQUEST for a folder', async () => {
    const { local, file, run } = await setup();
    expect(failure(await run('download', { source: 'missing.txt', path: join(local, 'm.txt') })).category).toBe('NOT_FOUND');
    await run('upload', { path: file('a.txt', 'a'), destination: 'dir/a.txt' });
    expect(failure(await run('download', { source: 'dir', path: join(local, 'm.txt') })).category).toBe('INVALID_REQUEST');
    expect(failure(await run('upload', { path: file('b.txt', 'b'), destination: 'dir' })).category).toBe('INVALID_REQUEST');
    expect(failure(await run('upload', { path: file('c.txt', 'c'), destination: 'dir/a.txt/under-a-file' })).category).toBe('INVALID_REQUEST');
  });

  it('lists keys with size and time, by prefix, sorted, without its own in-flight files', async () => {
    const { rootDir, file, run } = await setup();
    await run('upload', { path: file('1', 'one'), destination: 'reports/2026-01.csv' });
    await run('upload', { path: file('2', 'two!'), destination: 'reports/2026-02.csv' });
    await run('upload', { path: file('3', 'x'), destination: 'reports/old/2025-12.csv' });
    await run('upload', { path: file('4', 'y'), destination: 'readme.txt' });
    writeFileSync(join(rootDir, 'reports', '.integrations-2026-03.csv.abc.part'), 'half');

    const all = await run('list', {});
    expect(all.ok && all.result).toEqual({
      items: [
        { key: 'readme.txt', size: 1, modifiedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
        { key: 'reports/2026-01.csv', size: 3, modifiedAt: expect.any(String) },
        { key: 'reports/2026-02.csv', size: 4, modifiedAt: expect.any(String) },
        { key: 'reports/old/2025-12.csv', size: 1, modifiedAt: expect.any(String) },
      ],
    });
    const keys = async (prefix: string) => {
      const o = await run('list', { prefix });
      return o.ok ? (o.result as { items: { key: string }[] }).items.map((i) => i.key) : o.error.category;
    };
    expect(await keys('reports/2026-0')).toEqual(['reports/2026-01.csv', 'reports/2026-02.csv']);
    expect(await keys('reports/old/')).toEqual(['reports/old/2025-12.csv']);
    expect(await keys('re')).toEqual(['readme.txt', 'reports/2026-01.csv', 'reports/2026-02.csv', 'reports/old/2025-12.csv']);
    expect(await keys('nothing/here/')).toEqual([]);
    expect(await keys('../')).toBe('VALIDATION_FAILED');
  });

  it('lists an empty (or not yet created) root as no items', async () => {
    const { run } = await setup();
    expect(await run('list', undefined)).toMatchObject({ ok: true, result: { items: [] } });
  });

  it('deletes a key, then reports a second delete as deleted: false, pruning emptied folders', async () => {
    const { rootDir, file, run } = await setup();
    await run('upload', { path: file('a', 'a'), destination: 'x/y/z.txt' });
    await run('upload', { path: file('b', 'b'), destination: 'x/keep.txt' });
    expect(await run('delete', { key: 'x/y/z.txt' })).toMatchObject({ ok: true, result: { key: 'x/y/z.txt', deleted: true } });
    expect(await run('delete', { key: 'x/y/z.txt' })).toMatchObject({ ok: true, result: { deleted: false } });
    expect(readdirSync(join(rootDir, 'x'))).toEqual(['keep.txt']);
    await run('delete', { key: 'x/keep.txt' });
    expect(readdirSync(rootDir)).toEqual([]);
  });

  it.each([
    ['../escape.txt', 'must not contain ".." segments'],
    ['a/../../escape.txt', 'must not contain ".." segments'],
    ['/etc/passwd', 'must be relative to the storage root'],
    ['C:\\Windows\\x', 'must use "/" separators'],
    ['a//b', 'must not contain empty segments'],
    ['a/./b', 'must not contain "." segments'],
    ['.integrations-probe', 'reserved'],
  ])('refuses the key %j with VALIDATION_FAILED and touches nothing', async (key, why) => {
    const { e, rootDir, local, file, run } = await setup();
    const path = file('f.txt', 'data');
    for (const outcome of [
      await run('upload', { path, destination: key }),
      await run('download', { source: key, path: join(local, 'out.txt') }),
      await run('delete', { key }),
    ]) {
      const err = failure(outcome);
      expect(err.category).toBe('VALIDATION_FAILED');
      expect(err.issues.join(' ')).toContain(why);
      expect(err.issues[0]).toMatch(/^payload\.(destination|source|key): /);
    }
    expect(existsSync(join(e.dir, 'escape.txt'))).toBe(false);
    expect(existsSync(rootDir)).toBe(false);
  });

  it('refuses keys that reach outside the root through a symlink', async () => {
    const { rootDir, local, file, run } = await setup();
    outside = mkdtempSync(join(tmpdir(), 'integrations-outside-'));
    writeFileSync(join(outside, 'secret.txt'), 'outside');
    mkdirSync(rootDir);
    symlinkSync(outside, join(rootDir, 'linked-dir'));
    symlinkSync(join(outside, 'secret.txt'), join(rootDir, 'linked-file.txt'));
    symlinkSync(join(outside, 'nowhere'), join(rootDir, 'dangling'));

    const cases = [
      await run('upload', { path: file('f', 'x'), destination: 'linked-dir/planted.txt' }),
      await run('download', { source: 'linked-dir/secret.txt', path: join(local, 'stolen.txt') }),
      await run('download', { source: 'linked-file.txt', path: join(local, 'stolen.txt') }),
      await run('delete', { key: 'linked-file.txt' }),
      await run('upload', { path: file('g', 'y'), destination: 'dangling/x.txt' }),
    ];
    for (const outcome of cases) {
      const err = failure(outcome);
      expect(err.category).toBe('VALIDATION_FAILED');
      expect(err.message).toMatch(/symlink/);
    }
    expect(readdirSync(outside)).toEqual(['secret.txt']);
    expect(existsSync(join(local, 'stolen.txt'))).toBe(false);
    const listed = await run('list', {});
    expect(listed.ok && listed.result).toEqual({ items: [] });
    expect(await run('list', { prefix: 'linked-dir/' })).toMatchObject({ ok: true, result: { items: [] } });
  });

  it('follows symlinks that stay inside the root', async () => {
    const { rootDir, local, file, run } = await setup();
    await run('upload', { path: file('f', 'inside'), destination: 'real/file.txt' });
    symlinkSync(join(rootDir, 'real'), join(rootDir, 'alias'));
    expect(await run('download', { source: 'alias/file.txt', path: join(local, 'via-alias.txt') })).toMatchObject({ ok: true, result: { sha256: sha('inside') } });
  });

  it('reports healthy when the root is writable, leaving no probe behind', async () => {
    const { e, rootDir } = await setup();
    expect(await storage.health!(ctxFor(e))).toMatchObject({ status: 'healthy' });
    expect(readdirSync(rootDir)).toEqual([]);
  });

  it('reports unhealthy, and refuses operations, when the root is not a folder', async () => {
    const { e, rootDir, run } = await setup();
    writeFileSync(rootDir, 'a file where the root should be');
    expect(await storage.health!(ctxFor(e))).toMatchObject({ status: 'unhealthy', message: expect.stringContaining('not a folder') });
    expect(failure(await run('list', {})).category).toBe('CONFIG_INVALID');
  });

  it('passes its self-test and cleans up after itself', async () => {
    const { e, rootDir } = await setup();
    expect(await storage.selfTest!(ctxFor(e))).toMatch(/uploaded, listed, downloaded and deleted/);
    expect(readdirSync(rootDir)).toEqual([]);
  });
});
