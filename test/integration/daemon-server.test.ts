import { createHmac } from 'node:crypto';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { request } from 'undici';
import { ManualClock } from '../../src/core/clock.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon/server.js';
import type { StoredEvent } from '../../src/store/webhook-types.js';
import type { SqliteStore } from '../../src/store/sqlite/store.js';
import { GITHUB_SECRET, SW_SECRET, openTempStore, tempDir, testConfig, testRegistry } from './webhooks-fixtures.js';

const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
const running: { daemon: RunningDaemon; store: SqliteStore }[] = [];

afterEach(async () => {
  for (const { daemon, store } of running.splice(0)) {
    await daemon.close();
    await store.close();
  }
});

async function start(options: { onEvent?: (e: StoredEvent) => void; headersTimeoutMs?: number; integrations?: Parameters<typeof testConfig>[2] } = {}) {
  const dir = tempDir();
  const registry = testRegistry();
  const config = await testConfig(
    dir,
    registry,
    options.integrations ?? {
      hooks: { adapter: 'webhook', config: { eventTypePath: 'type' }, webhook: { scheme: 'standard-webhooks', secrets: [SW_SECRET] } },
      pay: { adapter: 'fixture-pay', webhook: { scheme: 'github', secrets: [GITHUB_SECRET] } },
      tokened: { adapter: 'webhook', webhook: { scheme: 'token', secrets: ['path-token-1234'] } },
      keyed: { adapter: 'webhook', webhook: { scheme: 'token', location: 'header', name: 'x-auth', secrets: ['header-secret-5678'] } },
      meta: { adapter: 'webhook', webhook: { scheme: 'meta', secrets: ['app-secret'], verifyToken: 'verify-me-please' } },
      off: { adapter: 'webhook', enabled: false, webhook: { scheme: 'standard-webhooks', secrets: [SW_SECRET] } },
    },
    { maxBodyBytes: 4096 },
  );
  const store = openTempStore(dir);
  const daemon = await startDaemon({ config, registry, store, clock, onEvent: options.onEvent, headersTimeoutMs: options.headersTimeoutMs });
  running.push({ daemon, store });
  return { daemon, store };
}

function standardSigned(body: string, id: string, at = clock.now()) {
  const headers = new Webhook(SW_SECRET).sign(id, new Date(at), body);
  return { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at / 1000)), 'webhook-signature': headers, 'content-type': 'application/json' };
}

function githubSigned(body: string) {
  return { 'x-hub-signature-256': `sha256=${createHmac('sha256', GITHUB_SECRET).update(body).digest('hex')}`, 'content-type': 'application/json' };
}

async function post(daemon: RunningDaemon, path: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const res = await request(`${daemon.url}${path}`, { method: 'POST', body, headers });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

async function get(daemon: RunningDaemon, path: string) {
  const res = await request(`${daemon.url}${path}`);
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

/** Sends raw bytes on a socket and resolves with everything the server sent before closing. */
function raw(daemon: RunningDaemon, bytes: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(daemon.port, '127.0.0.1');
    let out = '';
    socket.on('data', (d) => (out += d.toString('latin1')));
    socket.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve(out) : reject(e)));
    socket.on('close', () => resolve(out));
    socket.write(bytes);
  });
}

describe('daemon: ingest', () => {
  it('stores a verified delivery before answering 2xx, then processes it into events off the request path', async () => {
    const events: StoredEvent[] = [];
    const { daemon, store } = await start({ onEvent: (e) => void events.push(e) });
    const body = JSON.stringify({ type: 'invoice.paid', id: 'in_1' });
    const res = await post(daemon, '/webhooks/hooks', body, standardSigned(body, 'msg_1'));
    expect(res.status).toBe(200);
    expect(res.text).toBe('{"ok":true}');
    // Committed before the answer: the row is there the moment the response arrived.
    const [row] = await store.webhooks.list({});
    expect(row).toMatchObject({ integration: 'hooks', eventId: 'msg_1' });
    await daemon.settled();
    const stored = await store.webhooks.get(row.id);
    expect(stored).toMatchObject({ status: 'processed', type: 'hooks.invoice.paid', attempts: 1 });
    expect(stored!.body.toString()).toBe(body);
    expect(events.map((e) => e.type)).toEqual(['hooks.invoice.paid']);
    expect(events[0].data).toEqual({ type: 'invoice.paid', id: 'in_1' });
  });

  it('answers a repeat of the same provider event id 2xx without storing or processing it again', async () => {
    const events: StoredEvent[] = [];
    const { daemon, store } = await start({ onEvent: (e) => void events.push(e) });
    const body = JSON.stringify({ kind: 'paid', ref: 'CHK_1', amount: 10 });
    for (let i = 0; i < 3; i++) expect((await post(daemon, '/webhooks/pay', body, githubSigned(body))).status).toBe(200);
    await daemon.settled();
    expect(await store.webhooks.list({})).toHaveLength(1);
    expect(events.map((e) => e.type)).toEqual(['payment.succeeded', 'receipt.issued']);
    expect(await daemon.metrics.text()).toMatch(/integrations_webhook_duplicates_total\{integration="pay"\} 2/);
  });

  it("answers with the adapter's acknowledgement body", async () => {
    const { daemon } = await start();
    const body = JSON.stringify({ kind: 'paid', ref: 'CHK_2' });
    const res = await post(daemon, '/webhooks/pay', body, githubSigned(body));
    expect(res.text).toBe('{"ResultCode":0,"ResultDesc":"Accepted"}');
  });

  it('answers each of many concurrent deliveries only after storing it', async () => {
    const { daemon, store } = await start();
    const bodies = Array.from({ length: 40 }, (_, i) => JSON.stringify({ type: 'x', n: i }));
    const results = await Promise.all(bodies.map((b, i) => post(daemon, '/webhooks/hooks', b, standardSigned(b, `msg_g${i}`))));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect((await store.webhooks.list({})).map((w) => w.eventId).sort()).toEqual(bodies.map((_, i) => `msg_g${i}`).sort());
    expect(await daemon.metrics.text()).toMatch(/integrations_webhook_commit_batch_size_sum 40/);
  });

  it('marks a delivery failed with the error when the parser throws, and keeps its bytes for replay', async () => {
    const { daemon, store } = await start();
    const body = JSON.stringify({ kind: 'boom', ref: 'CHK_3' });
    expect((await post(daemon, '/webhooks/pay', body, githubSigned(body))).status).toBe(200);
    await daemon.settled();
    const [row] = await store.webhooks.list({});
    expect(row).toMatchObject({ status: 'failed', error: 'cannot parse boom callback', attempts: 1 });
    expect(await daemon.metrics.text()).toMatch(/integrations_webhook_processing_total\{integration="pay",outcome="failed"\} 1/);
  });

  it('takes the path-token route and never stores the token', async () => {
    const { daemon, store } = await start();
    expect((await post(daemon, '/webhooks/tokened/path-token-1234', '{"type":"a"}')).status).toBe(200);
    expect((await post(daemon, '/webhooks/tokened/wrong-token-0000', '{"type":"a"}')).status).toBe(401);
    const [row] = await store.webhooks.list({});
    expect((await store.webhooks.get(row.id))!.path).toBe('/webhooks/tokened/[REDACTED]');
    await daemon.settled();
    const [rejection] = await store.webhooks.rejections({});
    expect(rejection).toMatchObject({ integration: 'tokened', reason: 'bad-token', status: 401, path: '/webhooks/tokened/[REDACTED]' });
  });

  it('masks a secret carried in a header, in stored deliveries and in rejections, even a wrong one', async () => {
    const { daemon, store } = await start();
    expect((await post(daemon, '/webhooks/keyed', '{}', { 'x-auth': 'header-secret-5678', authorization: 'Bearer abc' })).status).toBe(200);
    const row = await store.webhooks.get((await store.webhooks.list({}))[0].id);
    expect(row!.headers['x-auth']).toBe('[REDACTED]');
    expect(row!.headers.authorization).toBe('[REDACTED]');
    expect((await post(daemon, '/webhooks/keyed', '{}', { 'x-auth': 'nope-nope' })).status).toBe(401);
    await daemon.settled();
    // A wrong token is often someone's real one (another integration's, a rotated one): never kept.
    expect((await store.webhooks.rejections({}))[0].headers['x-auth']).toBe('[REDACTED]');
  });
});

describe('daemon: refusals', () => {
  it('401 with a recorded rejection (reason, ip, size, no secrets) for a bad signature', async () => {
    const { daemon, store } = await start();
    const body = JSON.stringify({ type: 'x' });
    const headers = standardSigned(body, 'msg_bad');
    const res = await post(daemon, '/webhooks/hooks', `${body} `, headers);
    expect(res.status).toBe(401);
    expect(JSON.parse(res.text)).toEqual({ error: 'bad-signature' });
    await daemon.settled();
    const rejections = await store.webhooks.rejections({});
    expect(rejections).toEqual([expect.objectContaining({ integration: 'hooks', reason: 'bad-signature', status: 401, sourceIp: '127.0.0.1', bodySize: body.length + 1 })]);
    expect(await store.webhooks.list({})).toEqual([]);
    expect(await daemon.metrics.text()).toMatch(/integrations_webhook_rejected_total\{integration="hooks",reason="bad-signature"\} 1/);
  });

  it('rejects stale and future timestamps', async () => {
    const { daemon } = await start();
    const body = '{"type":"x"}';
    expect((await post(daemon, '/webhooks/hooks', body, standardSigned(body, 'm1', clock.now() - 301_000))).status).toBe(401);
    expect((await post(daemon, '/webhooks/hooks', body, standardSigned(body, 'm2', clock.now() + 301_000))).status).toBe(401);
    expect((await post(daemon, '/webhooks/hooks', body, standardSigned(body, 'm3', clock.now() - 299_000))).status).toBe(200);
  });

  it('404 for an unknown integration, recorded under "(unknown)" with the token segment hidden', async () => {
    const { daemon, store } = await start();
    expect((await post(daemon, '/webhooks/nope/some-secret', '{}')).status).toBe(404);
    expect((await post(daemon, '/webhooks/NOT..valid', '{}')).status).toBe(404);
    expect((await get(daemon, '/nothing-here')).status).toBe(404);
    await daemon.settled();
    const [rejection] = await store.webhooks.rejections({});
    expect(rejection).toMatchObject({ integration: '(unknown)', reason: 'unknown-integration', status: 404, path: '/webhooks/nope/[REDACTED]' });
  });

  it('413 for a body over maxBodyBytes, declared or streamed, without storing it', async () => {
    const { daemon, store } = await start();
    const big = Buffer.alloc(5000, 'a');
    expect((await post(daemon, '/webhooks/hooks', big, standardSigned(big.toString(), 'big1'))).status).toBe(413);
    const chunked = await raw(
      daemon,
      `POST /webhooks/hooks HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n${'1000\r\n' + 'b'.repeat(4096) + '\r\n'}${'1000\r\n' + 'b'.repeat(4096) + '\r\n'}`,
    );
    expect(chunked).toMatch(/^HTTP\/1.1 413/);
    expect(await store.webhooks.list({})).toEqual([]);
    await daemon.settled();
    expect((await store.webhooks.rejections({})).map((r) => r.reason)).toEqual(['body-too-large', 'body-too-large']);
  });

  it('405 for other methods, 503 for a disabled integration, 400 for a malformed request, 431 for huge headers', async () => {
    const { daemon } = await start();
    const put = await request(`${daemon.url}/webhooks/hooks`, { method: 'PUT', body: '{}' });
    expect(put.statusCode).toBe(405);
    expect(put.headers.allow).toBe('POST');
    await put.body.text();
    expect((await post(daemon, '/webhooks/off', '{}')).status).toBe(503);
    expect(await raw(daemon, 'NOT HTTP AT ALL\r\n\r\n')).toMatch(/^HTTP\/1.1 400/);
    expect(await raw(daemon, `POST /webhooks/hooks HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`)).toMatch(/^HTTP\/1.1 431/);
    expect((await get(daemon, '/healthz')).status).toBe(200);
  });

  it('408 and a closed connection for a client that never finishes its headers', async () => {
    const { daemon } = await start({ headersTimeoutMs: 200 });
    const answer = await raw(daemon, 'POST /webhooks/hooks HTTP/1.1\r\nhost: x\r\n');
    expect(answer).toMatch(/^HTTP\/1.1 408/);
  });
});

describe('daemon: configuration', () => {
  it('leaves out an integration with no webhook secrets (404) instead of refusing to start', async () => {
    const { daemon } = await start({
      integrations: {
        pay: { adapter: 'fixture-pay', webhook: { scheme: 'github', secrets: [GITHUB_SECRET] } },
        quiet: { adapter: 'fixture-pay', webhook: { scheme: 'github', secrets: [] } },
      },
    });
    expect((await post(daemon, '/webhooks/quiet', '{}')).status).toBe(404);
    const body = JSON.stringify({ kind: 'paid', ref: 'Q1' });
    expect((await post(daemon, '/webhooks/pay', body, githubSigned(body))).status).toBe(200);
  });

  it('refuses to start on webhook settings no request could pass, naming the integration', async () => {
    const dir = tempDir();
    const registry = testRegistry();
    const config = await testConfig(dir, registry, { bad: { adapter: 'webhook', webhook: { scheme: 'no-such-scheme', secrets: ['x'] } } });
    const store = openTempStore(dir);
    try {
      await expect(startDaemon({ config, registry, store, clock })).rejects.toMatchObject({ category: 'CONFIG_INVALID', message: expect.stringContaining('integration "bad"') });
    } finally {
      await store.close();
    }
  });
});

describe('daemon: port in use', () => {
  it('says the address is taken instead of crashing', async () => {
    const { daemon } = await start();
    const dir = tempDir();
    const registry = testRegistry();
    const config = await testConfig(dir, registry, {});
    const store = openTempStore(dir);
    try {
      await expect(startDaemon({ config, registry, store, clock, port: daemon.port })).rejects.toMatchObject({ category: 'CONFIG_INVALID', message: expect.stringContaining('already in use') });
    } finally {
      await store.close();
    }
  });
});

describe('daemon: handshake, health, metrics', () => {
  it("answers Meta's subscription handshake with the challenge only for the configured verify token", async () => {
    const { daemon, store } = await start();
    const ok = await get(daemon, '/webhooks/meta?hub.mode=subscribe&hub.verify_token=verify-me-please&hub.challenge=1158201444');
    expect(ok).toMatchObject({ status: 200, text: '1158201444' });
    const bad = await get(daemon, '/webhooks/meta?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1');
    expect(bad.status).toBe(403);
    expect((await get(daemon, '/webhooks/hooks?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1')).status).toBe(405);
    await daemon.settled();
    const [rejection] = await store.webhooks.rejections({});
    expect(rejection).toMatchObject({ integration: 'meta', reason: 'bad-verify-token', status: 403 });
    expect(JSON.stringify(rejection)).not.toContain('verify-me-please');
    expect(rejection.path).toContain('hub.verify_token=%5BREDACTED%5D');
    expect(JSON.stringify(rejection)).not.toContain('wrong');
  });

  it('healthz, readyz and Prometheus metrics per integration', async () => {
    const { daemon } = await start();
    expect(await get(daemon, '/healthz')).toMatchObject({ status: 200, text: '{"status":"ok"}' });
    expect(await get(daemon, '/readyz')).toMatchObject({ status: 200, text: '{"status":"ready"}' });
    const body = '{"type":"x"}';
    await post(daemon, '/webhooks/hooks', body, standardSigned(body, 'mm1'));
    await daemon.settled();
    const metrics = await get(daemon, '/metrics');
    expect(metrics.headers['content-type']).toMatch(/^text\/plain; version=0.0.4/);
    expect(metrics.text).toMatch(/integrations_webhook_requests_total\{integration="hooks"\} 1/);
    expect(metrics.text).toMatch(/integrations_webhook_verified_total\{integration="hooks"\} 1/);
    expect(metrics.text).toMatch(/integrations_webhook_processing_total\{integration="hooks",outcome="processed"\} 1/);
    expect(metrics.text).toMatch(/integrations_webhook_processing_seconds_bucket\{le="\+Inf",integration="hooks"\} 1/);
    expect(metrics.text).toMatch(/integrations_webhook_ingest_seconds_count\{integration="hooks"\} 1/);
  });
});

describe('daemon: shutdown and recovery', () => {
  it('close() finishes requests in flight, their processing, and then refuses connections', async () => {
    const events: StoredEvent[] = [];
    const { daemon, store } = await start({ onEvent: (e) => void events.push(e) });
    const bodies = Array.from({ length: 20 }, (_, i) => JSON.stringify({ type: 'x', n: i }));
    const pending = bodies.map((b, i) => post(daemon, '/webhooks/hooks', b, standardSigned(b, `msg_s${i}`)).catch((e: Error) => ({ status: 0, text: e.message })));
    // Closing while requests are on the wire: each either completes (2xx, stored, processed) or never connected.
    await new Promise((r) => setImmediate(r));
    await daemon.close();
    const results = await Promise.all(pending);
    const ok = results.filter((r) => r.status === 200).length;
    const rows = await store.webhooks.list({});
    expect(rows.length).toBeGreaterThanOrEqual(ok);
    expect(rows.every((r) => r.status === 'processed')).toBe(true);
    expect(events).toHaveLength(rows.length);
    await expect(request(`${daemon.url}/healthz`)).rejects.toThrow();
  });

  it('processes at start what a crash left in received', async () => {
    const dir = tempDir();
    const registry = testRegistry();
    const config = await testConfig(dir, registry, { pay: { adapter: 'fixture-pay', webhook: { scheme: 'github', secrets: [GITHUB_SECRET] } } });
    const store = openTempStore(dir);
    const body = Buffer.from(JSON.stringify({ kind: 'paid', ref: 'R1' }));
    const [left] = await store.webhooks.commit({
      deliveries: [{ integration: 'pay', eventId: 'R1', receivedAt: 1, method: 'POST', path: '/webhooks/pay', query: {}, headers: {}, sourceIp: null, body }],
      rejections: [],
    });
    const daemon = await startDaemon({ config, registry, store, clock });
    running.push({ daemon, store });
    await daemon.close();
    expect(await store.webhooks.get(left.id)).toMatchObject({ status: 'processed', type: 'payment.succeeded,receipt.issued' });
  });
});
