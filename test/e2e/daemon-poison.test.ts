import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { request } from 'undici';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { adapterPackage, cli, tempProject, writeJsonConfig } from './cli-harness.js';
import { SECRET, STORE_FILE, signedHeaders, startDaemonProcess, type DaemonProcess } from './daemon-harness.js';

const ADAPTER = fileURLToPath(new URL('./poison-webhook-adapter.mjs', import.meta.url));
const DEPTH = 100_000;

function project(): string {
  const dir = tempProject('integrations-poison-');
  const webhook = { scheme: 'standard-webhooks', secrets: [SECRET] };
  writeJsonConfig(dir, {
    store: { path: STORE_FILE },
    adapters: [adapterPackage(dir, 'poison-webhook-adapter', ADAPTER)],
    integrations: {
      hooks: { adapter: 'webhook', config: { eventTypePath: 'type' }, webhook },
      odd: { adapter: 'poison-hooks', config: {}, webhook },
    },
    // The deep body is 200 KB.
    daemon: { host: '127.0.0.1', port: 0, maxBodyBytes: 1_048_576 },
  });
  return dir;
}

async function post(daemon: DaemonProcess, integration: string, id: string, body: string): Promise<number> {
  const res = await request(`${daemon.url}/webhooks/${integration}`, { method: 'POST', headers: signedHeaders(id, body), body });
  await res.body.dump();
  return res.statusCode;
}

function waitForLog(daemon: DaemonProcess, msg: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const found = daemon.logs.find((l) => l.msg === msg);
      if (!found) return false;
      daemon.child.stdout.off('data', onData);
      resolve(found);
      return true;
    };
    const onData = () => setImmediate(check);
    if (check()) return;
    daemon.child.stdout.on('data', onData);
    void daemon.exited.then(() => reject(new Error(`daemon exited before logging "${msg}"`)));
  });
}

async function stop(daemon: DaemonProcess): Promise<void> {
  daemon.child.kill('SIGTERM');
  expect(await daemon.exited).toEqual({ code: 0, signal: null });
}

async function statuses(dir: string): Promise<Map<string, { id: number; status: string; error: string | null }>> {
  const store = SqliteStore.open(join(dir, STORE_FILE));
  try {
    const rows = await store.webhooks.list({});
    return new Map(rows.map((r) => [r.eventId ?? '', { id: r.id, status: r.status, error: r.error }]));
  } finally {
    await store.close();
  }
}

describe('one poison webhook fails alone', () => {
  it('a correctly signed 100,000-deep body fails with its reason beside five ordinary ones, also in recovery after a restart; replay fails it again cleanly', async () => {
    const dir = project();
    const ordinary = Array.from({ length: 5 }, (_, i) => `msg_ok_${i}`);
    const first = await startDaemonProcess(dir);
    const deep = `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`;
    const answers = await Promise.all([
      post(first, 'hooks', 'msg_deep', deep),
      ...ordinary.map((id) => post(first, 'hooks', id, JSON.stringify({ type: 'order.paid', id }))),
    ]);
    // Acknowledged and stored, as it should be: the limit applies to processing, not to receipt.
    expect(answers).toEqual([200, 200, 200, 200, 200, 200]);
    await stop(first);

    let rows = await statuses(dir);
    expect(rows.get('msg_deep')).toMatchObject({ status: 'failed', error: 'nesting deeper than 128' });
    for (const id of ordinary) expect(rows.get(id)?.status).toBe('processed');

    // The store as a daemon that died before processing leaves it: all six waiting.
    const store = SqliteStore.open(join(dir, STORE_FILE));
    store.db.prepare("UPDATE webhook_events SET status = 'received', error = NULL, processed_at = NULL").run();
    await store.close();

    const second = await startDaemonProcess(dir);
    expect((await waitForLog(second, 'recovered unprocessed webhooks')).count).toBe(6);
    expect(second.logs.filter((l) => l.msg === 'could not recover unprocessed webhooks' || l.msg === 'could not record webhook processing')).toEqual([]);
    const health = await request(`${second.url}/healthz`);
    expect(health.statusCode).toBe(200);
    await health.body.dump();

    const deepId = (await statuses(dir)).get('msg_deep')!.id;
    const listed = await cli(['webhooks', 'list', '--json', '--status', 'failed'], { cwd: dir });
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ id: deepId, eventId: 'msg_deep', status: 'failed', error: 'nesting deeper than 128' })]);
    const shown = await cli(['webhooks', 'show', String(deepId)], { cwd: dir });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/error\s+nesting deeper than 128/);
    expect(shown.stdout).toContain(`Body (${deep.length} bytes)`);
    const shownJson = await cli(['webhooks', 'show', String(deepId), '--json'], { cwd: dir });
    expect(shownJson.code).toBe(0);
    expect(JSON.parse(shownJson.stdout)).toMatchObject({ status: 'failed', error: 'nesting deeper than 128', bodyBytes: deep.length, body: deep });

    const replayed = await cli(['webhooks', 'replay', String(deepId)], { cwd: dir });
    expect(replayed.code).toBe(1);
    expect(replayed.stdout + replayed.stderr).toContain('nesting deeper than 128');
    expect(replayed.stderr).not.toMatch(/looks like a bug|RangeError|Maximum call stack/);

    await stop(second);
    rows = await statuses(dir);
    expect(rows.get('msg_deep')).toMatchObject({ status: 'failed', error: 'nesting deeper than 128' });
    for (const id of ordinary) expect(rows.get(id)?.status).toBe('processed');
  });

  it('a parser that overflows the stack on a shallow body, and events the store cannot serialise, each fail alone; the rest of the batch is processed', async () => {
    const dir = project();
    const daemon = await startDaemonProcess(dir);
    const answers = await Promise.all([
      post(daemon, 'odd', 'msg_recurse', JSON.stringify({ kind: 'recurse', n: 10_000_000 })),
      post(daemon, 'odd', 'msg_bigint', JSON.stringify({ kind: 'bigint' })),
      post(daemon, 'odd', 'msg_a', JSON.stringify({ type: 'order.paid', id: 'a' })),
      post(daemon, 'odd', 'msg_b', JSON.stringify({ type: 'order.paid', id: 'b' })),
    ]);
    expect(answers).toEqual([200, 200, 200, 200]);
    const health = await request(`${daemon.url}/healthz`);
    expect(health.statusCode).toBe(200);
    await health.body.dump();
    await stop(daemon);

    const rows = await statuses(dir);
    expect(rows.get('msg_recurse')).toMatchObject({ status: 'failed', error: 'Maximum call stack size exceeded' });
    expect(rows.get('msg_bigint')).toMatchObject({ status: 'failed', error: expect.stringMatching(/^could not record processing: .*BigInt/) });
    expect(rows.get('msg_a')?.status).toBe('processed');
    expect(rows.get('msg_b')?.status).toBe('processed');
    expect(daemon.logs.filter((l) => l.msg === 'could not record webhook processing')).toEqual([]);

    const replayed = await cli(['webhooks', 'replay', String(rows.get('msg_bigint')!.id)], { cwd: dir });
    expect(replayed.code).toBe(1);
    expect(replayed.stdout).toMatch(/could not record processing: .*BigInt/);
  });

  it('a webhook with no token at all is rejected as missing-token', async () => {
    const dir = tempProject('integrations-token-');
    writeJsonConfig(dir, {
      store: { path: STORE_FILE },
      integrations: { cb: { adapter: 'webhook', config: {}, webhook: { scheme: 'token', secrets: ['cb-token-0123456789'] } } },
      daemon: { host: '127.0.0.1', port: 0 },
    });
    const daemon = await startDaemonProcess(dir);
    try {
      for (const path of ['/webhooks/cb', '/webhooks/cb/guessed']) {
        const res = await request(`${daemon.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"x"}' });
        expect(res.statusCode).toBe(401);
        await res.body.dump();
      }
    } finally {
      await stop(daemon);
    }
    const rejections = await cli(['webhooks', 'rejections', '--json'], { cwd: dir });
    expect(rejections.code).toBe(0);
    expect((JSON.parse(rejections.stdout) as { reason: string }[]).map((r) => r.reason).sort()).toEqual(['bad-token', 'missing-token']);
  });
});
