import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { validateAdapterDefinition } from '../../src/core/adapter.js';
import { describeFields } from '../../src/core/fields.js';
import { createHttpClient } from '../../src/http/client.js';
import africastalking from '../../adapters/africastalking/index.js';
import { startAfricasTalkingSimulator, type AfricasTalkingSimulator } from '../../adapters/africastalking/simulator.js';
import { toE164 } from '../../src/core/adapter-kit/phone.js';
import { harness, type Harness } from './payment-adapter-harness.js';
import { onSimulator } from './simulator-fixture.js';
import { failure } from './expect-failure.js';

const SMS = '/version1/messaging';

describe('africastalking adapter declaration', () => {
  it('is a valid sms adapter with the apiKey secret and separate sandbox and live hosts', () => {
    expect(validateAdapterDefinition(africastalking)).toEqual([]);
    expect(describeFields(africastalking.config).filter((f) => f.secret).map((f) => f.path)).toEqual(['apiKey']);
    expect(africastalking.baseUrls).toEqual({ sandbox: 'https://api.sandbox.africastalking.com', production: 'https://api.africastalking.com' });
    expect(Object.fromEntries(Object.entries(africastalking.operations).map(([k, op]) => [k, op.retry]))).toEqual({ send: 'unsafe', query: 'safe', balance: 'safe' });
  });

  it('normalises numbers to E.164', () => {
    expect(toE164('0712 345 678')).toBe('+254712345678');
    expect(toE164('254112345678')).toBe('+254112345678');
    expect(toE164('+256 772 123456')).toBe('+256772123456');
    for (const bad of ['0812345678', '256772123456', '+0123', 'hello']) expect(toE164(bad)).toBeUndefined();
  });
});

describe('africastalking adapter against its simulator', () => {
  let sim: AfricasTalkingSimulator;
  let h: Harness;
  let clock: ManualClock;

  beforeEach(async () => {
    const f = await onSimulator(africastalking, (o) => startAfricasTalkingSimulator({ ...o, balance: 100 }));
    ({ sim, h, clock } = f);
    return f.close;
  });

  describe('send', () => {
    it('posts the form Africa’s Talking expects and returns each recipient’s id, status and cost', async () => {
      const out = await h.run('send', { to: ['0712345678', '+256772123456'], message: 'Your code is 4821', from: 'ACME' });
      expect(out.summary).toBe('Sent to 2/2 Total Cost: KES 1.6000');
      expect(out.recipients).toHaveLength(2);
      expect(out.recipients[0]).toMatchObject({ number: '+254712345678', status: 'Success', statusCode: 101, cost: 'KES 0.8000', accepted: true });
      expect(out.recipients[0].messageId).toMatch(/^ATXid_[0-9a-f]{32}$/);

      const [req] = sim.received(SMS);
      expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(req.headers.apikey).toBe(sim.credentials.apiKey);
      expect(req.headers.accept).toBe('application/json');
      expect(req.parsed).toEqual({ username: 'sandbox', to: '+254712345678,+256772123456', message: 'Your code is 4821', from: 'ACME', bulkSMSMode: '1' });
      expect(sim.balance).toBeCloseTo(98.4);
    });

    it('uses the configured senderId when the payload names none', async () => {
      const h2 = harness(africastalking, { ...sim.config, senderId: 'SCHOOL' }, { clock });
      try {
        await h2.run('send', { to: '0712345678', message: 'hi' });
        expect((sim.received(SMS)[0].parsed as Record<string, string>).from).toBe('SCHOOL');
      } finally {
        await h2.close();
      }
    });

    it('returns a partly refused batch with each recipient’s status', async () => {
      sim.blacklist('+254700000001');
      const out = await h.run('send', { to: '+254700000001,+254700000002', message: 'hello' });
      expect(out.recipients.map((r: { statusCode: number; accepted: boolean }) => [r.statusCode, r.accepted])).toEqual([
        [406, false],
        [101, true],
      ]);
      expect(out.recipients[0]).not.toHaveProperty('messageId');
    });

    it('refuses malformed numbers before any request', async () => {
      const out = await h.executor.execute(h.integration.name, 'send', { to: ['0712345678', '12345'], message: 'x' });
      expect(out.ok).toBe(false);
      if (!out.ok) {
        expect(out.error.category).toBe('VALIDATION_FAILED');
        expect(out.error.issues.join(' ')).toMatch(/"12345" is not a phone number/);
      }
      expect(sim.requests).toHaveLength(0);
    });
  });

  describe('error mapping', () => {
    it('maps a bad key (plain-text 401) to AUTHENTICATION_FAILED and keeps the key out of the error', async () => {
      const h2 = harness(africastalking, { ...sim.config, apiKey: 'atsk_wrong_key_123' }, { clock });
      try {
        const err = await failure(h2.run('send', { to: '0712345678', message: 'x' }));
        expect(err.category).toBe('AUTHENTICATION_FAILED');
        expect(err.provider).toEqual({ status: 401, message: 'The supplied authentication is invalid' });
        expect(JSON.stringify({ m: err.message, ...err.toJSON() })).not.toContain('atsk_wrong_key_123');
      } finally {
        await h2.close();
      }
    });

    it('maps a 400 naming a form field to VALIDATION_FAILED with that field', async () => {
      sim.failNext({ kind: 'status', status: 400, headers: { 'content-type': 'text/plain' }, body: "Request is missing required form field 'to'" });
      const err = await failure(h.run('send', { to: '0712345678', message: 'x' }));
      expect(err.category).toBe('VALIDATION_FAILED');
      expect(err.provider).toEqual({ status: 400, message: "Request is missing required form field 'to'", field: 'to' });
    });

    it('maps an unregistered sender ID to VALIDATION_FAILED on "from"', async () => {
      await sim.close();
      await h.close();
      sim = await startAfricasTalkingSimulator({ clock, senderIds: ['ACME'] });
      h = harness(africastalking, sim.config, { clock });
      const err = await failure(h.run('send', { to: '0712345678', message: 'x', from: 'OTHER' }));
      expect(err.category).toBe('VALIDATION_FAILED');
      expect(err.provider).toMatchObject({ field: 'from', message: 'InvalidSenderId' });
      expect((await h.run('send', { to: '0712345678', message: 'x', from: 'ACME' })).recipients[0].accepted).toBe(true);
    });

    it('maps every recipient refused to an error with Africa’s Talking’s status code', async () => {
      sim.setBalance(0.5);
      const err = await failure(h.run('send', { to: '0712345678', message: 'x' }));
      expect(err.category).toBe('INVALID_REQUEST');
      expect(err.provider).toEqual({ status: 201, code: '405', message: 'InsufficientBalance' });
      expect(err.requestSent).toBe(false);
    });

    it('maps 429 to RATE_LIMITED with Retry-After', async () => {
      sim.failNext({ kind: 'rate-limit', retryAfterSeconds: 30, body: 'Too many requests' });
      const err = await failure(h.run('send', { to: '0712345678', message: 'x' }));
      expect(err.category).toBe('RATE_LIMITED');
      expect(err.retryAfterMs).toBe(30_000);
      expect(err.provider).toMatchObject({ status: 429, message: 'Too many requests' });
    });

    it('maps a 500 to SERVER_ERROR, and an unsafe send through the executor to OUTCOME_UNKNOWN, never re-sent', async () => {
      sim.failNext({ kind: 'status', status: 500, headers: { 'content-type': 'text/plain' }, body: 'Internal Server Error' });
      const err = await failure(h.run('send', { to: '0712345678', message: 'x' }));
      expect(err).toMatchObject({ category: 'SERVER_ERROR', provider: { status: 500, message: 'Internal Server Error' } });

      sim.failNext({ kind: 'status', status: 502, body: 'Bad Gateway' });
      const out = await h.executor.execute(h.integration.name, 'send', { to: '0712345678', message: 'y' });
      expect(out.ok).toBe(false);
      if (!out.ok) expect(out.error.category).toBe('OUTCOME_UNKNOWN');
      expect(sim.received(SMS)).toHaveLength(2);
    });

    it('a send timing out is OUTCOME_UNKNOWN, and query reports the outcome unknown rather than guessing', async () => {
      await h.close();
      h = harness(africastalking, sim.config, { clock, timeoutMs: 300 });
      sim.failNext({ kind: 'stall' }, 1, /messaging/);
      const payload = { to: '0712345678', message: 'Exam results are out' };
      const out = await h.executor.execute(h.integration.name, 'send', payload);
      expect(out.ok).toBe(false);
      if (!out.ok) expect(out.error.category).toBe('OUTCOME_UNKNOWN');
      expect(out.attempts).toBe(1);
      expect(sim.received(SMS)).toHaveLength(1);

      const q = await h.executor.execute(h.integration.name, 'query', payload);
      expect(q.ok && q.result).toMatchObject({ status: 'unknown', messages: [], note: expect.stringMatching(/got no answer/) });
    });
  });

  describe('query', () => {
    it('answers from what the send was told, by messageId or by the send payload', async () => {
      const sent = await h.run('send', { to: '+254711000222', message: 'Fees due Friday' });
      const id = sent.recipients[0].messageId;
      const byId = await h.run('query', { messageId: id });
      expect(byId).toMatchObject({ status: 'submitted', messages: [{ messageId: id, number: '+254711000222', statusCode: 101, cost: 'KES 0.8000', sentAt: new Date(clock.now()).toISOString() }] });
      const byPayload = await h.run('query', { to: '0711000222', message: 'Fees due Friday' });
      expect(byPayload.messages.map((m: { messageId: string }) => m.messageId)).toEqual([id]);
      expect((await h.run('query', { messageId: 'ATXid_unknown' })).status).toBe('unknown');
      // No HTTP: Africa's Talking has no per-message status API.
      expect(sim.requests.filter((r) => r.method === 'GET')).toHaveLength(0);
    });

    it('reports failed when every recipient was refused', async () => {
      sim.blacklist('+254711000333');
      await failure(h.run('send', { to: '+254711000333', message: 'x' }));
      expect((await h.run('query', { to: '+254711000333', message: 'x' })).status).toBe('failed');
    });
  });

  describe('balance, health and selfTest', () => {
    it('reads the balance from the user endpoint', async () => {
      expect(await h.run('balance', {})).toEqual({ balance: 'KES 100.00', currency: 'KES', amount: 100 });
      const [req] = sim.received('/version1/user');
      expect(req.query).toEqual({ username: 'sandbox' });
      expect(req.headers.apikey).toBe(sim.credentials.apiKey);
    });

    it('accepts the lower-case userData spelling', async () => {
      sim.failNext({ kind: 'status', status: 200, body: { userData: { balance: 'UGX 5000.00' } } });
      expect(await h.run('balance', {})).toEqual({ balance: 'UGX 5000.00', currency: 'UGX', amount: 5000 });
    });

    it('answers XML unless JSON is asked for (why the adapter always sends Accept)', async () => {
      const raw = await createHttpClient({ baseUrl: sim.url }).request({ path: '/version1/user', query: { username: 'sandbox' }, headers: { apikey: sim.credentials.apiKey } });
      expect(raw.headers['content-type']).toBe('application/xml');
      expect(raw.text()).toContain('<balance>KES 100.00</balance>');
    });

    it('is healthy with credit, degraded when empty, unhealthy with a bad key', async () => {
      expect(await africastalking.health!(h.ctx() as never)).toEqual({ status: 'healthy', message: 'balance KES 100.00' });
      expect(await africastalking.selfTest!(h.ctx() as never)).toMatch(/accepted the API key for user "sandbox"; balance KES 100.00/);
      sim.setBalance(0);
      expect((await africastalking.health!(h.ctx() as never)).status).toBe('degraded');
      const h2 = harness(africastalking, { ...sim.config, apiKey: 'nope' }, { clock });
      try {
        expect(await africastalking.health!(h2.ctx() as never)).toMatchObject({ status: 'unhealthy', message: expect.stringMatching(/^AUTHENTICATION_FAILED/) });
      } finally {
        await h2.close();
      }
    });
  });
});
