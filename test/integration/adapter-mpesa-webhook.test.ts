import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { IntegrationError } from '../../src/core/errors.js';
import mpesa from '../../adapters/mpesa/index.js';
import { startMpesaSimulator, type MpesaSimulator } from '../../adapters/mpesa/simulator.js';
import { inbound, type Harness, type Receiver } from './payment-adapter-harness.js';
import { onSimulatorWithReceiver } from './simulator-fixture.js';

const webhook = mpesa.webhook!;
const config = mpesa.config.parse({
  consumerKey: 'k',
  consumerSecret: 's',
  shortcode: '174379',
  passkey: 'p',
  callbackUrl: 'https://hooks.example.com/webhooks/mpesa/tok',
});
const ctx = { integration: 'mpesa', config };

// The success callback exactly as providers.md relays it.
const PAID = `{"Body":{"stkCallback":{"MerchantRequestID":"29115-34620561-1","CheckoutRequestID":"ws_CO_191220191020363925","ResultCode":0,
 "ResultDesc":"The service request is processed successfully.",
 "CallbackMetadata":{"Item":[{"Name":"Amount","Value":1},{"Name":"MpesaReceiptNumber","Value":"RLA0R69NXM"},
 {"Name":"Balance"},{"Name":"TransactionDate","Value":20231210133416},{"Name":"PhoneNumber","Value":254768130105}]}}}}`;

describe('mpesa webhook parsing', () => {
  it('parses a paid STK callback to payment.succeeded with amount, receipt, phone and time', async () => {
    const events = await webhook.parse(inbound(PAID, { query: { reference: 'INV-9' } }), ctx);
    expect(events).toEqual([
      {
        type: 'payment.succeeded',
        externalId: 'ws_CO_191220191020363925',
        // 13:34:16 in Nairobi is 10:34:16 UTC.
        occurredAt: '2023-12-10T10:34:16.000Z',
        data: {
          checkoutRequestId: 'ws_CO_191220191020363925',
          merchantRequestId: '29115-34620561-1',
          resultCode: '0',
          resultDesc: 'The service request is processed successfully.',
          reference: 'INV-9',
          amount: 1,
          receipt: 'RLA0R69NXM',
          phone: '254768130105',
          transactionDate: '2023-12-10T10:34:16.000Z',
        },
      },
    ]);
    expect(webhook.eventId!(inbound(PAID), ctx)).toBe('ws_CO_191220191020363925');
  });

  it('parses a cancelled STK callback (no metadata) to payment.failed', async () => {
    const body = JSON.stringify({ Body: { stkCallback: { MerchantRequestID: 'm-1', CheckoutRequestID: 'ws_CO_1', ResultCode: 1032, ResultDesc: 'Request cancelled by user' } } });
    const [event] = await webhook.parse(inbound(body), ctx);
    expect(event).toMatchObject({ type: 'payment.failed', externalId: 'ws_CO_1', data: { resultCode: '1032', resultDesc: 'Request cancelled by user' } });
    expect(Object.keys(event.data)).not.toContain('receipt');
  });

  it('parses reversal and balance results, whether ReferenceItem is an object or an array', async () => {
    const reversal = {
      Result: {
        ResultType: 0,
        ResultCode: 0,
        ResultDesc: 'The service request is processed successfully.',
        OriginatorConversationID: '10819-695089-1',
        ConversationID: 'AG_20170727_00004efadacd98a01d15',
        TransactionID: 'LGR019G3J2',
        ResultParameters: { ResultParameter: [{ Key: 'OriginalTransactionID', Value: 'LGR0000000' }, { Key: 'Amount', Value: 100 }, { Key: 'TransCompletedTime', Value: 20170727104247 }] },
        ReferenceData: { ReferenceItem: [{ Key: 'QueueTimeoutURL', Value: 'https://x' }] },
      },
    };
    const [r] = await webhook.parse(inbound(JSON.stringify(reversal)), ctx);
    expect(r).toMatchObject({ type: 'refund.succeeded', externalId: 'AG_20170727_00004efadacd98a01d15', occurredAt: '2017-07-27T07:42:47.000Z', data: { originalTransactionId: 'LGR0000000', amount: 100 } });
    expect(webhook.eventId!(inbound(JSON.stringify(reversal)), ctx)).toBe('AG_20170727_00004efadacd98a01d15');

    const balance = {
      Result: {
        ResultType: 0,
        ResultCode: 0,
        ResultDesc: 'The service request is processed successfully.',
        OriginatorConversationID: '1-2-1',
        ConversationID: 'AG_2',
        TransactionID: 'LGR0000001',
        ResultParameters: { ResultParameter: { Key: 'AccountBalance', Value: 'Working Account|KES|46713.00|46713.00|0.00|0.00&Float Account|KES|0.00|0.00|0.00|0.00' } },
        ReferenceData: { ReferenceItem: { Key: 'QueueTimeoutURL', Value: 'https://x' } },
      },
    };
    const [b] = await webhook.parse(inbound(JSON.stringify(balance)), ctx);
    expect(b).toMatchObject({ type: 'balance.reported', data: { accounts: [{ account: 'Working Account', currency: 'KES', balance: 46713, available: 46713 }, { account: 'Float Account', balance: 0 }] } });

    const failed = { Result: { ...reversal.Result, ResultCode: 'R000002', ResultDesc: 'The OriginalTransactionID is invalid.', ResultParameters: undefined } };
    const [f] = await webhook.parse(inbound(JSON.stringify(failed), { query: { command: 'reversal' } }), ctx);
    expect(f).toMatchObject({ type: 'refund.failed', data: { resultCode: 'R000002' } });
    const [t] = await webhook.parse(inbound(JSON.stringify(reversal), { query: { command: 'reversal', timeout: '1' } }), ctx);
    expect(t).toMatchObject({ type: 'refund.failed', data: { timedOut: true } });
  });

  it('rejects bodies that are not M-Pesa callbacks as INVALID_REQUEST', async () => {
    for (const body of ['not json', '[]', '{"hello":1}', '{"Body":{"stkCallback":{"ResultCode":0}}}']) {
      const err = await Promise.resolve()
        .then(() => webhook.parse(inbound(body), ctx))
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IntegrationError);
      expect((err as IntegrationError).category).toBe('INVALID_REQUEST');
    }
    expect(webhook.eventId!(inbound('not json'), ctx)).toBeUndefined();
  });

  it('acknowledges the way Daraja expects', () => {
    expect(webhook.acknowledge).toEqual({ status: 200, contentType: 'application/json', body: '{"ResultCode":0,"ResultDesc":"Accepted"}' });
  });

  it('builds realistic samples that parse back to the event asked for', async () => {
    for (const type of webhook.sampleEvents!) {
      const sample = webhook.sample!(type, config);
      expect(sample.eventType).toBe(type);
      const [event] = await webhook.parse(inbound(sample.body, { headers: sample.headers }), ctx);
      expect(event.type).toBe(type);
    }
    const paid = JSON.parse(webhook.sample!(undefined, config).body);
    expect(paid.Body.stkCallback.CheckoutRequestID).toMatch(/^ws_CO_\d{20}$/);
    expect(() => webhook.sample!('sms.delivered', config)).toThrow(/no sample/);
  });
});

describe('mpesa callbacks from the simulator to a local receiver', () => {
  let sim: MpesaSimulator;
  let h: Harness;
  let clock: ManualClock;
  let hooks: Receiver;

  beforeEach(async () => {
    const f = await onSimulatorWithReceiver(mpesa, (o) => startMpesaSimulator({ ...o, callbackDelayMs: 15_000 }), { callbackPath: '/mpesa/tok' });
    ({ sim, h, clock, hooks } = f);
    return f.close;
  });

  const parseReceived = (i: number) => {
    const r = hooks.received[i];
    const u = new URL(r.url, 'http://receiver');
    return webhook.parse(inbound(r.body, { path: u.pathname, query: Object.fromEntries(u.searchParams), headers: { 'content-type': String(r.headers['content-type']) } }), ctx);
  };

  it('posts the STK callback to the CallBackURL after the customer answers (on the injected clock)', async () => {
    const started = clock.now();
    const charged = await h.run('charge', { amount: 75, phone: '0799000111', reference: 'CB-1', description: 'Callback' });
    await sim.idle();
    expect(clock.now() - started).toBe(15_000);
    expect(hooks.received).toHaveLength(1);
    expect(hooks.received[0].headers['content-type']).toBe('application/json');
    expect(sim.callbacks[0].status).toBe(200);
    const [event] = await parseReceived(0);
    expect(event).toMatchObject({ type: 'payment.succeeded', externalId: charged.checkoutRequestId, data: { amount: 75, phone: '254799000111', reference: 'CB-1' } });
    expect(event.occurredAt).toBe(new Date(clock.now()).toISOString());
  });

  it('posts reversal and balance results that parse to refund.succeeded and balance.reported', async () => {
    await h.run('charge', { amount: 300, phone: '0799000111', reference: 'CB-2', description: 'Callback' });
    await sim.idle();
    const [paid] = await parseReceived(0);
    await h.run('refund', { transactionId: paid.data.receipt, amount: 300 });
    await sim.idle();
    const [refunded] = await parseReceived(1);
    expect(refunded).toMatchObject({ type: 'refund.succeeded', data: { originalTransactionId: paid.data.receipt, amount: 300 } });

    await h.run('refund', { transactionId: paid.data.receipt, amount: 300 });
    await sim.idle();
    expect((await parseReceived(2))[0]).toMatchObject({ type: 'refund.failed', data: { resultCode: 'R000001' } });

    await h.run('balance', {});
    await sim.idle();
    const [balance] = await parseReceived(3);
    expect(balance.type).toBe('balance.reported');
    expect((balance.data.accounts as { account: string; balance: number }[])[0]).toEqual({ account: 'Working Account', currency: 'KES', balance: 50_000, available: 50_000 });
  });
});
