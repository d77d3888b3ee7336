import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { ManualClock } from '../../src/core/clock.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon/server.js';
import type { SqliteStore } from '../../src/store/sqlite/store.js';
import { openTempStore, tempDir, testConfig, testRegistry } from './webhooks-fixtures.js';

const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
const running: { daemon: RunningDaemon; store: SqliteStore }[] = [];

afterEach(async () => {
  for (const { daemon, store } of running.splice(0)) {
    await daemon.close();
    await store.close();
  }
});

/** A daemon whose only endpoint admits 10.0.0.0/8, as an operator behind a private load balancer would set it. */
async function start(trustProxy: string[]) {
  const dir = tempDir();
  const registry = testRegistry();
  const config = await testConfig(
    dir,
    registry,
    { tokened: { adapter: 'webhook', webhook: { scheme: 'token', secrets: ['path-token-1234'], allowIps: ['10.0.0.0/8'] } } },
    { trustProxy },
  );
  const store = openTempStore(dir);
  const daemon = await startDaemon({ config, registry, store, clock });
  running.push({ daemon, store });
  return { daemon, store };
}

async function post(daemon: RunningDaemon, forwardedFor: string) {
  const res = await request(`${daemon.url}/webhooks/tokened/path-token-1234`, {
    method: 'POST',
    body: '{"type":"x"}',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
  });
  await res.body.text();
  return res.statusCode;
}

describe('daemon: X-Forwarded-For and the IP allow-list', () => {
  it('a direct client forging X-Forwarded-For does not pass the allow-list', async () => {
    // Our test client connects from 127.0.0.1, which is not a listed proxy.
    const { daemon, store } = await start(['10.20.0.0/16']);
    expect(await post(daemon, '10.1.1.1')).toBe(403);
    await daemon.settled();
    const rejections = await store.webhooks.rejections({});
    expect(rejections[0]).toMatchObject({ integration: 'tokened', reason: 'ip-not-allowed', sourceIp: '127.0.0.1' });
  });

  it('behind a listed proxy the client is the first untrusted hop from the right', async () => {
    const { daemon } = await start(['127.0.0.1']);
    expect(await post(daemon, '10.1.1.1')).toBe(200);
    // The leftmost entry is the client's own claim; the proxy appended the real one.
    expect(await post(daemon, '10.1.1.1, 8.8.8.8')).toBe(403);
  });
});
