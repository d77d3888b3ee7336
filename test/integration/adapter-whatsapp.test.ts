import { createServer } from 'node:http';
import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { validateAdapterDefinition } from '../../src/core/adapter.js';
import { describeFields } from '../../src/core/fields.js';
import { createVerifier } from '../../src/webhooks/verify/verify.js';
import { metaHandshake } from '../../src/daemon/handshake.js';
import whatsapp from '../../adapters/whatsapp/index.js';
import { startWhatsappSimulator, type WhatsappSimulator } from '../../adapters/whatsapp/simulator.js';
import { harness, inbound, inboundFrom, type Harness, type Receiver } from './payment-adapter-harness.js';
import { onSimulatorWithReceiver } from './simulator-fixture.js';
import { failure } from './expect-failure.js';

const SEND = /\/messages$/;
const text = { to: '+254 711 222 333', text: 'Your order has shipped', reference: 'ord-9' };

describe('whatsapp adapter declaration', () => {
  it('is a valid messaging adapter: token secret, unsafe send, safe query, meta webhook scheme', () => {
    expect(validateAdapterDefinition(whatsapp)).toEqual([]);
    expect(describeFields(whatsapp.config).filter((f) => f.secret).map((f) => f.path)).toEqual(['accessToken']);
    expect(whatsapp.baseUrls).toEqual({ production: 'https://graph.facebook.com' });
    expect(Object.fromEntries(Object.entries(whatsapp.operations).map(([k, op]) => [k, op.retry]))).toEqual({ send: 'unsafe', query: 'safe' });
    expect(whatsapp.webhook?.verification).toEqual({ scheme: 'meta' });
  });
});

describe('whatsapp adapter against its simulator', () => {
  let sim: WhatsappSimulator;
  let h: Harness;
  let clock: ManualClock;
  let hooks: Receiver;

  beforeEach(async () => {
    const f = await onSimulatorWithReceiver(whatsapp, startWhatsappSimulator, { timeoutMs: 2_000 });
    ({ sim, h, clock, hooks } = f);
    return f.close;
  });

  const parseCtx = () => ({ integration: h.integration.name, config: whatsapp.config.parse(h.integration.config) });

  describe('send', () => {
    it('posts a text message as the Cloud API expects and returns the wamid', async () => {
      const out = await h.run('send', text);
      expect(out).toMatchObject({ to: '254711222333', waId: '254711222333', status: 'accepted', reference: 'ord-9' });
      expect(out.messageId).toMatch(/^wamid\.[A-Za-z0-9+/=]{20,}$/);
      const [req] = sim.received(SEND);
      expect(req.path).toBe(`/v21.0/${sim.credentials.phoneNumberId}/messages`);
      expect(req.headers.authorization).toBe(`Bearer ${sim.credentials.accessToken}`);
      expect(req.parsed).toEqual({ messaging_product: 'whatsapp', recipient_type: 'individual', to: '254711222333', type: 'text', text: { body: text.text, preview_url: false } });
    });

    it('sends an approved template, as a reply, with its components', async () => {
      const components = [{ type: 'body', parameters: [{ type: 'text', text: 'A-17' }] }];
      const out = await h.run('send', { to: '254711222333', template: { name: 'order_update', language: 'sw', components }, replyTo: 'wamid.HBgLMjU0NzExMjIyMzMz' });
      expect(out.status).toBe('accepted');
      expect(sim.received(SEND)[0].parsed).toMatchObject({ type: 'template', template: { name: 'order_update', language: { code: 'sw' }, components }, context: { message_id: 'wamid.HBgLMjU0NzExMjIyMzMz' } });
    });

    it('refuses text and template together, or neither, before any request', async () => {
      for (const payload of [{ to: '254711222333' }, { ...text, template: { name: 'hello_world' } }]) {
        const out = await h.executor.execute(h.integration.name, 'send', payload);
        expect(!out.ok && out.error.category).toBe('VALIDATION_FAILED');
      }
      expect(sim.requests).toHaveLength(0);
    });
  });

  describe('query', () => {
    it('answers from the send record, by reference or wamid, without a request (the API has no message lookup)', async () => {
      const sent = await h.run('send', text);
      const before = sim.requests.length;
      const byReference = await h.run('query', { reference: 'ord-9' });
      expect(byReference).toMatchObject({ status: 'accepted', messageId: sent.messageId, to: '254711222333', source: 'local-record', sentAt: new Date(clock.now()).toISOString() });
      expect(await h.run('query', { messageId: sent.messageId })).toEqual(byReference);
      expect(sim.requests).toHaveLength(before);
      const err = await failure(h.run('query', { reference: 'never' }));
      expect(err.category).toBe('NOT_FOUND');
      expect(err.requestSent).toBe(false);
    });
  });

  describe('error mapping', () => {
    it('maps a bad or revoked token to AUTHENTICATION_FAILED with Graph code 190', async () => {
      const h2 = harness(whatsapp, { ...sim.config, accessToken: 'EAAGwrong' }, { clock });
      try {
        const err = await failure(h2.run('send', text));
        expect(err.category).toBe('AUTHENTICATION_FAILED');
        expect(err.provider).toMatchObject({ status: 401, code: '190', message: 'Invalid OAuth access token - Cannot parse access token' });
        expect(err.message).not.toContain('EAAGwrong');
      } finally {
        await h2.close();
      }
      sim.revokeToken();
      expect((await failure(h.run('send', text))).details).toMatchObject({ subcode: '460', type: 'OAuthException' });
    });

    it('maps an unknown template to VALIDATION_FAILED naming the template, keeping Graph’s details', async () => {
      const err = await failure(h.run('send', { to: '254711222333', template: { name: 'no_such_template' } }));
      expect(err.category).toBe('VALIDATION_FAILED');
      expect(err.provider).toMatchObject({ code: '132001', field: 'template', message: '(#132001) Template name does not exist in the translation' });
      expect(err.details).toMatchObject({ errorDetails: 'template name (no_such_template) does not exist in en_US' });
      expect(err.details?.fbtraceId).toMatch(/^A/);
    });

    it('maps a phone number id Graph does not know to NOT_FOUND (#100 subcode 33)', async () => {
      const h2 = harness(whatsapp, { ...sim.config, phoneNumberId: '123456789012345' }, { clock });
      try {
        const err = await failure(h2.run('send', text));
        expect(err.category).toBe('NOT_FOUND');
        expect(err.provider).toMatchObject({ status: 400, code: '100' });
      } finally {
        await h2.close();
      }
    });

    it('maps a parameter error to VALIDATION_FAILED with the Graph param as the field', async () => {
      const tooLong = { error: { message: "(#100) Param text['body'] must be at most 4096 characters long.", type: 'OAuthException', code: 100, fbtrace_id: 'AbC' } };
      sim.failNext({ kind: 'status', status: 400, body: tooLong }, 1, SEND);
      const err = await failure(h.run('send', text));
      expect(err.category).toBe('VALIDATION_FAILED');
      expect(err.provider).toMatchObject({ code: '100', field: 'text.body' });
    });

    it('maps the pair rate limit (131056, HTTP 400) to RATE_LIMITED', async () => {
      await sim.close();
      sim = await startWhatsappSimulator({ clock, callbackUrl: hooks.url, pairRateLimit: true });
      await h.close();
      h = harness(whatsapp, sim.config, { clock });
      await h.run('send', text);
      const err = await failure(h.run('send', { ...text, reference: 'ord-10' }));
      expect(err.category).toBe('RATE_LIMITED');
      expect(err.provider).toMatchObject({ status: 400, code: '131056' });
      clock.advance(6_000);
      expect((await h.run('send', { ...text, reference: 'ord-11' })).status).toBe('accepted');
    });

    it('honours Retry-After on a 429: the executor waits, then the send goes once', async () => {
      const throttled = { error: { message: '(#130429) Rate limit hit', type: 'OAuthException', code: 130429, fbtrace_id: 'Ax' } };
      sim.failNext({ kind: 'rate-limit', retryAfterSeconds: 4, body: throttled }, 1, SEND);
      const out = await h.executor.execute(h.integration.name, 'send', text);
      expect(out.ok).toBe(true);
      expect(out.attempts).toBe(2);
      expect(clock.sleeps).toEqual([4_000]);
      expect(sim.messages.size).toBe(1);
    });

    it('maps a 500 to SERVER_ERROR, which the executor turns into OUTCOME_UNKNOWN for the unsafe send', async () => {
      const boom = { error: { message: '(#131000) Something went wrong', type: 'OAuthException', code: 131000, fbtrace_id: 'Ay' } };
      sim.failNext({ kind: 'status', status: 500, body: boom }, 2, SEND);
      expect((await failure(h.run('send', text))).category).toBe('SERVER_ERROR');
      const out = await h.executor.execute(h.integration.name, 'send', text);
      expect(!out.ok && out.error.category).toBe('OUTCOME_UNKNOWN');
      expect(out.attempts).toBe(1);
    });
  });

  it('a send whose answer is lost is OUTCOME_UNKNOWN, never re-sent; query says unknown and the status webhooks name the wamid', async () => {
    await h.close();
    h = harness(whatsapp, sim.config, { clock, timeoutMs: 250 });
    sim.acceptThenStall(1);
    const out = await h.executor.execute(h.integration.name, 'send', text);
    expect(!out.ok && out.error.category).toBe('OUTCOME_UNKNOWN');
    expect(out.attempts).toBe(1);
    const again = await h.executor.execute(h.integration.name, 'send', text);
    expect(again.ok).toBe(false);
    expect(sim.received(SEND)).toHaveLength(1);

    const q = await h.executor.execute(h.integration.name, 'query', { reference: 'ord-9' });
    expect(q.ok && q.result).toMatchObject({ status: 'unknown', reference: 'ord-9', to: '254711222333', source: 'local-record' });
    expect(q.ok && (q.result as { messageId?: string }).messageId).toBeUndefined();

    await sim.idle();
    const [first] = await whatsapp.webhook!.parse(inboundFrom(hooks.received[0], clock.now()), parseCtx());
    expect(first).toMatchObject({ type: 'message.sent', externalId: [...sim.messages.keys()][0], data: { recipientId: '254711222333' } });
  });

  describe('webhooks', () => {
    it('are signed with the app secret so the meta verifier accepts them, and parse to sent, delivered, read', async () => {
      const sent = await h.run('send', text);
      await sim.idle();
      expect(hooks.received).toHaveLength(3);
      const verify = createVerifier({ scheme: sim.webhook.scheme, secrets: sim.webhook.secrets, toleranceSeconds: 300, allowIps: [] });
      const events = [];
      for (const r of hooks.received) {
        const req = inboundFrom(r, clock.now());
        expect(verify(req, { now: clock.now() })).toMatchObject({ ok: true });
        events.push(...(await whatsapp.webhook!.parse(req, parseCtx())));
      }
      expect(events.map((e) => e.type)).toEqual(['message.sent', 'message.delivered', 'message.read']);
      expect(events[0]).toMatchObject({ externalId: sent.messageId, occurredAt: new Date(clock.now()).toISOString(), data: { phoneNumberId: sim.credentials.phoneNumberId, pricingCategory: 'service', billable: true } });
      expect(whatsapp.webhook!.eventId!(inboundFrom(hooks.received[1], clock.now()), parseCtx())).toBe(`${sent.messageId}:delivered`);

      const tampered = inboundFrom({ ...hooks.received[1], body: hooks.received[1].body.replace('delivered', 'read') }, clock.now());
      expect(verify(tampered, { now: clock.now() })).toMatchObject({ ok: false, reason: 'bad-signature' });
    });

    it('parse a failed delivery with its errors, and an inbound message with the sender’s profile name', async () => {
      sim.queueFailure({ code: 131026, title: 'Message undeliverable' });
      await h.run('send', text);
      await sim.idle();
      expect(hooks.received).toHaveLength(1);
      const [failed] = await whatsapp.webhook!.parse(inboundFrom(hooks.received[0], clock.now()), parseCtx());
      expect(failed).toMatchObject({ type: 'message.failed', data: { status: 'failed', errors: [{ code: 131026, title: 'Message undeliverable' }] } });

      const id = await sim.inbound('254722000111', 'Where is my order?', 'Wanjiku');
      const [received] = await whatsapp.webhook!.parse(inboundFrom(hooks.received[1], clock.now()), parseCtx());
      expect(received).toEqual({
        type: 'message.received',
        externalId: id,
        occurredAt: new Date(clock.now()).toISOString(),
        data: { messageId: id, from: '254722000111', type: 'text', text: 'Where is my order?', profileName: 'Wanjiku', phoneNumberId: sim.credentials.phoneNumberId },
      });
      await expect(async () => whatsapp.webhook!.parse(inbound('{"object":"page"}'), parseCtx())).rejects.toThrow(/whatsapp_business_account/);
      expect(await whatsapp.webhook!.parse(inbound('{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"account_update","value":{}}]}]}'), parseCtx())).toEqual([]);
    });

    it('the subscription handshake passes with the verify token and fails with another', async () => {
      const server = createServer((req, res) => {
        const result = metaHandshake(Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams), sim.webhook.verifyToken);
        res.writeHead(result.ok ? 200 : result.status, { 'content-type': 'text/plain' });
        res.end(result.ok ? result.challenge : '');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const other = await startWhatsappSimulator({ clock, callbackUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}/webhooks/wa` });
      try {
        expect(await other.verifyCallback(sim.webhook.verifyToken)).toBe(true);
        expect(await other.verifyCallback('not-the-token')).toBe(false);
      } finally {
        await other.close();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });

    it('builds samples its own parser understands', async () => {
      const config = whatsapp.config.parse(h.integration.config);
      for (const type of whatsapp.webhook!.sampleEvents!) {
        const sample = whatsapp.webhook!.sample!(type, config);
        const [event] = await whatsapp.webhook!.parse(inbound(sample.body, { headers: sample.headers }), { integration: 'x', config });
        expect(event.type).toBe(type);
      }
    });
  });

  describe('health and selfTest', () => {
    it('reads the phone number: healthy on GREEN, degraded on RED, unhealthy with a bad token', async () => {
      expect(await whatsapp.health!(h.ctx() as never)).toMatchObject({ status: 'healthy', message: expect.stringMatching(/quality GREEN/) });
      expect(sim.received(`/v21.0/${sim.credentials.phoneNumberId}`)[0].query).toEqual({ fields: 'display_phone_number,verified_name,quality_rating' });
      expect(await whatsapp.selfTest!(h.ctx() as never)).toMatch(/accepted the access token for number \+1 555-000-1234 \(Simulated Business\)/);
      const red = await startWhatsappSimulator({ clock, qualityRating: 'RED' });
      const h2 = harness(whatsapp, red.config, { clock });
      const h3 = harness(whatsapp, { ...sim.config, accessToken: 'EAAGbad' }, { clock });
      try {
        expect((await whatsapp.health!(h2.ctx() as never)).status).toBe('degraded');
        expect(await whatsapp.health!(h3.ctx() as never)).toMatchObject({ status: 'unhealthy', message: expect.stringMatching(/AUTHENTICATION_FAILED/) });
      } finally {
        await h2.close();
        await h3.close();
        await red.close();
      }
    });
  });
});
