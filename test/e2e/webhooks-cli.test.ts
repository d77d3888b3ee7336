import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { cli, parseJson } from './cli-harness.js';
import { daemonProject, signedHeaders, startDaemonProcess, type DaemonProcess } from './daemon-harness.js';

/** `integrations webhooks ...` on the built CLI, against a running daemon and without one. */
let dir: string;
let daemon: DaemonProcess;
const run = (...args: string[]) => cli(args, { cwd: dir });

beforeAll(async () => {
  dir = daemonProject({ tokened: { adapter: 'webhook', webhook: { scheme: 'token', secrets: ['path-token-e2e-1234'] } } });
  daemon = await startDaemonProcess(dir);
});

afterAll(async () => {
  if (daemon.child.exitCode === null) {
    daemon.child.kill('SIGTERM');
    await daemon.exited;
  }
});

interface ListItem {
  id: number;
  integration: string;
  eventId: string | null;
  type: string | null;
  status: string;
  receivedAt: string;
  error: string | null;
}

describe('integrations webhooks', () => {
  it('trigger signs a sample as the provider would and the daemon accepts it; list, show and rejections report it', async () => {
    const sent = await run('webhooks', 'trigger', 'hooks', '--event', 'ping', '--url', daemon.url);
    expect(sent.stderr).toBe('');
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(/← 200 \{"ok":true\}/);

    const tokened = await run('webhooks', 'trigger', 'tokened', '--url', daemon.url, '--json');
    expect(tokened.code).toBe(0);
    const result = parseJson<{ ok: boolean; status: number; url: string }>(tokened.stdout);
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(result.url).toMatch(/\/webhooks\/tokened\/\[REDACTED\]$/);
    expect(tokened.stdout + tokened.stderr).not.toContain('path-token-e2e-1234');

    expect((await request(`${daemon.url}/webhooks/hooks`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).statusCode).toBe(401);

    // Processing is off the request path; wait until the daemon has settled both deliveries.
    let items: ListItem[] = [];
    for (let i = 0; i < 100 && !(items.length === 2 && items.every((w) => w.status !== 'received')); i++) {
      items = parseJson<ListItem[]>((await run('webhooks', 'list', '--json')).stdout);
    }
    expect(items.map((w) => Object.keys(w).sort())).toEqual(Array(2).fill(['error', 'eventId', 'id', 'integration', 'receivedAt', 'status', 'type']));
    expect(items.map((w) => [w.integration, w.status, w.type])).toEqual([
      ['hooks', 'processed', 'hooks.ping'],
      ['tokened', 'processed', 'tokened.ping'],
    ]);
    expect(new Date(items[0].receivedAt).toISOString()).toBe(items[0].receivedAt);

    const table = await run('webhooks', 'list', '--integration', 'hooks');
    expect(table.stdout).toMatch(/ID\s+RECEIVED\s+INTEGRATION/);
    expect(table.stdout).toContain('hooks.ping');

    const shown = await run('webhooks', 'show', String(items[1].id));
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('/webhooks/tokened/[REDACTED]');
    expect(shown.stdout).toContain('"type": "ping"');
    expect(shown.stdout).toContain('tokened.ping');
    expect(shown.stdout).not.toContain('path-token-e2e-1234');
    const shownJson = parseJson<{ body: { type: string }; headers: Record<string, string>; events: { type: string }[] }>((await run('webhooks', 'show', String(items[0].id), '--json')).stdout);
    expect(shownJson.body.type).toBe('ping');
    expect(shownJson.headers['webhook-signature']).toMatch(/^v1,/);
    expect(shownJson.events.map((e) => e.type)).toEqual(['hooks.ping']);

    const rejections = parseJson<{ integration: string; reason: string; status: number }[]>((await run('webhooks', 'rejections', '--json', '--since', '1h')).stdout);
    expect(rejections).toEqual([expect.objectContaining({ integration: 'hooks', reason: 'missing-signature', status: 401 })]);
  });

  it('replay re-runs failed deliveries from the stored bytes, with and without the daemon, and says what failed', async () => {
    const broken = '{"type": "oops",';
    expect((await request(`${daemon.url}/webhooks/hooks`, { method: 'POST', body: broken, headers: signedHeaders('msg_broken', broken) })).statusCode).toBe(200);
    let failed: ListItem[] = [];
    for (let i = 0; i < 100 && failed.length === 0; i++) failed = parseJson<ListItem[]>((await run('webhooks', 'list', '--status', 'failed', '--json')).stdout);
    expect(failed).toEqual([expect.objectContaining({ eventId: 'msg_broken', status: 'failed' })]);
    expect(failed[0].error).toMatch(/not valid JSON/);

    const dry = await run('webhooks', 'replay', '--failed', '--dry-run', '--json');
    expect(dry.code).toBe(1);
    expect(parseJson(dry.stdout)).toMatchObject({ dryRun: true, selected: 1, failed: 1 });

    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toEqual({ code: 0, signal: null });

    const all = parseJson<ListItem[]>((await run('webhooks', 'list', '--json')).stdout);
    const processed = all.find((w) => w.status === 'processed')!;
    const again = await run('webhooks', 'replay', String(processed.id));
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/replayed 1 webhook: 1 processed, 0 failed/);

    const missing = await run('webhooks', 'replay', '999999');
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('no such webhook');
  });

  it('refuses bad usage with exit 2, and an unreachable daemon with exit 5', async () => {
    expect((await run('webhooks', 'replay')).code).toBe(2);
    expect((await run('webhooks', 'replay', '1', '--failed')).code).toBe(2);
    expect((await run('webhooks', 'show', 'abc')).code).toBe(2);
    expect((await run('webhooks', 'list', '--status', 'nope')).code).toBe(2);
    expect((await run('webhooks', 'list', '--since', 'soon')).code).toBe(2);
    const unknown = await run('webhooks', 'trigger', 'nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('hooks, tokened');
    const down = await run('webhooks', 'trigger', 'hooks', '--url', 'http://127.0.0.1:9');
    expect(down.code).toBe(5);
    expect(down.stderr).toMatch(/could not POST/);
  });
});
