import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import sendgrid from '../../adapters/sendgrid/index.js';
import { startSendgridSimulator, type SendgridSimulator } from '../../adapters/sendgrid/simulator.js';
import { throughDaemon, type DaemonStage } from './messaging-adapter-harness.js';

describe('sendgrid event webhook through the daemon', () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
  let stage: DaemonStage<SendgridSimulator>;

  afterEach(() => stage.close());

  it('ECDSA-signed batches are verified with the public key and become email.* events carrying our reference', async () => {
    stage = await throughDaemon(sendgrid, 'mail', startSendgridSimulator, clock);
    const { sim, daemon, h, events } = stage;

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
