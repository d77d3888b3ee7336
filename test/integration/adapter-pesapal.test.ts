import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { validateAdapterDefinition } from '../../src/core/adapter.js';
import { secretPaths } from '../../src/core/fields.js';
import pesapal from '../../adapters/pesapal/index.js';
import { PesapalSimulator } from '../../adapters/pesapal/simulator.js';
import { harness, inbound, verifiedByEngine, type Harness, type Receiver } from './payment-adapter-harness.js';
import { onSimulatorWithReceiver } from './simulator-fixture.js';
import { failure } from './expect-failure.js';

const order = (reference: string, amount = 1500) => ({ amount, reference, description: `Order ${reference}`, customer: { email: 'wanjiru@example.com', phone: '0712345678', firstName: 'Wanjiru' } });

describe('pesapal adapter against its simulator', () => {
  let sim: PesapalSimulator;
  let h: Harness;
  let clock: ManualClock;
  let hooks: Receiver;

  beforeEach(async () => {
    const f = await onSimulatorWithReceiver(pesapal, (o) => PesapalSimulator.start(o), { config: { refundUsername: 'ops@example.com' } });
    ({ sim, h, clock, hooks } = f);
    return f.close;
  });

  it('declares a sound payment adapter; both credentials and the token-bearing IPN URL are secret', () => {
    expect(validateAdapterDefinition(pesapal)).toEqual([]);
    expect(secretPaths(pesapal.config).sort()).toEqual(['consumerKey', 'consumerSecret', 'ipnUrl']);
    expect(pesapal.baseUrls).toEqual({ sandbox: 'https://cybqa.pesapal.com/pesapalv3', production: 'https://pay.pesapal.com/v3' });
    expect(pesapal.operations.charge.retry).toBe('unsafe');
    expect(pesapal.operations.refund.retry).toBe('unsafe');
    expect(pesapal.operations.query.retry).toBe('safe');
    expect(pesapal.webhook?.verification).toEqual({ scheme: 'token', location: 'path' });
    expect(pesapal.webhook?.acceptsGet).toBe(true);
  });

  it('the first charge fetches a token, registers the IPN URL once, and submits the order; the next reuses both', async () => {
    const first = await h.run('charge', order('ORD-1'));
    expect(first).toEqual({ status: 'pending', orderTrackingId: expect.stringMatching(/^[0-9a-f-]{36}$/), reference: 'ORD-1', redirectUrl: expect.stringContaining(`OrderTrackingId=${first.orderTrackingId}`) });
    expect(sim.received('/Auth/RequestToken')[0].parsed).toEqual({ consumer_key: sim.consumerKey, consumer_secret: sim.consumerSecret });
    expect(sim.received('/URLSetup/RegisterIPN')[0].parsed).toEqual({ url: hooks.url, ipn_notification_type: 'POST' });
    const [submit] = sim.received('/Transactions/SubmitOrderRequest');
    const ipnId = [...sim.ipns.keys()][0];
    expect(submit.headers.authorization).toMatch(/^Bearer eyJ/);
    expect(submit.parsed).toMatchObject({
      id: 'ORD-1',
      currency: 'KES',
      amount: 1500,
      description: 'Order ORD-1',
      callback_url: `${sim.url}/checkout-complete`,
      notification_id: ipnId,
      billing_address: { email_address: 'wanjiru@example.com', phone_number: '0712345678', first_name: 'Wanjiru' },
    });

    await h.run('charge', order('ORD-2'));
    expect(sim.received('/Auth/RequestToken')).toHaveLength(1);
    expect(sim.received('/URLSetup/RegisterIPN')).toHaveLength(1);
    expect(sim.received('/URLSetup/GetIpnList')).toHaveLength(1);
    expect(sim.received('/Transactions/SubmitOrderRequest')).toHaveLength(2);
  });

  it('finds an IPN URL registered earlier instead of registering it again, and skips all of it with ipnId', async () => {
    await h.run('charge', order('ORD-A'));
    const other = harness(pesapal, sim.config, { clock });
    try {
      await other.run('charge', order('ORD-B'));
      expect(sim.received('/URLSetup/RegisterIPN')).toHaveLength(1);
      expect(sim.received('/URLSetup/GetIpnList')).toHaveLength(2);
    } finally {
      await other.close();
    }
    const ipnId = [...sim.ipns.keys()][0];
    const fixed = harness(pesapal, { ...sim.config, ipnUrl: undefined, ipnId }, { clock });
    try {
      await fixed.run('charge', order('ORD-C'));
      expect(sim.received('/URLSetup/GetIpnList')).toHaveLength(2);
      expect(sim.received('/Transactions/SubmitOrderRequest').at(-1)!.parsed).toMatchObject({ notification_id: ipnId });
    } finally {
      await fixed.close();
    }
  });

  it('refreshes the 5-minute token shortly before it expires, not earlier', async () => {
    const { orderTrackingId } = await h.run('charge', order('ORD-T'));
    clock.advance(4 * 60_000 + 20_000);
    await h.run('query', { orderTrackingId });
    expect(sim.received('/Auth/RequestToken')).toHaveLength(1);
    clock.advance(20_000); // 4m40s: inside the 30 s refresh margin
    await h.run('query', { orderTrackingId });
    expect(sim.received('/Auth/RequestToken')).toHaveLength(2);
    const statusCalls = sim.received('/Transactions/GetTransactionStatus');
    expect(statusCalls[0].headers.authorization).not.toBe(statusCalls[1].headers.authorization);
  });

  it('a token refused mid-flight is replaced once and the call repeated', async () => {
    const { orderTrackingId } = await h.run('charge', order('ORD-R'));
    sim.revokeTokens();
    expect(await h.run('query', { orderTrackingId })).toMatchObject({ status: 'pending', orderTrackingId });
    expect(sim.received('/Auth/RequestToken')).toHaveLength(2);
    expect(sim.received('/Transactions/GetTransactionStatus')).toHaveLength(2);

    sim.failNext({ kind: 'status', status: 401 }, 2, /GetTransactionStatus/);
    const err = await failure(h.run('query', { orderTrackingId }));
    expect(err.category).toBe('AUTHENTICATION_FAILED');
    expect(sim.received('/Auth/RequestToken')).toHaveLength(3);
    expect(sim.received('/Transactions/GetTransactionStatus')).toHaveLength(4);
  });

  it('maps wrong credentials to AUTHENTICATION_FAILED keeping Pesapal\'s code; health says unhealthy', async () => {
    const wrong = harness(pesapal, { ...sim.config, consumerSecret: 'not-the-secret' }, { clock });
    try {
      const err = await failure(wrong.run('charge', order('ORD-X')));
      expect(err.category).toBe('AUTHENTICATION_FAILED');
      expect(err.requestSent).toBe(false);
      expect(err.provider).toMatchObject({ code: 'invalid_consumer_key_or_secret_provided', status: 500 });
      expect(sim.received('/Transactions/SubmitOrderRequest')).toHaveLength(0);
      expect(await pesapal.health!(wrong.ctx())).toMatchObject({ status: 'unhealthy', message: expect.stringContaining('AUTHENTICATION_FAILED') });
    } finally {
      await wrong.close();
    }
  });

  it('maps validation errors with the field, a 429 with Retry-After, a 500, and an unknown order', async () => {
    await h.run('charge', order('ORD-V'));
    sim.failNext({ kind: 'status', status: 400, body: { error: { error_type: 'validation_error', code: 'invalid_amount', message: 'amount must be greater than 0' }, status: '400' } });
    const invalid = await failure(h.run('charge', order('ORD-V2')));
    expect(invalid.category).toBe('VALIDATION_FAILED');
    expect(invalid.provider).toEqual({ status: 400, code: 'invalid_amount', message: 'amount must be greater than 0', field: 'amount' });

    sim.failNext({ kind: 'rate-limit', retryAfterSeconds: 12 });
    const limited = await failure(h.run('query', { orderTrackingId: 'x' }));
    expect(limited.category).toBe('RATE_LIMITED');
    expect(limited.retryAfterMs).toBe(12_000);

    sim.failNext({ kind: 'status', status: 500 });
    expect((await failure(h.run('query', { orderTrackingId: 'x' }))).category).toBe('SERVER_ERROR');

    expect(await h.run('query', { orderTrackingId: '00000000-0000-0000-0000-000000000000' })).toMatchObject({ status: 'not_found', providerStatus: 'payment_details_not_found' });
  });

  it('query follows an order from unpaid to COMPLETED or FAILED, by tracking id or by the reference it was charged with', async () => {
    const { orderTrackingId } = await h.run('charge', order('ORD-Q', 2500));
    expect(await h.run('query', { orderTrackingId })).toMatchObject({ status: 'pending', providerStatus: 'INVALID', statusCode: 0, amount: 2500 });
    await sim.complete(orderTrackingId, 'COMPLETED');
    const paid = await h.run('query', { reference: 'ORD-Q' });
    expect(paid).toMatchObject({ status: 'succeeded', providerStatus: 'COMPLETED', statusCode: 1, orderTrackingId, reference: 'ORD-Q', amount: 2500, currency: 'KES', paymentMethod: 'MpesaKE' });
    expect(paid.confirmationCode).toMatch(/^[0-9A-F]{10}$/);
    expect(sim.received('/Transactions/GetTransactionStatus').at(-1)!.query).toEqual({ orderTrackingId });

    const failed = await h.run('charge', order('ORD-F'));
    await sim.complete(failed.orderTrackingId, 'FAILED');
    expect(await h.run('query', { orderTrackingId: failed.orderTrackingId })).toMatchObject({ status: 'failed', statusCode: 2 });
  });

  it('refund by tracking id reads the confirmation code and amount first; refunds of unpaid orders are refused before sending', async () => {
    const { orderTrackingId } = await h.run('charge', order('ORD-RF', 900));
    const unpaid = await failure(h.run('refund', { orderTrackingId, remarks: 'customer cancelled' }));
    expect(unpaid.category).toBe('INVALID_REQUEST');
    expect(sim.received('/Transactions/RefundRequest')).toHaveLength(0);

    await sim.complete(orderTrackingId);
    const code = sim.order(orderTrackingId)!.confirmationCode;
    const out = await h.run('refund', { orderTrackingId, remarks: 'customer cancelled' });
    expect(out).toEqual({ status: 'pending', providerStatus: 'Refund request successfully', confirmationCode: code, amount: 900, orderTrackingId });
    expect(sim.received('/Transactions/RefundRequest')[0].parsed).toEqual({ confirmation_code: code, amount: 900, username: 'ops@example.com', remarks: 'customer cancelled' });
    await sim.idle();
    expect(await h.run('query', { orderTrackingId })).toMatchObject({ status: 'reversed', statusCode: 3 });

    const again = await failure(h.run('refund', { confirmationCode: code, amount: 100, remarks: 'twice' }));
    expect(again.category).toBe('INVALID_REQUEST');
    expect(again.provider).toMatchObject({ code: 'payment_not_completed', message: 'Only COMPLETED payments can be refunded' });
  });

  it('health fetches a fresh token; selfTest lists the registered IPN URLs', async () => {
    expect(await pesapal.health!(h.ctx())).toEqual({ status: 'healthy', message: 'token issued, valid for 300s' });
    expect(await pesapal.selfTest!(h.ctx())).toMatch(/0 IPN URL\(s\) registered; this integration's will be registered on the first charge/);
    await h.run('charge', order('ORD-H'));
    expect(await pesapal.selfTest!(h.ctx())).toMatch(/1 IPN URL\(s\) registered, including this integration's/);
  });

  describe('through the executor', () => {
    it('a 429 is honoured with its Retry-After before the order is submitted again', async () => {
      await h.run('charge', order('ORD-W')); // token and IPN in place
      sim.failNext({ kind: 'rate-limit', retryAfterSeconds: 4 }, 1, /SubmitOrderRequest/);
      const outcome = await h.executor.execute(h.integration.name, 'charge', order('ORD-RL'));
      expect(outcome.ok).toBe(true);
      expect(clock.sleeps).toEqual([4_000]);
      expect(sim.received('/Transactions/SubmitOrderRequest')).toHaveLength(3);
    });

    it('a timed-out order is OUTCOME_UNKNOWN, not re-sent, and query explains that no customer could have paid it', async () => {
      const slow = harness(pesapal, sim.config, { clock, timeoutMs: 300 });
      try {
        await slow.run('charge', order('ORD-0')); // token and IPN first, so only the order stalls
        sim.loseNextAnswers('stall');
        const outcome = await slow.executor.execute(slow.integration.name, 'charge', order('ORD-LOST'));
        expect(outcome.ok ? 'ok' : outcome.error.category).toBe('OUTCOME_UNKNOWN');
        expect(outcome.attempts).toBe(1);
        expect(sim.received('/Transactions/SubmitOrderRequest')).toHaveLength(2);
        expect(sim.order('ORD-LOST')).toBeDefined(); // Pesapal did take it

        const reconciled = await slow.executor.execute(slow.integration.name, 'query', { reference: 'ORD-LOST' });
        expect(reconciled.ok && reconciled.result).toMatchObject({ status: 'not_found', providerStatus: 'NO_TRACKING_ID', message: expect.stringContaining('no customer can have paid it') });

        // An order whose answer arrived reconciles against Pesapal itself.
        const kept = await slow.run('charge', order('ORD-KEPT'));
        await sim.complete(kept.orderTrackingId);
        const known = await slow.executor.execute(slow.integration.name, 'query', { reference: 'ORD-KEPT' });
        expect(known.ok && known.result).toMatchObject({ status: 'succeeded', orderTrackingId: kept.orderTrackingId });
      } finally {
        await slow.close();
      }
    });

    it('a stalled status read is a plain TIMEOUT and, being safe, is retried', async () => {
      const { orderTrackingId } = await h.run('charge', order('ORD-SQ'));
      const slow = harness(pesapal, sim.config, { clock, timeoutMs: 300, maxAttempts: 2 });
      try {
        sim.failNext({ kind: 'stall' }, 1, /GetTransactionStatus/);
        const outcome = await slow.executor.execute(slow.integration.name, 'query', { orderTrackingId });
        expect(outcome.ok && outcome.result).toMatchObject({ status: 'pending' });
        expect(outcome.attempts).toBe(2);
      } finally {
        await slow.close();
      }
    });

    it('a failed token request is retried even for the unsafe charge: the order itself was never submitted', async () => {
      sim.failNext({ kind: 'status', status: 503 }, 1, /RequestToken/);
      const outcome = await h.executor.execute(h.integration.name, 'charge', order('ORD-TK'));
      expect(outcome.ok).toBe(true);
      expect(outcome.attempts).toBe(2);
      expect(sim.received('/Auth/RequestToken')).toHaveLength(2);
      expect(sim.received('/Transactions/SubmitOrderRequest')).toHaveLength(1);
    });
  });

  describe('IPN', () => {
    it('is POSTed unsigned to the registered URL with the three documented fields, and parses to payment.notified with the query to confirm it', async () => {
      const { orderTrackingId } = await h.run('charge', order('ORD-IPN'));
      const { delivery } = await sim.complete(orderTrackingId);
      expect(delivery.status).toBe(200);
      const [got] = hooks.received;
      expect(got.method).toBe('POST');
      expect(JSON.parse(got.body)).toEqual({ OrderTrackingId: orderTrackingId, OrderMerchantReference: 'ORD-IPN', OrderNotificationType: 'IPNCHANGE' });
      const events = await pesapal.webhook!.parse(inbound(got.body), { integration: 'pesapal', config: h.integration.config as never });
      expect(events).toEqual([
        {
          type: 'payment.notified',
          externalId: orderTrackingId,
          data: { orderTrackingId, reference: 'ORD-IPN', notificationType: 'IPNCHANGE', confirmWith: { operation: 'query', payload: { orderTrackingId } } },
        },
      ]);
      // What the event names confirms the payment.
      const confirm = events[0].data.confirmWith as { operation: string; payload: unknown };
      expect(await h.run(confirm.operation, confirm.payload)).toMatchObject({ status: 'succeeded' });
    });

    it('is sent as a GET with query parameters when registered that way, and parses the same', async () => {
      const getter = harness(pesapal, { ...sim.config, ipnNotificationType: 'GET' }, { clock });
      try {
        const { orderTrackingId } = await getter.run('charge', order('ORD-GET'));
        expect(sim.received('/URLSetup/RegisterIPN')[0].parsed).toMatchObject({ ipn_notification_type: 'GET' });
        await sim.complete(orderTrackingId, 'FAILED');
        const [got] = hooks.received;
        expect(got.method).toBe('GET');
        const query = Object.fromEntries(new URL(got.url, 'http://x').searchParams);
        expect(query).toEqual({ OrderTrackingId: orderTrackingId, OrderMerchantReference: 'ORD-GET', OrderNotificationType: 'IPNCHANGE' });
        const events = await pesapal.webhook!.parse(inbound('', { method: 'GET', query }), { integration: 'pesapal', config: {} as never });
        expect(events[0]).toMatchObject({ type: 'payment.notified', externalId: orderTrackingId, data: { reference: 'ORD-GET' } });
      } finally {
        await getter.close();
      }
    });

    it('is accepted by the daemon\'s token verifier only on the URL ending in the path token', () => {
      const body = JSON.stringify({ OrderTrackingId: 'x', OrderMerchantReference: 'y', OrderNotificationType: 'IPNCHANGE' });
      expect(verifiedByEngine(pesapal, 's3cret-path-token', inbound(body, { path: '/webhooks/pesapal/s3cret-path-token' }))).toBe(true);
      expect(verifiedByEngine(pesapal, 's3cret-path-token', inbound(body, { path: '/webhooks/pesapal/guess' }))).toBe(false);
    });

    it('rejects an IPN without OrderTrackingId; the sample parses back', async () => {
      expect(() => pesapal.webhook!.parse(inbound('{"OrderMerchantReference":"x"}'), { integration: 'p', config: {} as never })).toThrow(/without OrderTrackingId/);
      const sample = pesapal.webhook!.sample!(undefined, {} as never);
      expect((await pesapal.webhook!.parse(inbound(sample.body), { integration: 'p', config: {} as never }))[0].type).toBe(sample.eventType);
    });

    it('an order paid on the simulator\'s page sends the IPN and returns the browser to callback_url', async () => {
      const { redirectUrl, orderTrackingId } = await h.run('charge', order('ORD-PAGE'));
      expect((await fetch(redirectUrl)).status).toBe(200);
      const res = await fetch(redirectUrl, { method: 'POST', body: 'outcome=COMPLETED', headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
      expect(res.status).toBe(302);
      const back = new URL(res.headers.get('location')!);
      expect(back.searchParams.get('OrderNotificationType')).toBe('CALLBACKURL');
      expect(back.searchParams.get('OrderTrackingId')).toBe(orderTrackingId);
      expect(hooks.received).toHaveLength(1);
    });
  });
});
