import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { STORE_FILE, daemonProject, signedHeaders, startDaemonProcess, type DaemonProcess } from './daemon-harness.js';

/**
 * Garbage in, documented status out, and never a crash: the built daemon
 * against malformed HTTP, truncated and oversized bodies, wrong content
 * types, missing, duplicated and stale signatures, and replays.
 */
let dir: string;
let daemon: DaemonProcess;

beforeAll(async () => {
  dir = daemonProject();
  daemon = await startDaemonProcess(dir);
});

afterAll(async () => {
  if (daemon.child.exitCode === null) {
    daemon.child.kill('SIGTERM');
    await daemon.exited;
  }
});

async function post(body: string | Buffer, headers: Record<string, string>, path = '/webhooks/hooks') {
  const res = await request(`${daemon.url}${path}`, { method: 'POST', body, headers });
  await res.body.dump();
  return res.statusCode;
}

/** Raw bytes on a socket; resolves with whatever came back before the server closed (or after `waitMs` of silence). */
function raw(bytes: Buffer | string, end = false): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(daemon.port, '127.0.0.1');
    let out = '';
    socket.on('data', (d) => (out += d.toString('latin1')));
    socket.on('error', () => resolve(out));
    socket.on('close', () => resolve(out));
    socket.write(bytes, () => {
      if (end) socket.end();
    });
  });
}

const statusOf = (response: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);

describe('daemon under garbage', () => {
  it('answers every kind of bad request with its documented status and stays up', async () => {
    const body = JSON.stringify({ type: 'order.paid', id: 'g1' });
    const good = signedHeaders('msg_good', body);

    // Malformed HTTP: 400 and the connection closed.
    for (let i = 0; i < 20; i++) expect([0, 400]).toContain(statusOf(await raw(Buffer.concat([randomBytes(200), Buffer.from('\r\n\r\n')]))));
    expect(statusOf(await raw('BREW /webhooks/hooks HTTP/1.1\r\nhost: x\r\n\r\n'))).toBe(400);
    // Headers over 16 KiB: 431.
    expect(statusOf(await raw(`POST /webhooks/hooks HTTP/1.1\r\nhost: x\r\nx-junk: ${'j'.repeat(40_000)}\r\n\r\n`))).toBe(431);
    // A body cut short by the client: nothing stored, nothing answered.
    await raw(`POST /webhooks/hooks HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{"type":"half`, true);
    // Oversized: 413, declared or not.
    expect(await post(Buffer.alloc(70_000, 'x'), { ...good, 'webhook-id': 'big' })).toBe(413);
    // Unknown integration and wrong method.
    expect(await post(body, good, '/webhooks/nope')).toBe(404);
    expect((await request(`${daemon.url}/webhooks/hooks?hub.mode=subscribe`)).statusCode).toBe(405);

    // Signatures: missing, missing id, duplicated header, garbled, wrong secret, stale, future.
    const { 'webhook-signature': signature, ...unsigned } = good;
    expect(await post(body, unsigned)).toBe(401);
    const { 'webhook-id': _id, ...noId } = good;
    expect(await post(body, noId)).toBe(401);
    expect(await post(body, { ...good, 'webhook-signature': `${signature}, ${signature}` })).toBe(401);
    expect(await post(body, { ...good, 'webhook-signature': 'v1,!!!not-base64!!!' })).toBe(401);
    expect(await post(body, { ...good, 'webhook-timestamp': 'yesterday' })).toBe(401);
    const stale = String(Math.floor(Date.now() / 1000) - 3600);
    const future = String(Math.floor(Date.now() / 1000) + 3600);
    expect(await post(body, { ...good, 'webhook-timestamp': stale })).toBe(401);
    expect(await post(body, { ...good, 'webhook-timestamp': future })).toBe(401);
    // A tampered body with a valid-looking signature.
    expect(await post(body.replace('g1', 'g2'), good)).toBe(401);

    // Content type does not decide: a validly signed body is stored whatever it claims to be.
    const text = 'not json at all';
    expect(await post(text, { ...signedHeaders('msg_text', text), 'content-type': 'text/plain' })).toBe(200);
    const badJson = '{"type": "order.paid",';
    expect(await post(badJson, signedHeaders('msg_badjson', badJson))).toBe(200);

    // Replays of the same event id: 2xx each time, stored once.
    for (let i = 0; i < 5; i++) expect(await post(body, signedHeaders('msg_good', body))).toBe(200);

    // Still alive and ready.
    expect((await request(`${daemon.url}/healthz`)).statusCode).toBe(200);
    expect((await request(`${daemon.url}/readyz`)).statusCode).toBe(200);
    expect(daemon.child.exitCode).toBeNull();

    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toEqual({ code: 0, signal: null });

    const store = SqliteStore.open(join(dir, STORE_FILE));
    try {
      const rows = await store.webhooks.list({});
      expect(rows.map((r) => r.eventId).sort()).toEqual(['msg_badjson', 'msg_good', 'msg_text']);
      const byId = Object.fromEntries(rows.map((r) => [r.eventId, r]));
      expect(byId.msg_good.status).toBe('processed');
      expect(byId.msg_text).toMatchObject({ status: 'processed', type: 'hooks.received' });
      expect(byId.msg_badjson.status).toBe('failed');
      expect(byId.msg_badjson.error).toMatch(/not valid JSON/);
      const reasons = (await store.webhooks.rejections({})).map((r) => r.reason).sort();
      expect(reasons).toEqual(
        [
          'bad-signature',
          'bad-signature',
          'body-too-large',
          'malformed-signature',
          'malformed-timestamp',
          'missing-id',
          'missing-signature',
          'timestamp-out-of-tolerance',
          'timestamp-out-of-tolerance',
          'unknown-integration',
        ].sort(),
      );
    } finally {
      await store.close();
    }
    expect(daemon.logs.some((l) => l.level === 'error')).toBe(false);
  });
});
