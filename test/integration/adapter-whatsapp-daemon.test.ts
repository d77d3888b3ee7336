import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import whatsapp from '../../adapters/whatsapp/index.js';
import { startWhatsappSimulator, type WhatsappSimulator } from '../../adapters/whatsapp/simulator.js';
import { throughDaemon, type DaemonStage } from './messaging-adapter-harness.js';

describe('whatsapp webhooks through the daemon', () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
  let stage: DaemonStage<WhatsappSimulator>;

  afterEach(() => stage.close());

  it('pass the hub.challenge handshake, then statuses and inbound messages are verified and become message.* events', async () => {
    stage = await throughDaemon(whatsapp, 'wa', startWhatsappSimulator, clock);
    const { sim, daemon, h, events } = stage;

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
