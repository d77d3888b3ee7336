import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { validateAdapterDefinition } from '../../src/core/adapter.js';
import { redact } from '../../src/core/redact.js';
import flutterwave from '../../adapters/flutterwave/index.js';
import { FlutterwaveSimulator } from '../../adapters/flutterwave/simulator.js';
import { flatHeaders, harness, inbound, verifiedByEngine, type Harness, type Receiver } from './payment-adapter-harness.js';
import { onSimulatorWithReceiver } from './simulator-fixture.js';
import { failure } from './expect-failure.js';

const customer = { email: 'ada@example.com', name: 'Ada Obi', phone: '08012345678' };

describe('flutterwave adapter against its simulator', () => {
  let sim: FlutterwaveSimulator;
  let h: Harness;
  let clock: ManualClock;
  let hooks: Receiver;

  beforeEach(async () => {
    const f = await onSimulatorWithReceiver(flutterwave, (o) => FlutterwaveSimulator.start(o));
    ({ sim, h, clock, hooks } = f);
    return f.close;
  });

  it('declares a sound payment adapter with its secrets marked', () => {
    expect(validateAdapterDefinition(flutterwave)).toEqual([]);
    expect(flutterwave.operations.charge.retry).toBe('unsafe');
    expect(flutterwave.operations.refund.retry).toBe('unsafe');
    expect(flutterwave.operations.query.retry).toBe('safe');
    expect(flutterwave.baseUrls?.production).toBe('https://api.flutterwave.com/v3');
    expect(flutterwave.webhook?.verification.scheme).toBe('flutterwave');
  });

  it('charge creates a hosted link with the Bearer secret key and the documented body', async () => {
    const out = await h.run('charge', { amount: 1500.5, reference: 'order-1', customer, description: 'Two books' });
    expect(out).toEqual({ status: 'pending', reference: 'order-1', link: expect.stringMatching(/\/v3\/hosted\/pay\/[0-9a-f]{20}$/) });
    const [req] = sim.received('/payments');
    expect(req.headers.authorization).toBe(`Bearer ${sim.secretKey}`);
    expect(req.parsed).toMatchObject({
      tx_ref: 'order-1',
      amount: 1500.5,
      currency: 'NGN',
      redirect_url: `${sim.url}/checkout-complete`,
      customer: { email: 'ada@example.com', name: 'Ada Obi', phonenumber: '08012345678' },
      customizations: { description: 'Two books' },
    });
  });

  it('charge without any redirect URL is refused before a request is made', async () => {
    const bare = harness(flutterwave, { ...sim.config, redirectUrl: undefined }, { clock });
    try {
      const err = await failure(bare.run('charge', { amount: 10, reference: 'r', customer }));
      expect(err.category).toBe('VALIDATION_FAILED');
      expect(err.requestSent).toBe(false);
      expect(sim.received('/payments')).toHaveLength(0);
    } finally {
      await bare.close();
    }
  });

  it('query reports not_found before payment, then the verified transaction by reference and by id', async () => {
    await h.run('charge', { amount: 2000, reference: 'order-2', customer });
    expect(await h.run('query', { reference: 'order-2' })).toMatchObject({ status: 'not_found', reference: 'order-2' });

    const { transactionId } = await sim.complete('order-2', 'successful');
    const byRef = await h.run('query', { reference: 'order-2' });
    expect(byRef).toMatchObject({ status: 'succeeded', providerStatus: 'successful', reference: 'order-2', transactionId: String(transactionId), amount: 2000, currency: 'NGN' });
    expect(byRef.card.last4Digits).toBe('2950');
    expect(sim.received('/transactions/verify_by_reference')[0].query).toEqual({ tx_ref: 'order-2' });

    const byId = await h.run('query', { transactionId });
    expect(byId).toMatchObject({ status: 'succeeded', transactionId: String(transactionId) });
    expect(sim.received(`/transactions/${transactionId}/verify`)).toHaveLength(1);
  });

  it('query of a mobile-money payment by a customer with no phone (no card, phone_number and narration null) is a normal result', async () => {
    await h.run('charge', { amount: 120, currency: 'GHS', reference: 'order-momo', customer: { email: 'kofi@example.com' }, paymentOptions: 'mobilemoneyghana' });
    const { transactionId } = await sim.complete('order-momo');
    const out = await h.executor.execute(h.integration.name, 'query', { transactionId });
    expect(out).toMatchObject({ ok: true, result: { status: 'succeeded', paymentType: 'mobilemoneyghana', amount: 120, currency: 'GHS', customer: { email: 'kofi@example.com', name: 'Anonymous customer' } } });
    expect(out.ok && out.result).not.toHaveProperty('card');
    expect(out.ok && (out.result as { customer: object }).customer).not.toHaveProperty('phone');
  });

  it('query maps a failed payment to failed', async () => {
    await h.run('charge', { amount: 50, reference: 'order-f', customer });
    await sim.complete('order-f', 'failed');
    expect(await h.run('query', { reference: 'order-f' })).toMatchObject({ status: 'failed', providerStatus: 'failed' });
  });

  it('query output redacts the card token and expiry through the declared sensitive paths', async () => {
    await h.run('charge', { amount: 70, reference: 'order-card', customer });
    await sim.complete('order-card');
    const out = await h.run('query', { reference: 'order-card' });
    expect(out.card.token).toMatch(/^flw-t1nf-/);
    const logged = redact(out, { paths: flutterwave.operations.query.sensitive });
    expect(logged.card.token).toBe('[REDACTED]');
    expect(logged.card.expiry).toBe('[REDACTED]');
    expect(logged.card.last4Digits).toBe('2950');
  });

  it('refund without an amount refunds the full verified amount; a partial refund sends its amount', async () => {
    await h.run('charge', { amount: 3000, reference: 'order-3', customer });
    const { transactionId } = await sim.complete('order-3');
    const partial = await h.run('refund', { transactionId, amount: 1000 });
    expect(partial).toMatchObject({ transactionId: String(transactionId), status: 'succeeded', providerStatus: 'completed', amount: 1000 });
    const full = await h.run('refund', { transactionId: String(transactionId), amount: 2000 });
    expect(full.amount).toBe(2000);
    expect(sim.received(`/transactions/${transactionId}/refund`).map((r) => r.parsed)).toEqual([{ amount: 1000 }, { amount: 2000 }]);

    await h.run('charge', { amount: 800, reference: 'order-4', customer });
    const second = await sim.complete('order-4');
    const whole = await h.run('refund', { transactionId: second.transactionId });
    expect(whole.amount).toBe(800);
    expect(sim.received(`/transactions/${second.transactionId}/refund`)[0].parsed).toEqual({ amount: 800 });
  });

  it('maps a refund beyond what is left to VALIDATION_FAILED naming the field, and an unknown transaction to NOT_FOUND', async () => {
    await h.run('charge', { amount: 100, reference: 'order-5', customer });
    const { transactionId } = await sim.complete('order-5');
    const err = await failure(h.run('refund', { transactionId, amount: 500 }));
    expect(err.category).toBe('VALIDATION_FAILED');
    expect(err.provider).toMatchObject({ status: 400, field: 'amount', message: 'amount cannot be greater than the amount left to refund' });

    const missing = await failure(h.run('refund', { transactionId: 999, amount: 1 }));
    expect(missing.category).toBe('NOT_FOUND');
    expect(missing.provider?.message).toBe('No transaction was found for this id');
  });

  it('maps a wrong key to AUTHENTICATION_FAILED keeping the provider message', async () => {
    const wrong = harness(flutterwave, { ...sim.config, secretKey: 'FLWSECK_TEST-wrong-X' }, { clock });
    try {
      const err = await failure(wrong.run('charge', { amount: 10, reference: 'x', customer }));
      expect(err.category).toBe('AUTHENTICATION_FAILED');
      expect(err.provider).toMatchObject({ status: 401, message: 'Invalid authorization key' });
      expect(await flutterwave.health!(wrong.ctx())).toMatchObject({ status: 'unhealthy' });
    } finally {
      await wrong.close();
    }
  });

  it('maps a provider validation error to VALIDATION_FAILED with its field, a 429 with its Retry-After, and a 500', async () => {
    sim.failNext({ kind: 'status', status: 400, body: { status: 'error', message: 'customer.email is required', data: null } });
    const invalid = await failure(h.run('charge', { amount: 10, reference: 'v', customer }));
    expect(invalid.category).toBe('VALIDATION_FAILED');
    expect(invalid.provider).toMatchObject({ field: 'customer.email', message: 'customer.email is required' });

    sim.failNext({ kind: 'rate-limit', retryAfterSeconds: 7 });
    const limited = await failure(h.run('query', { reference: 'v' }));
    expect(limited.category).toBe('RATE_LIMITED');
    expect(limited.retryAfterMs).toBe(7_000);
    expect(limited.provider?.message).toMatch(/Too many requests/);

    sim.failNext({ kind: 'status', status: 500 });
    const broken = await failure(h.run('query', { reference: 'v' }));
    expect(broken.category).toBe('SERVER_ERROR');
    expect(broken.transient).toBe(true);
  });

  it('health and selfTest read the balances with the key', async () => {
    expect(await flutterwave.health!(h.ctx())).toEqual({ status: 'healthy', message: 'secret key accepted; 2 wallet balance(s)' });
    expect(await flutterwave.selfTest!(h.ctx())).toMatch(/wallets: NGN, USD/);
    expect(sim.received('/balances')).toHaveLength(2);
  });

  describe('through the executor', () => {
    it('honours a 429 Retry-After before charging again (the provider refused, so nothing was charged)', async () => {
      sim.failNext({ kind: 'rate-limit', retryAfterSeconds: 3 }, 1, /\/payments$/);
      const outcome = await h.executor.execute(h.integration.name, 'charge', { amount: 10, reference: 'rl-1', customer });
      expect(outcome.ok).toBe(true);
      expect(outcome.attempts).toBe(2);
      expect(clock.sleeps).toEqual([3_000]);
      expect(sim.received('/payments')).toHaveLength(2);
    });

    it('a charge that times out after Flutterwave took it is OUTCOME_UNKNOWN, never re-sent, and reconciled by query', async () => {
      const slow = harness(flutterwave, sim.config, { clock, timeoutMs: 300 });
      try {
        sim.autoComplete = 'successful';
        sim.loseNextAnswers('stall');
        const outcome = await slow.executor.execute(slow.integration.name, 'charge', { amount: 4500, reference: 'lost-1', customer }, { idempotencyKey: 'charge-lost-1' });
        expect(outcome.ok).toBe(false);
        if (outcome.ok) return;
        expect(outcome.error.category).toBe('OUTCOME_UNKNOWN');
        expect(outcome.attempts).toBe(1);
        expect(sim.received('/payments')).toHaveLength(1);

        // The same key again is refused instead of charging twice.
        const again = await slow.executor.execute(slow.integration.name, 'charge', { amount: 4500, reference: 'lost-1', customer }, { idempotencyKey: 'charge-lost-1' });
        expect(again.ok ? 'ok' : again.error.category).toBe('OUTCOME_UNKNOWN');
        expect(sim.received('/payments')).toHaveLength(1);

        await sim.idle();
        const reconciled = await slow.executor.execute(slow.integration.name, 'query', { reference: 'lost-1' });
        expect(reconciled.ok && reconciled.result).toMatchObject({ status: 'succeeded', reference: 'lost-1', amount: 4500 });
      } finally {
        await slow.close();
      }
    });

    it('a stalled query is a plain TIMEOUT and, being safe, is retried', async () => {
      const slow = harness(flutterwave, sim.config, { clock, timeoutMs: 300, maxAttempts: 2 });
      try {
        sim.failNext({ kind: 'stall' }, 1, /verify_by_reference/);
        const outcome = await slow.executor.execute(slow.integration.name, 'query', { reference: 'none' });
        expect(outcome.ok && outcome.result).toMatchObject({ status: 'not_found' });
        expect(outcome.attempts).toBe(2);
        sim.failNext({ kind: 'stall' }, 2, /verify_by_reference/);
        const timedOut = await slow.executor.execute(slow.integration.name, 'query', { reference: 'none-2' });
        expect(timedOut.ok ? 'ok' : timedOut.error.category).toBe('TIMEOUT');
      } finally {
        await slow.close();
      }
    });

    it('a charge that stalled before Flutterwave acted reconciles to not_found', async () => {
      const slow = harness(flutterwave, sim.config, { clock, timeoutMs: 300 });
      try {
        sim.failNext({ kind: 'stall' });
        const outcome = await slow.executor.execute(slow.integration.name, 'charge', { amount: 10, reference: 'lost-2', customer });
        expect(outcome.ok ? 'ok' : outcome.error.category).toBe('OUTCOME_UNKNOWN');
        const reconciled = await slow.executor.execute(slow.integration.name, 'query', { reference: 'lost-2' });
        expect(reconciled.ok && reconciled.result).toMatchObject({ status: 'not_found' });
      } finally {
        await slow.close();
      }
    });
  });

  describe('webhooks', () => {
    it('sends verif-hash with the secret hash itself, in the v3 shape, and the parser turns it into payment.succeeded', async () => {
      await h.run('charge', { amount: 1200, reference: 'wh-1', customer });
      const { transactionId, delivery } = await sim.complete('wh-1', 'successful');
      expect(delivery?.status).toBe(200);
      const [got] = hooks.received;
      expect(got.headers['verif-hash']).toBe(sim.webhookHash);
      const body = JSON.parse(got.body);
      expect(body).toMatchObject({ event: 'charge.completed', data: { id: transactionId, tx_ref: 'wh-1', status: 'successful', amount: 1200 } });

      const req = inbound(got.body, { headers: { 'verif-hash': String(got.headers['verif-hash']) } });
      const events = await flutterwave.webhook!.parse(req, { integration: 'flw', config: h.integration.config as never });
      expect(events).toEqual([
        {
          type: 'payment.succeeded',
          externalId: 'wh-1',
          occurredAt: expect.any(String),
          data: expect.objectContaining({ reference: 'wh-1', transactionId: String(transactionId), amount: 1200, currency: 'NGN', shape: 'v3', providerStatus: 'successful' }),
        },
      ]);
      expect(flutterwave.webhook!.eventId!(req, { integration: 'flw', config: h.integration.config as never })).toBe(`charge.completed:${transactionId}:successful`);
    });

    it('passes the daemon\'s flutterwave verifier with the secret hash, and fails it with another', async () => {
      await h.run('charge', { amount: 10, reference: 'wh-v', customer });
      await sim.complete('wh-v');
      const [got] = hooks.received;
      const req = inbound(got.body, { headers: flatHeaders(got.headers) });
      expect(verifiedByEngine(flutterwave, sim.webhookSecret, req)).toBe(true);
      expect(verifiedByEngine(flutterwave, 'another-hash', req)).toBe(false);
    });

    it('parses the legacy flat shape and a failed charge.completed', async () => {
      await h.run('charge', { amount: 99, reference: 'wh-2', customer });
      await sim.complete('wh-2', 'failed', { shape: 'legacy' });
      const body = JSON.parse(hooks.received[0].body);
      expect(body.txRef).toBe('wh-2');
      expect(body.event).toBeUndefined();
      const events = await flutterwave.webhook!.parse(inbound(hooks.received[0].body), { integration: 'flw', config: h.integration.config as never });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: 'payment.failed', externalId: 'wh-2', data: { shape: 'legacy', amount: 99, providerStatus: 'failed' } });
    });

    it('ignores events that are not charge outcomes and rejects bodies that are not JSON', async () => {
      const transfer = JSON.stringify({ event: 'transfer.completed', data: { id: 1, reference: 'x', status: 'SUCCESSFUL' } });
      expect(await flutterwave.webhook!.parse(inbound(transfer), { integration: 'flw', config: {} as never })).toEqual([]);
      expect(() => flutterwave.webhook!.parse(inbound('not json'), { integration: 'flw', config: {} as never })).toThrow(/not a JSON object/);
    });

    it('builds samples in both shapes that parse back to their event type', async () => {
      for (const type of flutterwave.webhook!.sampleEvents!) {
        const sample = flutterwave.webhook!.sample!(type, h.integration.config as never);
        const events = await flutterwave.webhook!.parse(inbound(sample.body), { integration: 'flw', config: {} as never });
        expect(events.map((e) => e.type)).toEqual([sample.eventType]);
      }
    });

    it('completes checkouts automatically when asked, and through the hosted page', async () => {
      sim.autoComplete = 'successful';
      const { link } = await h.run('charge', { amount: 10, reference: 'auto-1', customer });
      await sim.idle();
      expect(hooks.received.map((r) => JSON.parse(r.body).data.tx_ref)).toEqual(['auto-1']);

      sim.autoComplete = undefined;
      const second = await h.run('charge', { amount: 20, reference: 'page-1', customer });
      expect((await fetch(second.link)).status).toBe(200);
      const res = await fetch(second.link, { method: 'POST', body: 'outcome=successful', headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
      expect(res.status).toBe(302);
      const location = new URL(res.headers.get('location')!);
      expect(Object.fromEntries(location.searchParams)).toMatchObject({ status: 'successful', tx_ref: 'page-1', transaction_id: expect.stringMatching(/^\d+$/) });
      expect(link).not.toBe(second.link);
    });
  });
});
