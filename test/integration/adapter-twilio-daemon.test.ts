import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon/server.js';
import type { StoredEvent } from '../../src/store/webhook-types.js';
import type { SqliteStore } from '../../src/store/sqlite/store.js';
import twilio from '../../adapters/twilio/index.js';
import { startTwilioSimulator, type TwilioSimulator } from '../../adapters/twilio/simulator.js';
import { openTempStore, tempDir, testConfig, testRegistry } from './webhooks-fixtures.js';
import { harness, type Harness } from './payment-adapter-harness.js';

/** The status callbacks of a send reach the real daemon, which verifies, stores and parses them into sms.* events. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('twilio status callbacks through the daemon', () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
  let sim: TwilioSimulator;
  let daemon: RunningDaemon;
  let store: SqliteStore;
  let h: Harness;

  afterEach(async () => {
    await sim.close();
    await daemon.close();
    await store.close();
    await h.close();
  });

  it('are verified with the auth token and become sms.sent and sms.delivered events', async () => {
    const port = await freePort();
    const callback = `http://127.0.0.1:${port}/webhooks/sms`;
    sim = await startTwilioSimulator({ clock, callbackUrl: callback });
    const dir = tempDir();
    const registry = testRegistry();
    const config = await testConfig(dir, registry, { sms: { adapter: 'twilio', config: sim.config, webhook: sim.webhook } });
    store = openTempStore(dir);
    const events: StoredEvent[] = [];
    daemon = await startDaemon({ config, registry, store, clock, port, writerThread: false, onEvent: (e) => void events.push(e) });
    h = harness(twilio, sim.config, { clock });

    const sent = await h.run('send', { to: '+254711222333', message: 'Your code is 481516' });
    await sim.idle();
    await daemon.settled();
    expect(sim.callbacks.map((c) => c.status)).toEqual([200, 200]);
    expect(events.map((e) => [e.type, e.externalId])).toEqual([
      ['sms.sent', sent.sid],
      ['sms.delivered', sent.sid],
    ]);
    expect(events[1]).toMatchObject({ integration: 'sms', data: { status: 'delivered', to: '+254711222333' } });

    // The same callbacks signed with another account's token are refused, and nothing more is emitted.
    const other = await startTwilioSimulator({ clock, callbackUrl: callback });
    try {
      const h2 = harness(twilio, other.config, { clock });
      await h2.run('send', { to: '+254711222333', message: 'forged' });
      await other.idle();
      await daemon.settled();
      expect(other.callbacks.map((c) => c.status)).toEqual([403, 403]);
      expect(events).toHaveLength(2);
      await h2.close();
    } finally {
      await other.close();
    }
  });
});
