import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { validateAdapterDefinition } from '../../src/core/adapter.js';
import { describeFields } from '../../src/core/fields.js';
import mpesa from '../../adapters/mpesa/index.js';
import { startMpesaSimulator, type MpesaSimulator } from '../../adapters/mpesa/simulator.js';
import { darajaTimestamp, stkPassword } from '../../adapters/mpesa/daraja-time.js';
import { toKenyanMsisdn } from '../../src/core/adapter-kit/phone.js';
import { harness, type Harness } from './payment-adapter-harness.js';
import { onSimulator } from './simulator-fixture.js';
import { failure } from './expect-failure.js';

const STK = '/mpesa/stkpush/v1/processrequest';
const payment = { amount: 150, phone: '0712 345 678', reference: 'INV-1001', description: 'Invoice 1001' };

describe('mpesa adapter declaration', () => {
  it('is a valid payment adapter with secrets marked and both Daraja hosts', () => {
    expect(validateAdapterDefinition(mpesa)).toEqual([]);
    const secrets = describeFields(mpesa.config).filter((f) => f.secret).map((f) => f.path).sort();
    expect(secrets).toEqual(['consumerSecret', 'passkey', 'securityCredential']);
    expect(mpesa.baseUrls).toEqual({ sandbox: 'https://sandbox.safaricom.co.ke', production: 'https://api.safaricom.co.ke' });
    expect(Object.fromEntries(Object.entries(mpesa.operations).map(([k, op]) => [k, op.retry]))).toEqual({ charge: 'unsafe', query: 'safe', refund: 'unsafe', balance: 'safe' });
    expect(mpesa.webhook?.verification).toMatchObject({ scheme: 'token' });
  });

  it('normalises the usual Kenyan phone forms to 254…', () => {
    for (const form of ['0712345678', '+254712345678', '254712345678', '712345678', '0712-345-678']) expect(toKenyanMsisdn(form)).toBe('254712345678');
    expect(toKenyanMsisdn('0112345678')).toBe('254112345678');
    for (const bad of ['0812345678', '25471234567', '+255712345678', 'phone']) expect(toKenyanMsisdn(bad)).toBeUndefined();
  });
});

describe('mpesa adapter against its simulator', () => {
  let sim: MpesaSimulator;
  let h: Harness;
  let clock: ManualClock;

  beforeEach(async () => {
    const f = await onSimulator(mpesa, startMpesaSimulator);
    ({ sim, h, clock } = f);
    return f.close;
  });

  describe('charge (STK push)', () => {
    it('sends the push Daraja expects and returns its ids as pending', async () => {
      const out = await h.run('charge', payment);
      expect(out).toMatchObject({ status: 'pending', reference: 'INV-1001', amount: 150, phone: '254712345678' });
      expect(out.checkoutRequestId).toMatch(/^ws_CO_\d{20}$/);
      expect(out.merchantRequestId).toMatch(/^\d+-\d+-1$/);

      const [push] = sim.received(STK);
      const body = push.parsed as Record<string, unknown>;
      const timestamp = darajaTimestamp(clock.now());
      expect(body).toMatchObject({
        BusinessShortCode: sim.credentials.shortcode,
        Timestamp: timestamp,
        TransactionType: 'CustomerPayBillOnline',
        Amount: 150,
        PartyA: '254712345678',
        PartyB: sim.credentials.shortcode,
        PhoneNumber: '254712345678',
        AccountReference: 'INV-1001',
        TransactionDesc: 'Invoice 1001',
      });
      expect(body.Password).toBe(stkPassword(sim.credentials.shortcode, sim.credentials.passkey, timestamp));
      expect(new URL(String(body.CallBackURL)).searchParams.get('reference')).toBe('INV-1001');
      expect(push.headers.authorization).toMatch(/^Bearer \S+$/);
    });

    it('uses Kenyan time in the Timestamp', () => {
      expect(darajaTimestamp(Date.UTC(2026, 0, 1, 22, 5, 9))).toBe('20260102010509');
    });

    it('refuses amounts that are not whole shillings before any request', async () => {
      const viaExecutor = await h.executor.execute(h.integration.name, 'charge', { ...payment, amount: 10.5 });
      expect(viaExecutor.ok).toBe(false);
      if (!viaExecutor.ok) {
        expect(viaExecutor.error.category).toBe('VALIDATION_FAILED');
        expect(viaExecutor.error.issues.join(' ')).toMatch(/amount.*whole shillings/);
      }
      // run() called directly, bypassing the schema, refuses too.
      const direct = await failure(mpesa.operations.charge.run(h.ctx() as never, { ...payment, phone: '254712345678', amount: 10.5 }));
      expect(direct.category).toBe('VALIDATION_FAILED');
      expect(direct.requestSent).toBe(false);
      expect(sim.requests).toHaveLength(0);
    });

    it('refuses a phone number that is not Kenyan mobile before any request', async () => {
      const out = await h.executor.execute(h.integration.name, 'charge', { ...payment, phone: '0812345678' });
      expect(out.ok).toBe(false);
      if (!out.ok) expect(out.error.issues.join(' ')).toMatch(/payload\.phone: must be a Kenyan mobile number/);
      expect(sim.requests).toHaveLength(0);
    });
  });

  describe('query (STK query)', () => {
    it('reports a completed push as succeeded', async () => {
      const charged = await h.run('charge', payment);
      await sim.idle();
      const out = await h.run('query', { checkoutRequestId: charged.checkoutRequestId });
      expect(out).toEqual({
        status: 'succeeded',
        checkoutRequestId: charged.checkoutRequestId,
        merchantRequestId: charged.merchantRequestId,
        resultCode: '0',
        resultDesc: 'The service request is processed successfully.',
      });
      const body = sim.received('/mpesa/stkpushquery/v1/query')[0].parsed as Record<string, unknown>;
      expect(body.Password).toBe(stkPassword(sim.credentials.shortcode, sim.credentials.passkey, String(body.Timestamp)));
    });

    it('reports pending while the customer has the prompt, then failed when they cancel', async () => {
      await sim.close();
      await h.close();
      sim = await startMpesaSimulator({ clock, autoComplete: false });
      h = harness(mpesa, sim.config, { clock });
      const charged = await h.run('charge', payment);
      const pending = await h.run('query', { checkoutRequestId: charged.checkoutRequestId });
      expect(pending).toMatchObject({ status: 'pending', resultDesc: 'The transaction is being processed' });

      await sim.complete(charged.checkoutRequestId, 1032);
      const cancelled = await h.run('query', { checkoutRequestId: charged.checkoutRequestId });
      expect(cancelled).toMatchObject({ status: 'failed', resultCode: '1032', resultDesc: 'Request cancelled by user' });
    });

    it('finds a charge by its reference through the ids recorded at send time', async () => {
      const charged = await h.run('charge', payment);
      await sim.idle();
      const out = await h.run('query', { reference: 'INV-1001' });
      expect(out).toMatchObject({ status: 'succeeded', checkoutRequestId: charged.checkoutRequestId, reference: 'INV-1001' });
    });

    it('maps an unknown CheckoutRequestID to NOT_FOUND with the provider field', async () => {
      const err = await failure(h.run('query', { checkoutRequestId: 'ws_CO_010120260300001234567' }));
      expect(err.category).toBe('NOT_FOUND');
      expect(err.provider).toMatchObject({ status: 400, code: '400.002.02', field: 'CheckoutRequestID', message: 'Bad Request - Invalid CheckoutRequestID' });
    });

    it('maps a reference never charged from this integration to NOT_FOUND without a request', async () => {
      const err = await failure(h.run('query', { reference: 'NEVER' }));
      expect(err.category).toBe('NOT_FOUND');
      expect(sim.requests).toHaveLength(0);
    });
  });

  describe('refund (reversal) and balance', () => {
    it('reverses a payment; Daraja accepts it and posts the result to the result URL', async () => {
      await h.run('charge', payment);
      await sim.idle();
      const receipt = [...sim.checkouts.values()][0].receipt as string;
      const out = await h.run('refund', { transactionId: receipt, amount: 150 });
      expect(out.status).toBe('pending');
      expect(out.conversationId).toMatch(/^AG_\d{8}_[0-9a-f]{20}$/);
      const body = sim.received('/mpesa/reversal/v1/request')[0].parsed as Record<string, unknown>;
      expect(body).toMatchObject({
        Initiator: 'testapi',
        CommandID: 'TransactionReversal',
        TransactionID: receipt,
        Amount: 150,
        ReceiverParty: sim.credentials.shortcode,
        RecieverIdentifierType: '11',
        Remarks: 'Reversal',
      });
      expect(new URL(String(body.ResultURL)).searchParams.get('command')).toBe('reversal');
      await sim.idle();
      const result = sim.callbacks.at(-1)!.body as { Result: { ResultCode: number; ConversationID: string } };
      expect(result.Result).toMatchObject({ ResultCode: 0, ConversationID: out.conversationId });
    });

    it('refuses a reversal when the initiator settings are missing, before any request', async () => {
      const bare = { ...sim.config };
      delete bare.initiator;
      delete bare.securityCredential;
      const h2 = harness(mpesa, bare, { clock });
      try {
        const err = await failure(h2.run('refund', { transactionId: 'SAB1C2D3E4', amount: 10 }));
        expect(err.category).toBe('CONFIG_INVALID');
        expect(err.message).toMatch(/initiator, securityCredential/);
        expect(sim.requests).toHaveLength(0);
      } finally {
        await h2.close();
      }
    });

    it('requests the account balance, which arrives by callback', async () => {
      const out = await h.run('balance', {});
      expect(out).toMatchObject({ status: 'pending', responseDescription: 'Accept the service request successfully.' });
      expect(sim.received('/mpesa/accountbalance/v1/query')[0].parsed).toMatchObject({ CommandID: 'AccountBalance', IdentifierType: '4', PartyA: sim.credentials.shortcode });
      await sim.idle();
      const result = sim.callbacks.at(-1)!.body as { Result: { ResultParameters: { ResultParameter: { Key: string; Value: unknown }[] } } };
      expect(result.Result.ResultParameters.ResultParameter[0].Value).toMatch(/^Working Account\|KES\|50000\.00/);
    });
  });

  describe('error mapping', () => {
    it('maps rejected credentials to AUTHENTICATION_FAILED with Daraja’s code, and keeps the secret out of the message', async () => {
      const h2 = harness(mpesa, { ...sim.config, consumerSecret: 'wrong-secret-value' }, { clock });
      try {
        const err = await failure(h2.run('charge', payment));
        expect(err.category).toBe('AUTHENTICATION_FAILED');
        expect(err.provider).toMatchObject({ status: 400, code: '400.008.01', message: 'Invalid Authentication passed' });
        expect(JSON.stringify({ message: err.message, ...err.toJSON() })).not.toContain('wrong-secret-value');
        expect(sim.received(STK)).toHaveLength(0);
      } finally {
        await h2.close();
      }
    });

    it('maps a 401 that survives one token refresh to AUTHENTICATION_FAILED keeping errorCode', async () => {
      const invalidToken = { requestId: '5115-78674050-1', errorCode: '404.001.03', errorMessage: 'Invalid Access Token' };
      sim.failNext({ kind: 'status', status: 401, body: invalidToken }, 2, /stkpush/);
      const err = await failure(h.run('charge', payment));
      expect(err.category).toBe('AUTHENTICATION_FAILED');
      expect(err.provider).toMatchObject({ status: 401, code: '404.001.03', message: 'Invalid Access Token' });
      expect(err.details).toEqual({ requestId: '5115-78674050-1' });
      expect(sim.received(STK)).toHaveLength(2);
      expect(sim.received('/oauth/v1/generate')).toHaveLength(2);
    });

    it('maps a 400 naming a field to VALIDATION_FAILED with that field', async () => {
      const h2 = harness(mpesa, { ...sim.config, shortcode: '600999' }, { clock });
      try {
        const err = await failure(h2.run('charge', payment));
        expect(err.category).toBe('VALIDATION_FAILED');
        expect(err.provider).toEqual({ status: 400, code: '400.002.02', message: 'Bad Request - Invalid BusinessShortCode', field: 'BusinessShortCode' });
      } finally {
        await h2.close();
      }
      const h3 = harness(mpesa, { ...sim.config, passkey: 'not-the-passkey' }, { clock });
      try {
        expect((await failure(h3.run('charge', payment))).provider?.field).toBe('Password');
      } finally {
        await h3.close();
      }
    });

    it('maps 429 to RATE_LIMITED with Retry-After, and the executor waits that long before retrying a safe query', async () => {
      const quota = { fault: { faultstring: 'Rate limit quota violation. Quota limit exceeded.', detail: { errorcode: 'policies.ratelimit.QuotaViolation' } } };
      sim.failNext({ kind: 'rate-limit', retryAfterSeconds: 7, body: quota }, 1, /stkpush\//);
      const err = await failure(h.run('charge', payment));
      expect(err.category).toBe('RATE_LIMITED');
      expect(err.retryAfterMs).toBe(7_000);
      expect(err.provider).toMatchObject({ status: 429, code: 'policies.ratelimit.QuotaViolation', message: 'Rate limit quota violation. Quota limit exceeded.' });

      const charged = await h.run('charge', payment);
      await sim.idle();
      sim.failNext({ kind: 'rate-limit', retryAfterSeconds: 2 }, 1, /stkpushquery/);
      const out = await h.executor.execute(h.integration.name, 'query', { checkoutRequestId: charged.checkoutRequestId });
      expect(out.ok).toBe(true);
      expect(out.attempts).toBe(2);
      expect(clock.sleeps).toEqual([2_000]);
    });

    it('maps a 500 to SERVER_ERROR keeping the code, and an unsafe charge through the executor to OUTCOME_UNKNOWN, never re-sent', async () => {
      const boom = { requestId: '1-2-1', errorCode: '500.003.02', errorMessage: 'System is busy. Please try again in few minutes.' };
      sim.failNext({ kind: 'status', status: 500, body: boom }, 1, /stkpush\//);
      const err = await failure(h.run('charge', payment));
      expect(err.category).toBe('SERVER_ERROR');
      expect(err.provider).toMatchObject({ status: 500, code: '500.003.02' });

      sim.failNext({ kind: 'status', status: 500, body: boom }, 1, /stkpush\//);
      const out = await h.executor.execute(h.integration.name, 'charge', { ...payment, reference: 'INV-1002' });
      expect(out.ok).toBe(false);
      if (!out.ok) expect(out.error.category).toBe('OUTCOME_UNKNOWN');
      expect(out.attempts).toBe(1);
      expect(sim.received(STK)).toHaveLength(2);
    });
  });

  describe('health and selfTest', () => {
    it('is healthy when Daraja issues a token, unhealthy when it refuses the credentials', async () => {
      expect(await mpesa.health!(h.ctx() as never)).toMatchObject({ status: 'healthy', message: expect.stringMatching(/3599 s/) });
      expect(sim.received('/oauth/v1/generate')).toHaveLength(1);
      expect(await mpesa.selfTest!(h.ctx() as never)).toMatch(/accepted the consumer key and secret/);
      const h2 = harness(mpesa, { ...sim.config, consumerKey: 'nobody' }, { clock });
      try {
        const result = await mpesa.health!(h2.ctx() as never);
        expect(result.status).toBe('unhealthy');
        expect(result.message).toMatch(/AUTHENTICATION_FAILED/);
      } finally {
        await h2.close();
      }
    });
  });
});
