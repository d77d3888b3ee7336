import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cli, parseJson, tempProject, writeJsonConfig } from './cli-harness.js';

/** The smaller inconsistencies of issue 10 (§5 and §8), as a user meets them in the built CLI. */
const dir = tempProject('integrations-consistency-');
const servers: Server[] = [];
beforeAll(() => {
  assertBuilt();
  writeJsonConfig(dir, { store: { path: 'state/ops.db' }, integrations: { payments: { adapter: 'mock' } } });
});
afterAll(async () => {
  for (const s of servers) await new Promise((resolve) => s.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});
const run = (...args: string[]) => cli(args, { cwd: dir });

async function takenPort(): Promise<number> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('flags, exit codes and shapes that agree across commands (built CLI)', () => {
  it('queue drain --concurrency 2 drains; -c is the global --config there as everywhere', async () => {
    expect((await run('run', 'payments', 'echo', '--payload', '{"n":1}', '--queue')).code).toBe(0);
    const elsewhere = tempProject('integrations-elsewhere-');
    try {
      const drained = await cli(['queue', 'drain', '-c', dir, '--concurrency', '2', '--json'], { cwd: elsewhere });
      expect(drained.code, drained.stderr).toBe(0);
      expect(parseJson(drained.stdout)).toMatchObject({ claimed: 1, succeeded: 1 });
      // Once read as --concurrency 2 by the help and as --config 2 by the parser; now only the latter, as documented.
      const config = await cli(['queue', 'drain', '-c', '2'], { cwd: elsewhere });
      expect(config.code).toBe(3);
      expect(config.stderr).toContain(`no config file at ${join(elsewhere, '2')} (from --config)`);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
    const help = await run('queue', 'drain', '--help');
    expect(help.stdout).toMatch(/\n {2}--concurrency <n> /);
    expect(help.stdout).not.toMatch(/-c, --concurrency/);
  });

  it('"not found" is exit 1 (NOT_FOUND) for every show and remove of an unknown id', async () => {
    for (const args of [
      ['logs', 'show', '999'],
      ['queue', 'show', '999'],
      ['queue', 'reconcile', '999'],
      ['webhooks', 'show', '999'],
      ['webhooks', 'deliveries', '999'],
      ['webhooks', 'subscriptions', 'remove', '999', '--yes'],
    ]) {
      const res = await run(...args, '--json');
      expect(res.code, args.join(' ')).toBe(1);
      expect(parseJson<{ error: { category: string } }>(res.stderr).error.category).toBe('NOT_FOUND');
    }
  });

  it('a port in use is exit 4 (unavailable) for the daemon and for a simulator', async () => {
    const port = await takenPort();
    const daemon = await run('daemon', '--port', String(port));
    expect(daemon.code).toBe(4);
    expect(daemon.stderr).toBe(`error: cannot listen on 127.0.0.1:${port}: address already in use (another daemon running?)\n`);
    const simulator = await run('simulate', 'mpesa', '--port', String(port));
    expect(simulator.code).toBe(4);
    expect(simulator.stderr).toBe(`error: cannot listen on 127.0.0.1:${port}: the port is already in use\n`);
  });

  it('list --json gives times as ISO 8601, as the other commands do', async () => {
    expect((await run('run', 'payments', 'echo', '--payload', '{"n":2}')).code).toBe(0);
    const [row] = parseJson<{ lastSuccess: unknown }[]>((await run('list', '--json')).stdout);
    expect(row.lastSuccess).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('adapters show names a JSON field "json", never "one of lazy"', async () => {
    const text = await run('adapters', 'show', 'mock');
    expect(text.stdout).not.toMatch(/lazy/);
    expect(text.stdout).toMatch(/\(value\) +json +no +default \{\}/);
    const json = parseJson<{ operations: { name: string; input: { type: string }[] }[] }>((await run('adapters', 'show', 'mock', '--json')).stdout);
    expect(json.operations.find((o) => o.name === 'echo')?.input[0].type).toBe('json');
  });

  it('works from a subfolder: the config is found in a parent, its store stays beside it', async () => {
    const sub = join(dir, 'src', 'deeper');
    mkdirSync(sub, { recursive: true });
    const ran = await cli(['run', 'payments', 'echo', '--payload', '{"from":"sub"}', '--json'], { cwd: sub });
    expect(ran.code, ran.stderr).toBe(0);
    expect(existsSync(join(dir, 'state', 'ops.db'))).toBe(true);
    expect(existsSync(join(sub, 'state'))).toBe(false);
    const health = await cli(['health', '--json'], { cwd: sub });
    expect(health.code, health.stderr).toBe(0);
    expect(parseJson<{ name: string; status: string }[]>(health.stdout)).toMatchObject([{ name: 'payments', status: 'healthy' }]);
  });

  it('init, test, health, logs tail and logs export show examples in their help', async () => {
    for (const command of [['init'], ['test'], ['health'], ['logs', 'tail'], ['logs', 'export']]) {
      const help = await run(...command, '--help');
      expect(help.stdout, command.join(' ')).toMatch(new RegExp(`\\nExamples?:\\n {2}integrations ${command.join(' ')}`));
    }
  });
});
