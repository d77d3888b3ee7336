import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { createVerifier } from '../../src/webhooks/verify/verify.js';
import mpesa from '../../adapters/mpesa/index.js';
import { startMpesaSimulator, type MpesaSimulator } from '../../adapters/mpesa/simulator.js';
import { stkPassword } from '../../adapters/mpesa/daraja-time.js';
import { inboundFrom, type Harness, type Receiver } from './payment-adapter-harness.js';
import { onSimulatorWithReceiver } from './simulator-fixture.js';

/**
 * The ambiguous outcome an unsafe operation must survive: the STK push
 * reaches Daraja but its answer never comes back. The executor records
 * OUTCOME_UNKNOWN and never re-sends; the callback names the push; query
 * settles it.
 */
const TOKEN = 'cb-path-token-7f3a9c';
const STK = '/mpesa/stkpush/v1/processrequest';
const payment = { amount: 500, phone: '+254 711 222 333', reference: 'ORD-77', description: 'Order 77' };

describe('mpesa: a timed-out charge is OUTCOME_UNKNOWN, never re-sent, and reconciled', () => {
  let sim: MpesaSimulator;
  let h: Harness;
  let clock: ManualClock;
  let hooks: Receiver;

  beforeEach(async () => {
    const f = await onSimulatorWithReceiver(mpesa, startMpesaSimulator, { callbackPath: `/mpesa/${TOKEN}`, timeoutMs: 300 });
    ({ sim, h, clock, hooks } = f);
    return f.close;
  });

  const parseCtx = () => ({ integration: h.integration.name, config: mpesa.config.parse(h.integration.config) });

  it('push accepted but answer lost: unknown, then the verified callback and query settle it', async () => {
    sim.acceptThenStall(1);
    const out = await h.executor.execute(h.integration.name, 'charge', payment);
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.error.category).toBe('OUTCOME_UNKNOWN');
    expect(out.attempts).toBe(1);
    expect(sim.received(STK)).toHaveLength(1);

    // Running the same charge again does not prompt the customer twice.
    const again = await h.executor.execute(h.integration.name, 'charge', payment);
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.error.category).toBe('OUTCOME_UNKNOWN');
    expect(sim.received(STK)).toHaveLength(1);

    // By reference alone, Daraja cannot be asked: the answer is honestly unknown.
    const byReference = await h.executor.execute(h.integration.name, 'query', { reference: 'ORD-77' });
    expect(byReference.ok && byReference.result).toMatchObject({ status: 'unknown', reference: 'ORD-77' });

    // The customer paid; Daraja calls back to the token-protected URL with our reference on it.
    await sim.idle();
    expect(hooks.received).toHaveLength(1);
    const req = inboundFrom(hooks.received[0], clock.now());
    expect(req.path).toBe(`/hooks/mpesa/${TOKEN}`);
    const verify = createVerifier({ ...(mpesa.webhook!.verification as { scheme: string }), secrets: [TOKEN], toleranceSeconds: 300, allowIps: ['127.0.0.1/32'] });
    expect(verify(req, { now: clock.now() })).toEqual({ ok: true });
    expect(verify({ ...req, path: '/hooks/mpesa/guessed' }, { now: clock.now() })).toMatchObject({ ok: false, reason: 'bad-token' });

    const [event] = await mpesa.webhook!.parse(req, parseCtx());
    const checkout = [...sim.checkouts.values()][0];
    expect(event).toMatchObject({
      type: 'payment.succeeded',
      externalId: checkout.checkoutRequestId,
      data: { reference: 'ORD-77', amount: 500, phone: '254711222333', receipt: checkout.receipt, resultCode: '0' },
    });
    expect(mpesa.webhook!.eventId!(req, parseCtx())).toBe(checkout.checkoutRequestId);

    // Re-confirm with Daraja, as one must for unsigned callbacks.
    const settled = await h.executor.execute(h.integration.name, 'query', { checkoutRequestId: event.externalId });
    expect(settled.ok && settled.result).toMatchObject({ status: 'succeeded', resultCode: '0', checkoutRequestId: checkout.checkoutRequestId });
  });

  it('push stalled before Daraja processed it: unknown, no callback ever comes, query stays unknown', async () => {
    sim.failNext({ kind: 'stall' }, 1, /stkpush\//);
    const out = await h.executor.execute(h.integration.name, 'charge', payment);
    expect(out.ok).toBe(false);
    if (!out.ok) {
      expect(out.error.category).toBe('OUTCOME_UNKNOWN');
      expect(out.error.message).toMatch(/not re-sent/);
    }
    expect(sim.received(STK)).toHaveLength(1);
    await sim.idle();
    expect(sim.callbacks).toHaveLength(0);
    const q = await h.executor.execute(h.integration.name, 'query', { reference: 'ORD-77' });
    expect(q.ok && q.result).toMatchObject({ status: 'unknown' });
  });

  it('an answered charge reconciles through query by reference', async () => {
    sim.queueOutcome(1032);
    const out = await h.executor.execute(h.integration.name, 'charge', payment);
    expect(out.ok).toBe(true);
    await sim.idle();
    const q = await h.executor.execute(h.integration.name, 'query', { reference: 'ORD-77' });
    expect(q.ok && q.result).toMatchObject({ status: 'failed', resultCode: '1032', reference: 'ORD-77' });
    const [event] = await mpesa.webhook!.parse(inboundFrom(hooks.received[0], clock.now()), parseCtx());
    expect(event).toMatchObject({ type: 'payment.failed', data: { resultCode: '1032', resultDesc: 'Request cancelled by user', reference: 'ORD-77' } });
    expect(event.data).not.toHaveProperty('amount');
  });

  it('keeps the Password, the access token and the credentials out of the operation log', async () => {
    const out = await h.executor.execute(h.integration.name, 'charge', payment);
    expect(out.ok).toBe(true);
    await h.executor.execute(h.integration.name, 'query', { reference: 'ORD-77' });
    sim.failNext({ kind: 'status', status: 401, body: { errorCode: '404.001.03', errorMessage: 'Invalid Access Token' } }, 2, /stkpush\//);
    await h.executor.execute(h.integration.name, 'charge', { ...payment, reference: 'ORD-78' });

    const push = sim.received(STK)[0];
    const body = push.parsed as { Password: string; Timestamp: string };
    expect(body.Password).toBe(stkPassword(sim.credentials.shortcode, sim.credentials.passkey, body.Timestamp));
    const token = push.headers.authorization.replace('Bearer ', '');
    const rows = JSON.stringify(await h.store.logs.query({}));
    expect(rows).toContain('ORD-78');
    for (const secret of [body.Password, token, sim.credentials.passkey, sim.credentials.consumerSecret, sim.credentials.securityCredential]) {
      expect(rows).not.toContain(secret);
    }
  });
});
