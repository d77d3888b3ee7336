import { createHmac } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { validateAdapterDefinition } from '../../src/core/adapter.js';
import { secretPaths } from '../../src/core/fields.js';
import razorpay from '../../adapters/razorpay/index.js';
import { RazorpaySimulator } from '../../adapters/razorpay/simulator.js';
import { flatHeaders, harness, inbound, verifiedByEngine, type Harness, type Receiver } from './payment-adapter-harness.js';
import { onSimulatorWithReceiver } from './simulator-fixture.js';
import { failure } from './expect-failure.js';

describe('razorpay adapter against its simulator', () => {
  let sim: RazorpaySimulator;
  let h: Harness;
  let clock: ManualClock;
  let hooks: Receiver;

  beforeEach(async () => {
    const f = await onSimulatorWithReceiver(razorpay, (o) => RazorpaySimulator.start(o));
    ({ sim, h, clock, hooks } = f);
    return f.close;
  });

  it('declares a sound payment adapter with the key secret marked', () => {
    expect(validateAdapterDefinition(razorpay)).toEqual([]);
    expect(secretPaths(razorpay.config)).toEqual(['keySecret']);
    expect(razorpay.baseUrls?.production).toBe('https://api.razorpay.com/v1');
    expect(Object.fromEntries(Object.entries(razorpay.operations).map(([k, op]) => [k, op.retry]))).toEqual({ charge: 'unsafe', query: 'safe', refund: 'unsafe' });
    expect(razorpay.webhook?.verification).toEqual({ scheme: 'razorpay' });
  });

  it('charge creates an order in paise with HTTP Basic key_id:key_secret', async () => {
    const out = await h.run('charge', { amount: 499.5, reference: 'Receipt #20', notes: { plan: 'gold' } });
    expect(out).toEqual({ status: 'pending', orderId: expect.stringMatching(/^order_[A-Za-z0-9]{14}$/), reference: 'Receipt #20', amount: 499.5, currency: 'INR', providerStatus: 'created' });
    const [req] = sim.received('/orders');
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from(`${sim.keyId}:${sim.keySecret}`).toString('base64')}`);
    expect(req.parsed).toEqual({ amount: 49950, currency: 'INR', receipt: 'Receipt #20', notes: { plan: 'gold' } });
  });

  it('refuses amounts finer than the currency allows before any request', async () => {
    const err = await failure(h.run('charge', { amount: 10.005, reference: 'r' }));
    expect(err.category).toBe('VALIDATION_FAILED');
    expect(err.requestSent).toBe(false);
    expect(sim.received('/orders')).toHaveLength(0);
    await h.run('charge', { amount: 1500, currency: 'JPY', reference: 'yen' });
    expect(sim.received('/orders')[0].parsed).toMatchObject({ amount: 1500, currency: 'JPY' });
  });

  it('maps Razorpay\'s validation error to VALIDATION_FAILED with its code, description and field', async () => {
    const err = await failure(h.run('charge', { amount: 0.5, reference: 'small' }));
    expect(err.category).toBe('VALIDATION_FAILED');
    expect(err.provider).toEqual({ status: 400, code: 'BAD_REQUEST_ERROR', message: 'The amount must be at least INR 1.00', field: 'amount' });
  });

  it('query reports pending, then succeeded with the captured payment, by order id or by receipt', async () => {
    const { orderId } = await h.run('charge', { amount: 500, reference: 'rcpt-q' });
    expect(await h.run('query', { orderId })).toMatchObject({ status: 'pending', providerStatus: 'created', attempts: 0 });
    const { paymentId } = await sim.complete(orderId, 'captured');
    const byReceipt = await h.run('query', { reference: 'rcpt-q' });
    expect(byReceipt).toMatchObject({ status: 'succeeded', providerStatus: 'paid', orderId, paymentId, paymentStatus: 'captured', amount: 500, amountPaid: 500, amountDue: 0, currency: 'INR', method: 'upi' });
    expect(sim.received('/orders').filter((r) => r.method === 'GET')[0].query).toMatchObject({ receipt: 'rcpt-q' });
    expect(await h.run('query', { reference: 'never-made' })).toMatchObject({ status: 'not_found' });
    expect(await h.run('query', { orderId: 'order_DoesNotExist00' })).toMatchObject({ status: 'not_found', orderId: 'order_DoesNotExist00' });
  });

  it('query reports a failed attempt with its error', async () => {
    const { orderId } = await h.run('charge', { amount: 500, reference: 'rcpt-f' });
    await sim.complete(orderId, 'failed');
    expect(await h.run('query', { orderId })).toMatchObject({ status: 'failed', providerStatus: 'attempted', paymentStatus: 'failed', errorCode: 'BAD_REQUEST_ERROR' });
  });

  it('refunds partly by payment id, then the rest by order id; the order then reads reversed', async () => {
    const { orderId } = await h.run('charge', { amount: 1000, reference: 'rcpt-r' });
    const { paymentId } = await sim.complete(orderId);
    const part = await h.run('refund', { paymentId, amount: 250.25, reference: 'rf-1' });
    expect(part).toMatchObject({ refundId: expect.stringMatching(/^rfnd_/), paymentId, status: 'succeeded', providerStatus: 'processed', amount: 250.25, currency: 'INR' });
    expect(sim.received(`/payments/${paymentId}/refund`)[0].parsed).toEqual({ amount: 25025, receipt: 'rf-1' });
    expect(await h.run('query', { orderId })).toMatchObject({ status: 'succeeded', amountRefunded: 250.25 });

    const rest = await h.run('refund', { orderId });
    expect(rest.amount).toBe(749.75);
    expect(sim.received(`/payments/${paymentId}/refund`)[1].parsed).toEqual({});
    expect(await h.run('query', { orderId })).toMatchObject({ status: 'reversed', paymentStatus: 'refunded' });

    const again = await failure(h.run('refund', { paymentId }));
    expect(again.category).toBe('INVALID_REQUEST');
    expect(again.provider?.message).toBe('The payment has been fully refunded already');
  });

  it('refund of an unknown payment is NOT_FOUND; of an unpaid order is refused before sending', async () => {
    expect((await failure(h.run('refund', { paymentId: 'pay_Unknown0000000' }))).category).toBe('NOT_FOUND');
    const { orderId } = await h.run('charge', { amount: 10, reference: 'unpaid' });
    const err = await failure(h.run('refund', { orderId }));
    expect(err.category).toBe('INVALID_REQUEST');
    expect(err.requestSent).toBe(false);
    expect(sim.requests.filter((r) => r.path.endsWith('/refund'))).toHaveLength(0);
  });

  it('maps a wrong key to AUTHENTICATION_FAILED, a 429 with Retry-After, a 500', async () => {
    const wrong = harness(razorpay, { ...sim.config, keySecret: 'nope' }, { clock });
    try {
      const err = await failure(wrong.run('query', { reference: 'x' }));
      expect(err.category).toBe('AUTHENTICATION_FAILED');
      expect(err.provider).toMatchObject({ status: 401, code: 'BAD_REQUEST_ERROR', message: 'Authentication failed' });
      expect(await razorpay.health!(wrong.ctx())).toMatchObject({ status: 'unhealthy' });
    } finally {
      await wrong.close();
    }
    sim.failNext({ kind: 'rate-limit', retryAfterSeconds: 2 });
    const limited = await failure(h.run('query', { reference: 'x' }));
    expect(limited.category).toBe('RATE_LIMITED');
    expect(limited.retryAfterMs).toBe(2_000);
    sim.failNext({ kind: 'status', status: 502 });
    const broken = await failure(h.run('query', { reference: 'x' }));
    expect(broken.category).toBe('SERVER_ERROR');
    expect(broken.provider?.code).toBe('SERVER_ERROR');
  });

  it('health probes one order; a live key in sandbox is degraded', async () => {
    expect(await razorpay.health!(h.ctx())).toEqual({ status: 'healthy', message: 'key pair accepted' });
    expect(await razorpay.selfTest!(h.ctx())).toContain(`accepted key ${sim.keyId}`);
    expect(sim.received('/orders')[0].query).toEqual({ count: '1' });

    const liveSim = await RazorpaySimulator.start({ clock, keyId: 'rzp_live_ABCDEFGHIJKLMN' });
    const live = harness(razorpay, liveSim.config, { clock });
    try {
      expect(await razorpay.health!(live.ctx())).toMatchObject({ status: 'degraded', message: expect.stringContaining('live key') });
    } finally {
      await live.close();
      await liveSim.close();
    }
  });

  describe('through the executor', () => {
    it('honours a 429 Retry-After before creating the order', async () => {
      sim.failNext({ kind: 'rate-limit', retryAfterSeconds: 5 }, 1, /\/orders$/);
      const outcome = await h.executor.execute(h.integration.name, 'charge', { amount: 100, reference: 'rl' });
      expect(outcome.ok).toBe(true);
      expect(clock.sleeps).toEqual([5_000]);
      expect(sim.received('/orders')).toHaveLength(2);
    });

    it('a stalled read is a plain TIMEOUT and, being safe, is retried', async () => {
      const slow = harness(razorpay, sim.config, { clock, timeoutMs: 300, maxAttempts: 2 });
      try {
        sim.failNext({ kind: 'stall' }, 1, /\/orders$/);
        const outcome = await slow.executor.execute(slow.integration.name, 'query', { reference: 'none' });
        expect(outcome.ok && outcome.result).toMatchObject({ status: 'not_found' });
        expect(outcome.attempts).toBe(2);
      } finally {
        await slow.close();
      }
    });

    it('an order created whose answer timed out is OUTCOME_UNKNOWN, not re-sent, and found by receipt', async () => {
      const slow = harness(razorpay, sim.config, { clock, timeoutMs: 300 });
      try {
        sim.loseNextAnswers('stall');
        const outcome = await slow.executor.execute(slow.integration.name, 'charge', { amount: 2500, reference: 'lost-rcpt' });
        expect(outcome.ok ? 'ok' : outcome.error.category).toBe('OUTCOME_UNKNOWN');
        expect(outcome.attempts).toBe(1);
        expect(sim.received('/orders')).toHaveLength(1);
        const reconciled = await slow.executor.execute(slow.integration.name, 'query', { reference: 'lost-rcpt' });
        expect(reconciled.ok && reconciled.result).toMatchObject({ status: 'pending', providerStatus: 'created', orderId: sim.order('lost-rcpt')!.id, amount: 2500 });
      } finally {
        await slow.close();
      }
    });
  });

  describe('webhooks', () => {
    it('signs with hex HMAC-SHA256 of the raw body under X-Razorpay-Signature, with an event id, and parses to payment.succeeded', async () => {
      const { orderId } = await h.run('charge', { amount: 750, reference: 'wh-1' });
      const { paymentId, deliveries } = await sim.complete(orderId);
      expect(deliveries.map((d) => [d.event, d.status])).toEqual([
        ['payment.captured', 200],
        ['order.paid', 200],
      ]);
      const [captured, paid] = hooks.received;
      const expected = createHmac('sha256', sim.webhookSecret).update(Buffer.from(captured.body)).digest('hex');
      expect(captured.headers['x-razorpay-signature']).toBe(expected);
      expect(captured.headers['x-razorpay-signature']).toMatch(/^[0-9a-f]{64}$/);
      expect(captured.headers['x-razorpay-event-id']).toMatch(/^[A-Za-z0-9]{14}$/);

      const req = inbound(captured.body, { headers: { 'x-razorpay-event-id': String(captured.headers['x-razorpay-event-id']) } });
      expect(razorpay.webhook!.eventId!(req, { integration: 'rzp', config: {} as never })).toBe(captured.headers['x-razorpay-event-id']);
      const events = await razorpay.webhook!.parse(req, { integration: 'rzp', config: {} as never });
      expect(events).toEqual([
        {
          type: 'payment.succeeded',
          externalId: orderId,
          occurredAt: new Date(clock.now() - (clock.now() % 1000)).toISOString(),
          data: { orderId, paymentId, amount: 750, currency: 'INR', method: 'upi', providerStatus: 'captured', providerEvent: 'payment.captured' },
        },
      ]);
      const orderPaid = await razorpay.webhook!.parse(inbound(paid.body), { integration: 'rzp', config: {} as never });
      expect(orderPaid[0]).toMatchObject({ type: 'payment.succeeded', externalId: orderId, data: { reference: 'wh-1', paymentId, providerEvent: 'order.paid' } });
    });

    it('passes the daemon\'s razorpay verifier with the webhook secret; a changed body or secret fails', async () => {
      const { orderId } = await h.run('charge', { amount: 10, reference: 'wh-v' });
      await sim.complete(orderId);
      const [got] = hooks.received;
      const headers = flatHeaders(got.headers);
      expect(verifiedByEngine(razorpay, sim.webhookSecret, inbound(got.body, { headers }))).toBe(true);
      expect(verifiedByEngine(razorpay, 'other-secret', inbound(got.body, { headers }))).toBe(false);
      expect(verifiedByEngine(razorpay, sim.webhookSecret, inbound(got.body.replace('"amount":1000', '"amount":100000'), { headers }))).toBe(false);
    });

    it('parses payment.failed and refund.processed', async () => {
      const { orderId } = await h.run('charge', { amount: 300, reference: 'wh-2' });
      await sim.complete(orderId, 'failed');
      const failed = await razorpay.webhook!.parse(inbound(hooks.received[0].body), { integration: 'rzp', config: {} as never });
      expect(failed[0]).toMatchObject({ type: 'payment.failed', externalId: orderId, data: { errorCode: 'BAD_REQUEST_ERROR', amount: 300 } });

      const { paymentId } = await sim.complete(orderId);
      const { refundId } = await h.run('refund', { paymentId, amount: 100 });
      await sim.idle();
      const refundHook = hooks.received.find((r) => JSON.parse(r.body).event === 'refund.processed')!;
      expect(refundHook.headers['x-razorpay-signature']).toBe(sim.sign(refundHook.body));
      const refunded = await razorpay.webhook!.parse(inbound(refundHook.body), { integration: 'rzp', config: {} as never });
      expect(refunded).toEqual([expect.objectContaining({ type: 'refund.succeeded', externalId: refundId, data: expect.objectContaining({ paymentId, orderId, amount: 100, providerStatus: 'processed' }) })]);
    });

    it('ignores other events; samples parse back to their type', async () => {
      expect(await razorpay.webhook!.parse(inbound(JSON.stringify({ entity: 'event', event: 'settlement.processed', payload: {} })), { integration: 'rzp', config: {} as never })).toEqual([]);
      for (const type of razorpay.webhook!.sampleEvents!) {
        const sample = razorpay.webhook!.sample!(type, { currency: 'INR' } as never);
        const events = await razorpay.webhook!.parse(inbound(sample.body), { integration: 'rzp', config: {} as never });
        expect(events.map((e) => e.type)).toEqual([type]);
      }
    });

    it('completes orders automatically when asked, and through the stand-in checkout with a valid payment signature', async () => {
      sim.autoComplete = 'captured';
      const { orderId } = await h.run('charge', { amount: 100, reference: 'auto' });
      await sim.idle();
      expect(hooks.received.map((r) => JSON.parse(r.body).event)).toEqual(['payment.captured', 'order.paid']);
      sim.autoComplete = undefined;
      const second = await h.run('charge', { amount: 100, reference: 'page' });
      const res = await fetch(`${sim.url}/checkout/${second.orderId}`, { method: 'POST', body: 'outcome=captured', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      const out = (await res.json()) as Record<string, string>;
      expect(out.razorpay_signature).toBe(createHmac('sha256', sim.keySecret).update(`${second.orderId}|${out.razorpay_payment_id}`).digest('hex'));
      expect(orderId).not.toBe(second.orderId);
    });
  });
});
