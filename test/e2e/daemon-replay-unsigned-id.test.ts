import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { STORE_FILE, daemonProject, startDaemonProcess, type DaemonProcess } from './daemon-harness.js';

/**
 * GitHub signs the body alone: X-GitHub-Delivery is not signed. A captured
 * delivery re-sent with a fresh delivery id must be acknowledged as the
 * duplicate it is, not processed again.
 */
const GITHUB_SECRET = 'e2e-github-webhook-secret';
let dir: string;
let daemon: DaemonProcess;

beforeAll(async () => {
  dir = daemonProject({
    gh: {
      adapter: 'webhook',
      config: { eventTypeHeader: 'x-github-event', eventIdHeader: 'x-github-delivery' },
      webhook: { scheme: 'github', secrets: [GITHUB_SECRET] },
    },
  });
  daemon = await startDaemonProcess(dir);
});

afterAll(async () => {
  if (daemon.child.exitCode === null) {
    daemon.child.kill('SIGTERM');
    await daemon.exited;
  }
});

async function deliver(body: string, delivery: string): Promise<number> {
  const signature = `sha256=${createHmac('sha256', GITHUB_SECRET).update(body).digest('hex')}`;
  const res = await request(`${daemon.url}/webhooks/gh`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': delivery, 'x-hub-signature-256': signature },
  });
  await res.body.dump();
  return res.statusCode;
}

async function duplicatesCounted(): Promise<number> {
  const text = await (await request(`${daemon.url}/metrics`)).body.text();
  return Number(/^integrations_webhook_duplicates_total\{integration="gh"\} (\d+)$/m.exec(text)?.[1] ?? 0);
}

describe('replay of a body-only signature under a new delivery id', () => {
  it('acknowledges the same signed body with a new X-GitHub-Delivery as a duplicate; a different body is processed', async () => {
    const body = JSON.stringify({ ref: 'refs/heads/main', after: 'a1b2c3' });
    expect(await deliver(body, '11111111-1111-1111-1111-111111111111')).toBe(200);
    expect(await deliver(body, '22222222-2222-2222-2222-222222222222')).toBe(200);
    expect(await duplicatesCounted()).toBe(1);
    expect(await deliver(JSON.stringify({ ref: 'refs/heads/main', after: 'd4e5f6' }), '33333333-3333-3333-3333-333333333333')).toBe(200);
    expect(await duplicatesCounted()).toBe(1);

    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toEqual({ code: 0, signal: null });
    const store = SqliteStore.open(join(dir, STORE_FILE));
    try {
      const rows = await store.webhooks.list({ integration: 'gh' });
      expect(rows).toHaveLength(2);
      expect(rows.every((r) => r.status === 'processed')).toBe(true);
      expect(rows.every((r) => /^sha256:[0-9a-f]{64}$/.test(String(r.eventId)))).toBe(true);
    } finally {
      await store.close();
    }
  });
});
