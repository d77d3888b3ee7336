import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon/server.js';
import type { StoredEvent } from '../../src/store/webhook-types.js';
import type { SqliteStore } from '../../src/store/sqlite/store.js';
import sendgrid from '../../adapters/sendgrid/index.js';
import { startSendgridSimulator, type SendgridSimulator } from '../../adapters/sendgrid/simulator.js';
import { openTempStore, tempDir, testConfig, testRegistry } from './webhooks-fixtures.js';
import { harness, type Harness } from './payment-adapter-harness.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('sendgrid event webhook through the daemon', () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
  let sim: SendgridSimulator;
  let daemon: RunningDaemon;
  let store: SqliteStore;
  let h: Harness;

  afterEach(async () => {
    await sim.close();
    await daemon.close();
    await store.close();
    await h.close();
  });

  it('ECDSA-signed batches are verified with the public key and become email.* events carrying our reference', async () => {
    const port = await freePort();
    sim = await startSendgridSimulator({ clock, callbackUrl: `http://127.0.0.1:${port}/webhooks/mail` });
    const dir = tempDir();
    const registry = testRegistry();
    const config = await testConfig(dir, registry, { mail: { adapter: 'sendgrid', config: sim.config, webhook: sim.webhook } });
    store = openTempStore(dir);
    const events: StoredEvent[] = [];
    daemon = await startDaemon({ config, registry, store, clock, port, writerThread: false, onEvent: (e) => void events.push(e) });
    h = harness(sendgrid, sim.config, { clock });

    const sent = await h.run('send', { to: 'amina@example.com', subject: 'Receipt', text: 'Thanks', reference: 'rcpt-7' });
    await sim.idle();
    await daemon.settled();
    expect(sim.batches.map((b) => b.status)).toEqual([200, 200]);
    expect(events.map((e) => e.type)).toEqual(['email.processed', 'email.delivered']);
    expect(events[1]).toMatchObject({ integration: 'mail', data: { messageId: sent.messageId, reference: 'rcpt-7', email: 'amina@example.com' } });

    // A batch signed an hour ago (a replay) is refused.
    const replayed = sim.batches[1];
    clock.advance(3_600_000);
    const res = await fetch(replayed.url, { method: 'POST', body: replayed.body, headers: replayed.headers });
    await res.arrayBuffer();
    expect(res.status).toBe(401);
    await daemon.settled();
    expect(events).toHaveLength(2);
  });
});
