import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cli, parseJson, tempProject, writeJsonConfig } from './cli-harness.js';

const SECRET = 'sk_live_do_not_print_4242';

/** Failures of operations, integrations and the store: each its own exit code, no stack trace, no secret. */
describe('integrations CLI, failures', () => {
  const dir = tempProject();
  const run = (args: string[]) => cli(args, { cwd: dir, env: { MOCK_KEY: SECRET } });

  beforeAll(() => {
    assertBuilt();
    writeFileSync(join(dir, 'not-a-folder'), 'a file where the storage root should be');
    writeJsonConfig(dir, {
      store: { busyTimeoutMs: 50 },
      integrations: {
        // The mock leaks its key into authentication errors the way careless SDKs do.
        rejecting: { adapter: 'mock', config: { secretKey: 'env:MOCK_KEY', failures: ['AUTHENTICATION_FAILED'] } },
        flaky: { adapter: 'mock', retry: { maxAttempts: 1 }, config: { failures: ['SERVER_ERROR'] } },
        off: { adapter: 'mock', enabled: false },
        broken: { adapter: 'local-storage', config: { root: './not-a-folder' } },
        fine: { adapter: 'mock' },
      },
    });
  });

  it('a failed operation prints { ok: false, error } under --json, exits by category, and never shows the secret', async () => {
    const auth = await run(['run', 'rejecting', 'echo', '--json']);
    expect(auth.code).toBe(1);
    const out = parseJson<{ ok: boolean; error: { category: string; message: string; retryable: boolean }; logId: number }>(auth.stdout);
    expect(out).toMatchObject({ ok: false, error: { category: 'AUTHENTICATION_FAILED', retryable: false }, logId: expect.any(Number) });
    expect(auth.stdout + auth.stderr).not.toContain(SECRET);

    const transient = await run(['run', 'flaky', 'echo']);
    expect(transient.code).toBe(5);
    expect(transient.stderr).toMatch(/✗ flaky echo failed \(1 attempt/);
    expect(transient.stderr).toMatch(/\nerror: /);
    expect(transient.stderr).not.toMatch(/\n\s+at /);

    const disabled = await run(['run', 'off', 'echo']);
    expect(disabled.code).toBe(4);
    expect(disabled.stderr).toContain('disabled');

    const shown = await run(['logs', 'show', String(out.logId)]);
    expect(shown.stdout).toContain('AUTHENTICATION_FAILED');
    expect(shown.stdout).not.toContain(SECRET);
  });

  it('health exits 4 when any integration is not healthy; test stops at the failing step with 4', async () => {
    const health = await run(['health', '--json', '--timeout', '5s']);
    expect(health.code).toBe(4);
    const reports = parseJson<{ name: string; status: string }[]>(health.stdout);
    expect(reports.map((r) => r.name)).toEqual(['broken', 'fine', 'flaky', 'rejecting']);
    expect(reports.find((r) => r.name === 'broken')?.status).toBe('unhealthy');
    expect(reports.find((r) => r.name === 'fine')?.status).toBe('healthy');

    const test = await run(['test', 'broken']);
    expect(test.code).toBe(4);
    expect(test.stdout).toMatch(/✓ config valid[\s\S]*✓ credentials present[\s\S]*✗ health/);
    expect(test.stdout).not.toContain('self-test');
    expect(test.stderr).toMatch(/^error: broken is unhealthy: /);
  });

  it('a store locked by another writer beyond the busy timeout exits 7 with a clear message', async () => {
    mkdirSync(join(dir, '.integrations'), { recursive: true });
    const holder = new Database(join(dir, '.integrations', 'integrations.db'));
    holder.pragma('journal_mode = WAL');
    holder.exec('CREATE TABLE IF NOT EXISTS held (x)');
    holder.prepare('BEGIN IMMEDIATE').run();
    try {
      const res = await run(['run', 'fine', 'echo', '--json']);
      expect(res.code).toBe(7);
      expect(parseJson<{ error: { code: string; message: string; retryable: boolean } }>(res.stderr).error).toMatchObject({
        code: 'STORE_LOCKED',
        retryable: true,
        message: expect.stringContaining('locked by another process'),
      });
    } finally {
      holder.prepare('ROLLBACK').run();
      holder.close();
    }
  });

  it('a store file that is not a database, or is newer than this build, exits 7', async () => {
    // 0600 as a store is kept: a wider one would add the warning that tightens it (store-file-modes.test.ts).
    writeFileSync(join(dir, 'garbage.db'), 'this is not a SQLite database, just text that fills the header page'.repeat(100), { mode: 0o600 });
    const corrupt = await run(['--db', 'garbage.db', 'list']);
    expect(corrupt.code).toBe(7);
    expect(corrupt.stderr).toMatch(/^error: store .*garbage\.db is corrupt or not an integrations database\n$/);

    const newer = join(dir, 'newer.db');
    // list only reads: it does not create a missing store; run does.
    expect((await run(['--db', newer, 'list'])).code).toBe(0);
    expect(existsSync(newer)).toBe(false);
    const ok = await run(['--db', newer, 'run', 'fine', 'echo']);
    expect(ok.code).toBe(0);
    const db = new Database(newer);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, ?, ?)').run('999_future', Date.now());
    db.close();
    const res = await run(['--db', newer, 'list']);
    expect(res.code).toBe(7);
    expect(res.stderr).toMatch(/^error: store .*newer\.db is at schema version 999 but this integrations build knows only up to \d+; upgrade integrations\n$/);
  });
});
