import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon/server.js';
import type { StoredEvent } from '../../src/store/webhook-types.js';
import type { SqliteStore } from '../../src/store/sqlite/store.js';
import whatsapp from '../../adapters/whatsapp/index.js';
import { startWhatsappSimulator, type WhatsappSimulator } from '../../adapters/whatsapp/simulator.js';
import { openTempStore, tempDir, testConfig, testRegistry } from './webhooks-fixtures.js';
import { harness, type Harness } from './payment-adapter-harness.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('whatsapp webhooks through the daemon', () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
  let sim: WhatsappSimulator;
  let daemon: RunningDaemon;
  let store: SqliteStore;
  let h: Harness;

  afterEach(async () => {
    await sim.close();
    await daemon.close();
    await store.close();
    await h.close();
  });

  it('pass the hub.challenge handshake, then statuses and inbound messages are verified and become message.* events', async () => {
    const port = await freePort();
    sim = await startWhatsappSimulator({ clock, callbackUrl: `http://127.0.0.1:${port}/webhooks/wa` });
    const dir = tempDir();
    const registry = testRegistry();
    const config = await testConfig(dir, registry, { wa: { adapter: 'whatsapp', config: sim.config, webhook: sim.webhook } });
    store = openTempStore(dir);
    const events: StoredEvent[] = [];
    daemon = await startDaemon({ config, registry, store, clock, port, writerThread: false, onEvent: (e) => void events.push(e) });
    h = harness(whatsapp, sim.config, { clock });

    expect(await sim.verifyCallback()).toBe(true);
    expect(await sim.verifyCallback('a-guessed-token')).toBe(false);

    const sent = await h.run('send', { to: '+254711222333', text: 'Your order has shipped' });
    await sim.idle();
    const inboundId = await sim.inbound('254711222333', 'Thanks!', 'Amina');
    await daemon.settled();
    expect(sim.webhooks.map((w) => w.status)).toEqual([200, 200, 200, 200]);
    expect(events.map((e) => [e.type, e.externalId])).toEqual([
      ['message.sent', sent.messageId],
      ['message.delivered', sent.messageId],
      ['message.read', sent.messageId],
      ['message.received', inboundId],
    ]);
    expect(events[3]).toMatchObject({ integration: 'wa', data: { text: 'Thanks!', profileName: 'Amina' } });
  });
});
