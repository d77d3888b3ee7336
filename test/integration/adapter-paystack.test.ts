import { createHmac } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { validateAdapterDefinition } from '../../src/core/adapter.js';
import { secretPaths } from '../../src/core/fields.js';
import { redact } from '../../src/core/redact.js';
import paystack from '../../adapters/paystack/index.js';
import { PaystackSimulator } from '../../adapters/paystack/simulator.js';
import { flatHeaders, harness, inbound, verifiedByEngine, type Harness, type Receiver } from './payment-adapter-harness.js';
import { onSimulatorWithReceiver } from './simulator-fixture.js';
import { failure } from './expect-failure.js';

const ctxArgs = { integration: 'paystack', config: {} as never };

describe('paystack adapter against its simulator', () => {
  let sim: PaystackSimulator;
  let h: Harness;
  let clock: ManualClock;
  let hooks: Receiver;

  beforeEach(async () => {
    const f = await onSimulatorWithReceiver(paystack, (o) => PaystackSimulator.start(o));
    ({ sim, h, clock, hooks } = f);
    return f.close;
  });

  it('declares a sound payment adapter with the secret key marked', () => {
    expect(validateAdapterDefinition(paystack)).toEqual([]);
    expect(secretPaths(paystack.config)).toEqual(['secretKey']);
    expect(paystack.baseUrls?.production).toBe('https://api.paystack.co');
    expect(Object.fromEntries(Object.entries(paystack.operations).map(([k, op]) => [k, op.retry]))).toEqual({ charge: 'unsafe', query: 'safe', refund: 'unsafe' });
    expect(paystack.webhook?.verification).toEqual({ scheme: 'paystack' });
  });

  it('charge initializes a transaction in kobo with the Bearer secret key', async () => {
    const out = await h.run('charge', { amount: 2500.5, reference: 'ps-1', email: 'tolu@example.com', channels: ['card', 'bank'], metadata: { cart: 7 } });
    expect(out).toEqual({ status: 'pending', reference: 'ps-1', authorizationUrl: expect.stringMatching(/\/checkout\/\w{15}$/), accessCode: expect.any(String) });
    const [req] = sim.received('/transaction/initialize');
    expect(req.headers.authorization).toBe(`Bearer ${sim.secretKey}`);
    expect(req.parsed).toEqual({ email: 'tolu@example.com', amount: 250050, currency: 'NGN', reference: 'ps-1', callback_url: `${sim.url}/checkout-complete`, channels: ['card', 'bank'], metadata: { cart: 7 } });
  });

  it('maps a duplicate reference to CONFLICT and a bad email to VALIDATION_FAILED, keeping Paystack\'s code and message', async () => {
    await h.run('charge', { amount: 10, reference: 'dup', email: 'a@example.com' });
    const dup = await failure(h.run('charge', { amount: 10, reference: 'dup', email: 'a@example.com' }));
    expect(dup.category).toBe('CONFLICT');
    expect(dup.provider).toMatchObject({ status: 400, message: 'Duplicate Transaction Reference', code: 'duplicate_reference' });

    sim.failNext({ kind: 'status', status: 400, body: { status: false, message: 'Invalid Email Address Passed', type: 'validation_error', code: 'invalid_params' } });
    const bad = await failure(h.run('charge', { amount: 10, reference: 'bad', email: 'a@example.com' }));
    expect(bad.category).toBe('VALIDATION_FAILED');
    expect(bad.provider).toMatchObject({ code: 'invalid_params', message: 'Invalid Email Address Passed' });

    sim.failNext({ kind: 'status', status: 400, body: { status: false, message: 'Amount is required' } });
    const field = await failure(h.run('charge', { amount: 10, reference: 'bad2', email: 'a@example.com' }));
    expect(field.category).toBe('VALIDATION_FAILED');
    expect(field.provider?.field).toBe('amount');
  });

  it('query reads abandoned as pending, then succeeded with the card authorization (redacted in logs); unknown references are not_found', async () => {
    await h.run('charge', { amount: 4000, reference: 'ps-q', email: 'tolu@example.com' });
    expect(await h.run('query', { reference: 'ps-q' })).toMatchObject({ status: 'pending', providerStatus: 'abandoned', amount: 4000 });
    const { transactionId } = await sim.complete('ps-q');
    const paid = await h.run('query', { reference: 'ps-q' });
    expect(paid).toMatchObject({ status: 'succeeded', providerStatus: 'success', transactionId: String(transactionId), amount: 4000, currency: 'NGN', gatewayResponse: 'Successful', customerEmail: 'tolu@example.com' });
    expect(paid.authorization.authorizationCode).toMatch(/^AUTH_/);
    const logged = redact(paid, { paths: paystack.operations.query.sensitive });
    expect(logged.authorization.authorizationCode).toBe('[REDACTED]');
    expect(logged.authorization.bin).toBe('[REDACTED]');
    expect(logged.authorization.last4).toBe('4081');

    await h.run('charge', { amount: 100, reference: 'ps-f', email: 'x@example.com' });
    await sim.complete('ps-f', 'failed');
    expect(await h.run('query', { reference: 'ps-f' })).toMatchObject({ status: 'failed', gatewayResponse: 'Declined' });
    expect(await h.run('query', { reference: 'nope' })).toMatchObject({ status: 'not_found', providerStatus: 'Transaction reference not found' });
  });

  it('query of a mobile-money or bank-transfer payment, whose authorization has bin null (nullable in Paystack\'s OpenAPI), succeeds without the card fields', async () => {
    await h.run('charge', { amount: 1500, reference: 'ps-momo', email: 'ama@example.com', currency: 'GHS', channels: ['mobile_money'] });
    await sim.complete('ps-momo');
    expect(sim.transaction('ps-momo')?.authorization).toMatchObject({ bin: null, signature: null, channel: 'mobile_money' });
    const momo = await h.run('query', { reference: 'ps-momo' });
    expect(momo).toMatchObject({ status: 'succeeded', channel: 'mobile_money', amount: 1500, currency: 'GHS', authorization: { bank: 'MTN', reusable: false } });
    expect(momo.authorization.authorizationCode).toMatch(/^AUTH_/);
    expect(momo.authorization).not.toHaveProperty('bin');

    // Through the executor as the CLI runs it: an answer Paystack documents is no SERVER_ERROR.
    await h.run('charge', { amount: 900, reference: 'ps-bt', email: 'ada@example.com', channels: ['bank_transfer', 'card'] });
    await sim.complete('ps-bt');
    const viaEngine = await h.executor.execute(h.integration.name, 'query', { reference: 'ps-bt' });
    expect(viaEngine).toMatchObject({ ok: true, result: { status: 'succeeded', channel: 'bank_transfer' } });
  });

  it('refunds partly and then in full; the transaction reads reversed and a further refund is refused', async () => {
    await h.run('charge', { amount: 1000, reference: 'ps-r', email: 'x@example.com' });
    await sim.complete('ps-r');
    const part = await h.run('refund', { reference: 'ps-r', amount: 300.5, merchantNote: 'damaged' });
    expect(part).toMatchObject({ reference: 'ps-r', status: 'pending', providerStatus: 'pending', amount: 300.5, currency: 'NGN', expectedAt: expect.any(String) });
    expect(sim.received('/refund')[0].parsed).toEqual({ transaction: 'ps-r', amount: 30050, merchant_note: 'damaged' });
    const rest = await h.run('refund', { reference: 'ps-r' });
    expect(rest.amount).toBe(699.5);
    expect(sim.received('/refund')[1].parsed).toEqual({ transaction: 'ps-r' });
    await sim.idle();
    expect(await h.run('query', { reference: 'ps-r' })).toMatchObject({ status: 'reversed' });
    const again = await failure(h.run('refund', { reference: 'ps-r' }));
    expect(again.category).toBe('INVALID_REQUEST');
    expect(again.requestSent).toBe(false);
    expect(sim.received('/refund')).toHaveLength(2);
  });

  it('refund of an unknown or unpaid transaction is refused before the refund request', async () => {
    expect((await failure(h.run('refund', { reference: 'ghost' }))).category).toBe('NOT_FOUND');
    await h.run('charge', { amount: 10, reference: 'unpaid', email: 'x@example.com' });
    expect((await failure(h.run('refund', { reference: 'unpaid' }))).category).toBe('INVALID_REQUEST');
    expect(sim.received('/refund')).toHaveLength(0);
    await sim.complete('unpaid');
    const over = await failure(h.run('refund', { reference: 'unpaid', amount: 50 }));
    expect(over.category).toBe('VALIDATION_FAILED');
    expect(over.provider).toEqual({ status: 400, code: 'invalid_params', message: 'Refund amount cannot be greater than transaction amount' });
    expect(sim.received('/refund')).toHaveLength(1);
  });

  it('maps a wrong key to AUTHENTICATION_FAILED, a 429 with Retry-After, a 500', async () => {
    const wrong = harness(paystack, { ...sim.config, secretKey: 'sk_test_wrong' }, { clock });
    try {
      const err = await failure(wrong.run('query', { reference: 'x' }));
      expect(err.category).toBe('AUTHENTICATION_FAILED');
      expect(err.provider).toMatchObject({ status: 401, message: 'Invalid key' });
      expect(await paystack.health!(wrong.ctx())).toMatchObject({ status: 'unhealthy' });
    } finally {
      await wrong.close();
    }
    sim.failNext({ kind: 'rate-limit', retryAfterSeconds: 9 });
    const limited = await failure(h.run('query', { reference: 'x' }));
    expect(limited.category).toBe('RATE_LIMITED');
    expect(limited.retryAfterMs).toBe(9_000);
    sim.failNext({ kind: 'status', status: 500 });
    expect((await failure(h.run('query', { reference: 'x' }))).category).toBe('SERVER_ERROR');
  });

  it('health reads the balance; a live key in sandbox is degraded', async () => {
    expect(await paystack.health!(h.ctx())).toEqual({ status: 'healthy', message: 'secret key accepted; 2 balance(s)' });
    expect(await paystack.selfTest!(h.ctx())).toContain('currencies: NGN, USD');
    const liveSim = await PaystackSimulator.start({ clock, secretKey: 'sk_live_0123456789' });
    const live = harness(paystack, liveSim.config, { clock });
    try {
      expect(await paystack.health!(live.ctx())).toMatchObject({ status: 'degraded', message: expect.stringContaining('live key') });
    } finally {
      await live.close();
      await liveSim.close();
    }
  });

  describe('through the executor', () => {
    it('honours a 429 Retry-After before initializing again', async () => {
      sim.failNext({ kind: 'rate-limit', retryAfterSeconds: 6 }, 1, /initialize/);
      const outcome = await h.executor.execute(h.integration.name, 'charge', { amount: 10, reference: 'rl', email: 'x@example.com' });
      expect(outcome.ok).toBe(true);
      expect(clock.sleeps).toEqual([6_000]);
      expect(sim.received('/transaction/initialize')).toHaveLength(2);
    });

    it('a stalled verify is a plain TIMEOUT and, being safe, is retried', async () => {
      const slow = harness(paystack, sim.config, { clock, timeoutMs: 300, maxAttempts: 2 });
      try {
        sim.failNext({ kind: 'stall' }, 1, /verify/);
        const outcome = await slow.executor.execute(slow.integration.name, 'query', { reference: 'none' });
        expect(outcome.ok && outcome.result).toMatchObject({ status: 'not_found' });
        expect(outcome.attempts).toBe(2);
      } finally {
        await slow.close();
      }
    });

    it('a charge whose answer timed out is OUTCOME_UNKNOWN, not re-sent, and reconciled by verify once the customer paid', async () => {
      const slow = harness(paystack, sim.config, { clock, timeoutMs: 300 });
      try {
        sim.loseNextAnswers('stall');
        const outcome = await slow.executor.execute(slow.integration.name, 'charge', { amount: 1200, reference: 'lost-ps', email: 'x@example.com' });
        expect(outcome.ok ? 'ok' : outcome.error.category).toBe('OUTCOME_UNKNOWN');
        expect(outcome.attempts).toBe(1);
        expect(sim.received('/transaction/initialize')).toHaveLength(1);
        const first = await slow.executor.execute(slow.integration.name, 'query', { reference: 'lost-ps' });
        expect(first.ok && first.result).toMatchObject({ status: 'pending', providerStatus: 'abandoned' });
        await sim.complete('lost-ps');
        const second = await slow.executor.execute(slow.integration.name, 'query', { reference: 'lost-ps' }, { idempotencyKey: 'after-payment' });
        expect(second.ok && second.result).toMatchObject({ status: 'succeeded', amount: 1200 });
      } finally {
        await slow.close();
      }
    });
  });

  describe('webhooks', () => {
    it('signs charge.success with hex HMAC-SHA512 of the raw body keyed with the secret key, and parses it to payment.succeeded', async () => {
      await h.run('charge', { amount: 750, reference: 'wh-ps', email: 'tolu@example.com' });
      const { transactionId, delivery } = await sim.complete('wh-ps');
      expect(delivery?.status).toBe(200);
      const [got] = hooks.received;
      expect(got.headers['x-paystack-signature']).toBe(createHmac('sha512', sim.secretKey).update(Buffer.from(got.body)).digest('hex'));
      expect(got.headers['x-paystack-signature']).toMatch(/^[0-9a-f]{128}$/);
      const req = inbound(got.body);
      expect(paystack.webhook!.eventId!(req, ctxArgs)).toBe(`charge.success:${transactionId}`);
      expect(await paystack.webhook!.parse(req, ctxArgs)).toEqual([
        {
          type: 'payment.succeeded',
          externalId: 'wh-ps',
          occurredAt: new Date(clock.now()).toISOString(),
          data: { reference: 'wh-ps', transactionId: String(transactionId), amount: 750, currency: 'NGN', providerStatus: 'success', channel: 'card', gatewayResponse: 'Successful', customerEmail: 'tolu@example.com' },
        },
      ]);
    });

    it('passes the daemon\'s paystack verifier keyed with the secret key; another key fails', async () => {
      await h.run('charge', { amount: 10, reference: 'wh-v', email: 'x@example.com' });
      await sim.complete('wh-v');
      const [got] = hooks.received;
      const req = inbound(got.body, { headers: flatHeaders(got.headers) });
      expect(verifiedByEngine(paystack, sim.webhookSecret, req)).toBe(true);
      expect(verifiedByEngine(paystack, 'sk_test_other', req)).toBe(false);
    });

    it('parses refund.processed (amount as a string) to refund.succeeded with the refund id', async () => {
      await h.run('charge', { amount: 500, reference: 'wh-rf', email: 'x@example.com' });
      await sim.complete('wh-rf');
      const { refundId } = await h.run('refund', { reference: 'wh-rf', amount: 200 });
      await sim.idle();
      const hook = hooks.received.find((r) => JSON.parse(r.body).event === 'refund.processed')!;
      expect(hook.headers['x-paystack-signature']).toBe(sim.sign(hook.body));
      expect(JSON.parse(hook.body).data.amount).toBe('20000');
      expect(await paystack.webhook!.parse(inbound(hook.body), ctxArgs)).toEqual([
        { type: 'refund.succeeded', externalId: refundId, data: { refundId, reference: 'wh-rf', amount: 200, currency: 'NGN', providerStatus: 'processed' } },
      ]);
    });

    it('ignores other events, rejects malformed bodies; samples parse back to their type', async () => {
      expect(await paystack.webhook!.parse(inbound(JSON.stringify({ event: 'transfer.success', data: { id: 1 } })), ctxArgs)).toEqual([]);
      expect(() => paystack.webhook!.parse(inbound('[]'), ctxArgs)).toThrow(/not a JSON \{event, data\}/);
      for (const type of paystack.webhook!.sampleEvents!) {
        const sample = paystack.webhook!.sample!(type, { currency: 'NGN' } as never);
        expect((await paystack.webhook!.parse(inbound(sample.body), ctxArgs)).map((e) => e.type)).toEqual([type]);
      }
    });

    it('completes automatically when asked, and through the checkout page back to callback_url', async () => {
      sim.autoComplete = 'success';
      await h.run('charge', { amount: 10, reference: 'auto', email: 'x@example.com' });
      await sim.idle();
      expect(hooks.received.map((r) => JSON.parse(r.body).data.reference)).toEqual(['auto']);
      sim.autoComplete = undefined;
      const { authorizationUrl } = await h.run('charge', { amount: 10, reference: 'page', email: 'x@example.com' });
      expect((await fetch(authorizationUrl)).status).toBe(200);
      const res = await fetch(authorizationUrl, { method: 'POST', body: 'outcome=success', headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(Object.fromEntries(new URL(res.headers.get('location')!).searchParams)).toEqual({ trxref: 'page', reference: 'page' });
    });
  });
});
