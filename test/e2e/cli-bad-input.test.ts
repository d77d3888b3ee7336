import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cli, parseJson, tempProject, writeJsonConfig } from './cli-harness.js';

/** Each bad input: a clear one-line error, the documented exit code, nothing on stdout. */
describe('integrations CLI, bad input', () => {
  const dir = tempProject();
  const run = (args: string[], env?: Record<string, string>) => cli(args, { cwd: dir, env });

  beforeAll(() => {
    assertBuilt();
    writeJsonConfig(dir, {
      integrations: {
        payments: { adapter: 'mock' },
        files: { adapter: 'local-storage', config: { root: './files' } },
      },
    });
  });

  it('unknown integration and unknown operation are usage errors (exit 2) listing the valid ones', async () => {
    const integration = await run(['run', 'paymnts', 'charge']);
    expect(integration.code).toBe(2);
    expect(integration.stdout).toBe('');
    expect(integration.stderr).toBe('error: unknown integration "paymnts"; configured: payments, files\n');

    const operation = await run(['run', 'payments', 'chrage', '--json']);
    expect(operation.code).toBe(2);
    expect(operation.stdout).toBe('');
    expect(parseJson(operation.stderr)).toEqual({
      error: { code: 'USAGE', category: 'USAGE', message: expect.stringContaining('operations: echo, charge, query, refund'), retryable: false, exitCode: 2 },
    });
  });

  it('a payload that is not JSON says where; an unreadable @file names the file; both exit 2', async () => {
    const inline = await run(['run', 'payments', 'charge', '--payload', '{"amount": 10,, "currency": "KES"}']);
    expect(inline.code).toBe(2);
    expect(inline.stderr).toMatch(/^error: --payload is not valid JSON: .* at column 15\n$/);

    writeFileSync(join(dir, 'charge.json'), '{\n  "amount": 10\n  "currency": "KES"\n}\n');
    const file = await run(['run', 'payments', 'charge', '--payload', '@charge.json']);
    expect(file.code).toBe(2);
    expect(file.stderr).toMatch(/^error: payload file charge\.json is not valid JSON: .* at line 3, column 3\n$/);

    const missing = await run(['run', 'payments', 'charge', '--payload', '@nowhere.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('error: cannot read payload file nowhere.json: no such file\n');
  });

  it('a payload failing the schema lists every field path (exit 2), before any call is made', async () => {
    const res = await run(['run', 'payments', 'charge', '--payload', '{"amount": "ten"}', '--json']);
    expect(res.code).toBe(2);
    const out = parseJson<{ ok: boolean; error: { category: string; issues: string[] }; attempts: number }>(res.stdout);
    expect(out).toMatchObject({ ok: false, attempts: 0, error: { category: 'VALIDATION_FAILED' } });
    expect(out.error.issues.map((i) => i.split(':')[0])).toEqual(['payload.amount', 'payload.currency', 'payload.reference']);
    expect(parseJson<{ error: { code: string } }>(res.stderr).error.code).toBe('VALIDATION_FAILED');
  });

  it('unknown commands and flags are usage errors (exit 2)', async () => {
    const res = await run(['lst']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("error: unknown command 'lst'");
    const flag = await run(['health', '--tiemout', '5']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("unknown option '--tiemout'");
  });

  it('missing config suggests `integrations init` (exit 3)', async () => {
    const empty = tempProject();
    const res = await cli(['list'], { cwd: empty });
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/^error: no integrations config found .*run `integrations init`/);
  });

  it('an invalid config reports every problem with its path (exit 3), and a missing env var for a secret by name', async () => {
    const bad = tempProject();
    writeJsonConfig(bad, {
      integrations: {
        pay: { adapter: 'mock', config: { latencyMs: 'slow' } },
        other: { adapter: 'no-such-adapter' },
        keyed: { adapter: 'mock', config: { secretKey: 'env:MOCK_SECRET_KEY' } },
      },
    });
    const res = await cli(['list'], { cwd: bad });
    expect(res.code).toBe(3);
    const lines = res.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^error: invalid config in .*integrations\.config\.json$/);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^ {2}- integrations\.pay\.config\.latencyMs: /),
      expect.stringMatching(/^ {2}- integrations\.other\.adapter: unknown adapter "no-such-adapter"/),
      expect.stringMatching(/^ {2}- integrations\.keyed\.config\.secretKey: .*MOCK_SECRET_KEY.*not set/),
    ]);
  });
});
