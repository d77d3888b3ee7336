import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import twilio from '../../adapters/twilio/index.js';
import { startTwilioSimulator, type TwilioSimulator } from '../../adapters/twilio/simulator.js';
import { throughDaemon, type DaemonStage } from './messaging-adapter-harness.js';
import { harness } from './payment-adapter-harness.js';

/** The status callbacks of a send reach the real daemon, which verifies, stores and parses them into sms.* events. */
describe('twilio status callbacks through the daemon', () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
  let stage: DaemonStage<TwilioSimulator>;

  afterEach(() => stage.close());

  it('are verified with the auth token and become sms.sent and sms.delivered events', async () => {
    stage = await throughDaemon(twilio, 'sms', startTwilioSimulator, clock);
    const { sim, daemon, h, events, callbackUrl: callback } = stage;

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
