import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterPackage, assertBuilt, cli, tempProject, writeJsonConfig } from './cli-harness.js';

const ADAPTER = fileURLToPath(new URL('./store-locking-adapter.mjs', import.meta.url));

describe('queue drain whose store fails after jobs ran', () => {
  let dir: string;
  beforeAll(() => {
    assertBuilt();
    dir = tempProject('integrations-drain-store-failure-');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 7 with one line: the store failure and what the run had done, nothing on stdout', async () => {
    const storePath = join(dir, '.integrations', 'integrations.db');
    writeJsonConfig(dir, { adapters: [adapterPackage(dir, 'store-locking-adapter', ADAPTER)], store: { busyTimeoutMs: 50 }, integrations: { locker: { adapter: 'store-locker', config: { storePath } } } });
    expect((await cli(['run', 'locker', 'lock', '--queue'], { cwd: dir })).code).toBe(0);
    const res = await cli(['queue', 'drain', '--concurrency', '1'], { cwd: dir });
    expect(res.code, res.stderr).toBe(7);
    expect(res.stdout).toBe('');
    expect(res.stderr).toBe(
      `error: store ${storePath} is locked by another process (busy timeout exceeded); retry shortly (this drain had claimed 1 job: 0 succeeded, 0 rescheduled, 0 dead, 0 unknown)\n`,
    );
  });
});
