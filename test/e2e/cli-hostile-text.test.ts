import { lstatSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { assertBuilt, cli, parseJson, tempProject, writeJsonConfig } from './cli-harness.js';

/**
 * What a hostile provider, webhook sender or local user can plant (issue 11
 * §7): escape sequences in stored text reach the terminal escaped, and a
 * symlink planted beside an export's target is never written through.
 */
const STORE = 'store.db';
const CLEAR = '\u001b[2J';
const TITLE = '\u001b]0;pwned\u0007';
let dir: string;
const run = (...args: string[]) => cli(args, { cwd: dir });

beforeAll(async () => {
  assertBuilt();
  dir = tempProject('integrations-hostile-');
  writeJsonConfig(dir, { store: { path: STORE }, integrations: { payments: { adapter: 'mock' } } });
  const store = SqliteStore.open(join(dir, STORE));
  try {
    const now = Date.now();
    await store.logs.append({
      time: now, integration: 'payments', adapter: 'mock', operation: 'charge', tenant: null, idempotencyKey: 'k1', correlationId: 'c',
      status: 'failed', errorCategory: 'SERVER_ERROR', errorMessage: `provider said ${CLEAR}${TITLE}boom`, attempts: 1, durationMs: 3, request: '{}', response: null,
    });
    const [stored] = await store.webhooks.commit({
      deliveries: [{ integration: 'payments', eventId: `evt${CLEAR}1`, receivedAt: now, method: 'POST', path: '/webhooks/payments', query: {}, headers: {}, sourceIp: null, body: Buffer.from('{}') }],
      rejections: [],
    });
    await store.webhooks.settle([{ id: stored.id, at: now, ok: false, error: `parser: ${CLEAR}bad` }]);
  } finally {
    await store.close();
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('text from providers and webhooks in human output', () => {
  it('webhooks list shows escape sequences escaped; --json keeps the exact value', async () => {
    const list = await run('webhooks', 'list');
    expect(list.code).toBe(0);
    expect(list.stdout).not.toContain('\u001b');
    expect(list.stdout).toContain('evt\\x1b[2J1');
    expect(list.stdout).toContain('parser: \\x1b[2Jbad');
    const json = await run('webhooks', 'list', '--json');
    expect(parseJson<{ eventId: string }[]>(json.stdout)[0].eventId).toBe(`evt${CLEAR}1`);
  });

  it('logs tail shows escape sequences escaped, even with colour forced on', async () => {
    for (const env of [{}, { FORCE_COLOR: '1' }]) {
      const tail = await cli(['logs', 'tail'], { cwd: dir, env });
      expect(tail.code).toBe(0);
      expect(tail.stdout).toContain('provider said \\x1b[2J\\x1b]0;pwned\\x07boom');
      expect(tail.stdout).not.toContain(CLEAR);
      expect(tail.stdout).not.toContain('\u0007');
    }
  });
});

describe('logs export --out', () => {
  it('never writes through a symlink planted at F.partial: the victim is untouched and F is a fresh 0600 file', async () => {
    const victim = join(tmpdir(), `integrations-victim-${process.pid}-${Date.now()}`);
    writeFileSync(victim, 'untouched', { mode: 0o644 });
    try {
      symlinkSync(victim, join(dir, 'out.jsonl.partial'));
      const exported = await run('logs', 'export', '--out', 'out.jsonl');
      expect(exported.stderr).toMatch(/exported 1 rows/);
      expect(exported.code).toBe(0);
      expect(readFileSync(victim, 'utf8')).toBe('untouched');
      expect(lstatSync(join(dir, 'out.jsonl')).isSymbolicLink()).toBe(false);
      expect(statSync(join(dir, 'out.jsonl')).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(dir, 'out.jsonl'), 'utf8')).toContain('"idempotencyKey":"k1"');
      // The planted link is left alone and no temporary file is left behind.
      expect(lstatSync(join(dir, 'out.jsonl.partial')).isSymbolicLink()).toBe(true);
      expect(readdirSync(dir).filter((f) => f.startsWith('out.jsonl'))).toEqual(['out.jsonl', 'out.jsonl.partial']);
    } finally {
      rmSync(victim, { force: true });
    }
  });
});
