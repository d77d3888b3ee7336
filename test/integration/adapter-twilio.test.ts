import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { validateAdapterDefinition } from '../../src/core/adapter.js';
import { describeFields } from '../../src/core/fields.js';
import { createVerifier } from '../../src/webhooks/verify/verify.js';
import twilio from '../../adapters/twilio/index.js';
import { startTwilioSimulator, type TwilioSimulator } from '../../adapters/twilio/simulator.js';
import { segmentCount } from '../../adapters/twilio/simulator-messages.js';
import { harness, inbound, inboundFrom, type Harness, type Receiver } from './payment-adapter-harness.js';
import { onSimulatorWithReceiver } from './simulator-fixture.js';
import { failure } from './expect-failure.js';

const MESSAGES = /\/Messages\.json$/;
const sms = { to: '+254 711 222 333', message: 'Your code is 481516', reference: 'otp-1' };

describe('twilio adapter declaration', () => {
  it('is a valid sms adapter: auth token secret, unsafe send, safe reads, twilio webhook scheme', () => {
    expect(validateAdapterDefinition(twilio)).toEqual([]);
    expect(describeFields(twilio.config).filter((f) => f.secret).map((f) => f.path)).toEqual(['authToken']);
    expect(twilio.baseUrls).toEqual({ production: 'https://api.twilio.com' });
    expect(Object.fromEntries(Object.entries(twilio.operations).map(([k, op]) => [k, op.retry]))).toEqual({ send: 'unsafe', query: 'safe', balance: 'safe' });
    expect(twilio.webhook?.verification).toEqual({ scheme: 'twilio' });
  });

  it('counts segments the way carriers do (GSM-7 160/153, UCS-2 70/67)', () => {
    expect(segmentCount('a'.repeat(160))).toBe(1);
    expect(segmentCount('a'.repeat(161))).toBe(2);
    expect(segmentCount('€'.repeat(80))).toBe(1);
    expect(segmentCount('€'.repeat(81))).toBe(2);
    expect(segmentCount('ü'.repeat(160))).toBe(1);
    expect(segmentCount('日'.repeat(71))).toBe(2);
  });
});

describe('twilio adapter against its simulator', () => {
  let sim: TwilioSimulator;
  let h: Harness;
  let clock: ManualClock;
  let hooks: Receiver;

  beforeEach(async () => {
    const f = await onSimulatorWithReceiver(twilio, startTwilioSimulator, { timeoutMs: 2_000 });
    ({ sim, h, clock, hooks } = f);
    return f.close;
  });

  describe('send', () => {
    it('creates a Message with Basic auth and the form Twilio expects, and returns its SID as pending', async () => {
      const out = await h.run('send', sms);
      expect(out).toMatchObject({ status: 'queued', outcome: 'pending', to: '+254711222333', from: sim.credentials.from, numSegments: 1, reference: 'otp-1' });
      expect(out.sid).toMatch(/^SM[0-9a-f]{32}$/);
      expect(out.dateCreated).toBe(new Date(clock.now()).toISOString());

      const [create] = sim.received(MESSAGES);
      expect(create.path).toBe(`/2010-04-01/Accounts/${sim.credentials.accountSid}/Messages.json`);
      expect(create.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(create.parsed).toEqual({ To: '+254711222333', From: sim.credentials.from, Body: sms.message, StatusCallback: hooks.url });
      const basic = Buffer.from(`${sim.credentials.accountSid}:${sim.credentials.authToken}`).toString('base64');
      expect(create.headers.authorization).toBe(`Basic ${basic}`);
    });

    it('sends through a Messaging Service with repeated MediaUrl params', async () => {
      const out = await h.run('send', { to: '+14155550100', messagingServiceSid: sim.credentials.messagingServiceSid, mediaUrls: ['https://example.com/a.png', 'https://example.com/b.png'] });
      expect(out).toMatchObject({ status: 'accepted', outcome: 'pending', from: null, messagingServiceSid: sim.credentials.messagingServiceSid });
      const params = new URLSearchParams(sim.received(MESSAGES)[0].text);
      expect(params.getAll('MediaUrl')).toEqual(['https://example.com/a.png', 'https://example.com/b.png']);
      expect(params.has('From')).toBe(false);
    });

    it('refuses a number that is not E.164, and a send with no sender, before any request', async () => {
      const bad = await h.executor.execute(h.integration.name, 'send', { ...sms, to: '0711222333' });
      expect(bad.ok).toBe(false);
      if (!bad.ok) expect(bad.error.issues.join(' ')).toMatch(/payload\.to: must be an E\.164/);
      const bare = { ...sim.config };
      delete bare.from;
      const h2 = harness(twilio, bare, { clock });
      try {
        const err = await failure(h2.run('send', sms));
        expect(err.category).toBe('VALIDATION_FAILED');
        expect(err.requestSent).toBe(false);
      } finally {
        await h2.close();
      }
      expect(sim.requests).toHaveLength(0);
    });
  });

  describe('query and balance', () => {
    it('fetches a message by SID once Twilio has delivered it', async () => {
      const sent = await h.run('send', sms);
      await sim.idle();
      const out = await h.run('query', { sid: sent.sid });
      expect(out).toMatchObject({ sid: sent.sid, status: 'delivered', outcome: 'delivered', price: '-0.00790', priceUnit: 'USD' });
      expect(sim.received(`/2010-04-01/Accounts/${sim.credentials.accountSid}/Messages/${sent.sid}.json`)).toHaveLength(1);
    });

    it('finds a message by the reference of its send, and reports undelivered with Twilio’s error code', async () => {
      sim.queueOutcome({ status: 'undelivered', errorCode: 30003 });
      const sent = await h.run('send', sms);
      await sim.idle();
      const out = await h.run('query', { reference: 'otp-1' });
      expect(out).toMatchObject({ sid: sent.sid, status: 'undelivered', outcome: 'failed', errorCode: '30003', reference: 'otp-1' });
    });

    it('maps an unknown SID to NOT_FOUND with Twilio’s code, and an unknown reference to NOT_FOUND without a request', async () => {
      const err = await failure(h.run('query', { sid: `SM${'0'.repeat(32)}` }));
      expect(err.category).toBe('NOT_FOUND');
      expect(err.provider).toMatchObject({ status: 404, code: '20404' });
      const before = sim.requests.length;
      expect((await failure(h.run('query', { reference: 'never-sent' }))).category).toBe('NOT_FOUND');
      expect(sim.requests).toHaveLength(before);
    });

    it('reads the balance, which sending lowers', async () => {
      expect(await h.run('balance', {})).toEqual({ balance: 20, currency: 'USD' });
      await h.run('send', { ...sms, message: 'x'.repeat(200) });
      await sim.idle();
      const after = await h.run('balance', {});
      expect(after.balance).toBeCloseTo(20 - 2 * 0.0079, 6);
    });
  });

  describe('answers twilio-oai marks nullable', () => {
    it('a message still queued (price, date_sent, error_code null) and one a Messaging Service has not yet sent (from null, num_segments "0") are normal results', async () => {
      const held = await startTwilioSimulator({ clock, autoDeliver: false });
      const h2 = harness(twilio, held.config, { clock });
      try {
        const sent = await h2.run('send', sms);
        expect(held.messages.get(sent.sid)!.resource).toMatchObject({ status: 'queued', price: null, date_sent: null, error_code: null, error_message: null });
        const queued = await h2.executor.execute(h2.integration.name, 'query', { sid: sent.sid });
        expect(queued).toMatchObject({ ok: true, result: { sid: sent.sid, status: 'queued', outcome: 'pending', to: '+254711222333' } });
        for (const absent of ['price', 'dateSent', 'errorCode', 'errorMessage']) expect(queued.ok && queued.result).not.toHaveProperty(absent);

        const viaService = await h2.run('send', { to: '+14155550100', messagingServiceSid: held.credentials.messagingServiceSid, message: 'hello' });
        expect(viaService).toMatchObject({ status: 'accepted', from: null, numSegments: 0 });
        await held.advance(viaService.sid);
        expect(await h2.run('query', { sid: viaService.sid })).toMatchObject({ status: 'delivered', from: held.credentials.from, numSegments: 1, price: '-0.00790', priceUnit: 'USD' });
      } finally {
        await h2.close();
        await held.close();
      }
    });

    it('a Message with to, body and num_segments null, and a Balance with balance and currency null, are reported as such, not as SERVER_ERROR', async () => {
      const sent = await h.run('send', sms);
      const resource = sim.messages.get(sent.sid)!.resource;
      sim.failNext({ kind: 'status', status: 200, body: { ...resource, to: null, body: null, num_segments: null } }, 1, /\/Messages\/SM/);
      const fetched = await h.executor.execute(h.integration.name, 'query', { sid: sent.sid });
      expect(fetched).toMatchObject({ ok: true, result: { sid: sent.sid, to: null } });
      expect(fetched.ok && fetched.result).not.toHaveProperty('numSegments');

      // A lost answer reconciled from the list, where Twilio left body and to null.
      await h.close();
      h = harness(twilio, sim.config, { clock, timeoutMs: 250 });
      sim.acceptThenStall(1);
      expect((await h.executor.execute(h.integration.name, 'send', { ...sms, reference: 'otp-2' })).ok).toBe(false);
      const created = [...sim.messages.values()].at(-1)!.resource;
      sim.failNext({ kind: 'status', status: 200, body: { messages: [{ ...created, to: null, body: null }], next_page_uri: null, page: 0, page_size: 50 } }, 1, MESSAGES);
      const found = await h.executor.execute(h.integration.name, 'query', { reference: 'otp-2' });
      expect(found).toMatchObject({ ok: true, result: { sid: created.sid, to: '+254711222333', reference: 'otp-2' } });

      sim.failNext({ kind: 'status', status: 200, body: { account_sid: sim.credentials.accountSid, balance: null, currency: null } }, 1, /Balance\.json$/);
      expect(await h.executor.execute(h.integration.name, 'balance', {})).toMatchObject({ ok: true, result: { balance: null, currency: null } });
    });
  });

  describe('error mapping', () => {
    it('maps bad credentials to AUTHENTICATION_FAILED keeping code 20003, without the token in the message', async () => {
      const h2 = harness(twilio, { ...sim.config, authToken: 'not-the-auth-token' }, { clock });
      try {
        const err = await failure(h2.run('send', sms));
        expect(err.category).toBe('AUTHENTICATION_FAILED');
        expect(err.provider).toEqual({ status: 401, code: '20003', message: 'Authenticate' });
        expect(JSON.stringify({ m: err.message, ...err.toJSON() })).not.toContain('not-the-auth-token');
      } finally {
        await h2.close();
      }
    });

    it('maps a sender the account does not own to VALIDATION_FAILED naming From', async () => {
      const err = await failure(h.run('send', { ...sms, from: '+15005550001' }));
      expect(err.category).toBe('VALIDATION_FAILED');
      expect(err.provider).toMatchObject({ status: 400, code: '21606', field: 'From' });
      expect(err.provider?.message).toMatch(/not a valid, SMS-capable inbound phone number/);
    });

    it('maps 429 (20429) to RATE_LIMITED with Retry-After; the executor waits that long and sends once accepted', async () => {
      const limited = { code: 20429, message: 'Too Many Requests', more_info: 'https://www.twilio.com/docs/errors/20429', status: 429 };
      sim.failNext({ kind: 'rate-limit', retryAfterSeconds: 3, body: limited }, 1, MESSAGES);
      const err = await failure(h.run('send', sms));
      expect(err.category).toBe('RATE_LIMITED');
      expect(err.retryAfterMs).toBe(3_000);
      expect(err.provider).toMatchObject({ status: 429, code: '20429' });

      // A refused request was not processed, so even an unsafe send may go again after the wait.
      sim.failNext({ kind: 'rate-limit', retryAfterSeconds: 2, body: limited }, 1, MESSAGES);
      const out = await h.executor.execute(h.integration.name, 'send', { ...sms, reference: 'otp-2' });
      expect(out.ok).toBe(true);
      expect(out.attempts).toBe(2);
      expect(clock.sleeps).toEqual([2_000]);
      expect(sim.messages.size).toBe(1);
    });

    it('maps a 500 to SERVER_ERROR; through the executor an unsafe send becomes OUTCOME_UNKNOWN and is not re-sent', async () => {
      const boom = { code: 20500, message: 'Internal Server Error', more_info: 'https://www.twilio.com/docs/errors/20500', status: 500 };
      sim.failNext({ kind: 'status', status: 500, body: boom }, 2, MESSAGES);
      const err = await failure(h.run('send', sms));
      expect(err.category).toBe('SERVER_ERROR');
      expect(err.provider).toMatchObject({ status: 500, code: '20500' });
      const out = await h.executor.execute(h.integration.name, 'send', sms);
      expect(out.ok).toBe(false);
      if (!out.ok) expect(out.error.category).toBe('OUTCOME_UNKNOWN');
      expect(out.attempts).toBe(1);
      expect(sim.received(MESSAGES)).toHaveLength(2);
    });
  });

  describe('a send that times out', () => {
    it('is OUTCOME_UNKNOWN; when Twilio created the message, query by reference finds it', async () => {
      await h.close();
      h = harness(twilio, sim.config, { clock, timeoutMs: 250 });
      sim.acceptThenStall(1);
      const out = await h.executor.execute(h.integration.name, 'send', sms);
      expect(out.ok).toBe(false);
      if (out.ok) return;
      expect(out.error.category).toBe('OUTCOME_UNKNOWN');
      expect(out.attempts).toBe(1);
      const again = await h.executor.execute(h.integration.name, 'send', sms);
      expect(again.ok).toBe(false);
      expect(sim.received(MESSAGES)).toHaveLength(1);

      await sim.idle();
      const settled = await h.executor.execute(h.integration.name, 'query', { reference: 'otp-1' });
      expect(settled.ok).toBe(true);
      const created = [...sim.messages.values()][0].resource;
      if (settled.ok) expect(settled.result).toMatchObject({ sid: created.sid, outcome: 'delivered', reference: 'otp-1' });
      expect(settled.ok && (settled.result as { candidates?: string[] }).candidates).toBeUndefined();
    });

    it('is OUTCOME_UNKNOWN; when the request stalled before Twilio processed it, query says no such message', async () => {
      await h.close();
      h = harness(twilio, sim.config, { clock, timeoutMs: 250 });
      sim.failNext({ kind: 'stall' }, 1, MESSAGES);
      const out = await h.executor.execute(h.integration.name, 'send', sms);
      expect(!out.ok && out.error.category).toBe('OUTCOME_UNKNOWN');
      const settled = await h.executor.execute(h.integration.name, 'query', { reference: 'otp-1' });
      expect(settled.ok).toBe(false);
      if (!settled.ok) {
        expect(settled.error.category).toBe('NOT_FOUND');
        expect(settled.error.message).toMatch(/did not process that request/);
      }
      expect(sim.messages.size).toBe(0);
    });

    it('does not take another message to the same number with a different body for it', async () => {
      await h.run('send', { ...sms, message: 'another message', reference: 'other' });
      await h.close();
      h = harness(twilio, sim.config, { clock, timeoutMs: 250 });
      sim.failNext({ kind: 'stall' }, 1, MESSAGES);
      await h.executor.execute(h.integration.name, 'send', sms);
      const settled = await h.executor.execute(h.integration.name, 'query', { reference: 'otp-1' });
      expect(!settled.ok && settled.error.category).toBe('NOT_FOUND');
    });
  });

  describe('status callbacks', () => {
    it('are signed so our twilio verifier accepts them, and parse to sms.sent then sms.delivered', async () => {
      const sent = await h.run('send', sms);
      await sim.idle();
      expect(hooks.received).toHaveLength(2);
      const verify = createVerifier({ ...sim.webhook, toleranceSeconds: 300, allowIps: [] });
      const ctx = { integration: h.integration.name, config: twilio.config.parse(h.integration.config) };
      const events = [];
      for (const r of hooks.received) {
        const req = inboundFrom(r, clock.now());
        expect(verify(req, { now: clock.now() })).toMatchObject({ ok: true });
        expect(twilio.webhook!.eventId!(req, ctx)).toMatch(new RegExp(`^${sent.sid}:(sent|delivered)$`));
        events.push(...(await twilio.webhook!.parse(req, ctx)));
      }
      expect(events.map((e) => e.type)).toEqual(['sms.sent', 'sms.delivered']);
      expect(events[1]).toMatchObject({ externalId: sent.sid, data: { sid: sent.sid, status: 'delivered', to: '+254711222333', from: sim.credentials.from, accountSid: sim.credentials.accountSid } });

      const tampered = inboundFrom({ ...hooks.received[1], body: hooks.received[1].body.replace('delivered', 'failed') }, clock.now());
      expect(verify(tampered, { now: clock.now() })).toMatchObject({ ok: false, reason: 'bad-signature', status: 403 });
      const otherToken = createVerifier({ scheme: 'twilio', secrets: ['another-token'], toleranceSeconds: 300, allowIps: [] });
      expect(otherToken(inboundFrom(hooks.received[1], clock.now()), { now: clock.now() }).ok).toBe(false);
    });

    it('parse undelivered as sms.failed with the error code, and an inbound message as sms.received', async () => {
      sim.queueOutcome({ status: 'undelivered', errorCode: 30005 });
      await h.run('send', sms);
      await sim.idle();
      const ctx = { integration: h.integration.name, config: twilio.config.parse(h.integration.config) };
      const [failed] = await twilio.webhook!.parse(inboundFrom(hooks.received[1], clock.now()), ctx);
      expect(failed).toMatchObject({ type: 'sms.failed', data: { status: 'undelivered', errorCode: '30005' } });

      const inboundSms = new URLSearchParams({ MessageSid: `SM${'a'.repeat(32)}`, SmsStatus: 'received', From: '+254711222333', To: sim.credentials.from, Body: 'STOP' });
      const [received] = await twilio.webhook!.parse(inbound(inboundSms.toString(), { headers: { 'content-type': 'application/x-www-form-urlencoded' } }), ctx);
      expect(received).toMatchObject({ type: 'sms.received', data: { body: 'STOP', from: '+254711222333' } });
      await expect(async () => twilio.webhook!.parse(inbound('Foo=bar'), ctx)).rejects.toThrow(/MessageSid/);
    });

    it('builds samples its own parser understands', async () => {
      const config = twilio.config.parse(h.integration.config);
      for (const type of twilio.webhook!.sampleEvents!) {
        const sample = twilio.webhook!.sample!(type, config);
        const [event] = await twilio.webhook!.parse(inbound(sample.body, { headers: sample.headers }), { integration: 'x', config });
        expect(event.type).toBe(type);
      }
    });
  });

  describe('health and selfTest', () => {
    it('is healthy for an active full account; selfTest reports the account and balance', async () => {
      expect(await twilio.health!(h.ctx() as never)).toMatchObject({ status: 'healthy', message: expect.stringMatching(/is active \(Full\)/) });
      expect(sim.received(`/2010-04-01/Accounts/${sim.credentials.accountSid}.json`)).toHaveLength(1);
      expect(await twilio.selfTest!(h.ctx() as never)).toMatch(/accepted the credentials: .*active.*balance 20 USD/);
    });

    it('is unhealthy with bad credentials or a suspended account, degraded on a trial account', async () => {
      const h2 = harness(twilio, { ...sim.config, authToken: 'wrong' }, { clock });
      try {
        expect(await twilio.health!(h2.ctx() as never)).toMatchObject({ status: 'unhealthy', message: expect.stringMatching(/AUTHENTICATION_FAILED/) });
      } finally {
        await h2.close();
      }
      for (const [options, status] of [[{ accountStatus: 'suspended' as const }, 'unhealthy'], [{ accountType: 'Trial' as const }, 'degraded']] as const) {
        const other = await startTwilioSimulator({ clock, ...options });
        const h3 = harness(twilio, other.config, { clock });
        try {
          expect((await twilio.health!(h3.ctx() as never)).status).toBe(status);
        } finally {
          await h3.close();
          await other.close();
        }
      }
    });
  });
});
