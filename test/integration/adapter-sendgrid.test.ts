import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { validateAdapterDefinition } from '../../src/core/adapter.js';
import { describeFields } from '../../src/core/fields.js';
import { createVerifier } from '../../src/webhooks/verify/verify.js';
import sendgrid from '../../adapters/sendgrid/index.js';
import { startSendgridSimulator, type SendgridSimulator } from '../../adapters/sendgrid/simulator.js';
import { harness, inbound, inboundFrom, type Harness, type Receiver } from './payment-adapter-harness.js';
import { onSimulatorWithReceiver } from './simulator-fixture.js';
import { failure } from './expect-failure.js';

const SEND = '/v3/mail/send';
const mail = { to: { email: 'amina@example.com', name: 'Amina' }, subject: 'Your receipt', text: 'Thanks for your order.', html: '<p>Thanks for your order.</p>', reference: 'rcpt-1' };

describe('sendgrid adapter declaration', () => {
  it('is a valid email adapter: API key secret, unsafe send, safe query, sendgrid webhook scheme', () => {
    expect(validateAdapterDefinition(sendgrid)).toEqual([]);
    expect(describeFields(sendgrid.config).filter((f) => f.secret).map((f) => f.path)).toEqual(['apiKey']);
    expect(sendgrid.baseUrls).toEqual({ production: 'https://api.sendgrid.com' });
    expect(Object.fromEntries(Object.entries(sendgrid.operations).map(([k, op]) => [k, op.retry]))).toEqual({ send: 'unsafe', query: 'safe' });
    expect(sendgrid.webhook?.verification).toEqual({ scheme: 'sendgrid' });
  });
});

describe('sendgrid adapter against its simulator', () => {
  let sim: SendgridSimulator;
  let h: Harness;
  let clock: ManualClock;
  let hooks: Receiver;

  beforeEach(async () => {
    const f = await onSimulatorWithReceiver(sendgrid, startSendgridSimulator, { timeoutMs: 2_000 });
    ({ sim, h, clock, hooks } = f);
    return f.close;
  });

  const parseCtx = () => ({ integration: h.integration.name, config: sendgrid.config.parse(h.integration.config) });

  describe('send', () => {
    it('posts v3 Mail Send with Bearer auth and returns the X-Message-Id', async () => {
      const out = await h.run('send', { ...mail, cc: 'ops@example.com', categories: ['receipts'], customArgs: { orderId: 'A-17' } });
      expect(out).toEqual({ messageId: [...sim.mails.keys()][0], status: 'accepted', reference: 'rcpt-1' });
      expect(out.messageId).toMatch(/^[A-Za-z0-9_-]{22}$/);
      const [req] = sim.received(SEND);
      expect(req.headers.authorization).toBe(`Bearer ${sim.credentials.apiKey}`);
      expect(req.headers.accept).toBe('application/json');
      expect(req.parsed).toEqual({
        personalizations: [{ to: [{ email: 'amina@example.com', name: 'Amina' }], cc: [{ email: 'ops@example.com' }], custom_args: { orderId: 'A-17', integrations_reference: 'rcpt-1' } }],
        from: { email: sim.credentials.from },
        subject: 'Your receipt',
        content: [
          { type: 'text/plain', value: mail.text },
          { type: 'text/html', value: mail.html },
        ],
        categories: ['receipts'],
      });
      // Every recipient's events carry the personalization's args, ours among them.
      await sim.idle();
      const events = hooks.received.flatMap((r) => JSON.parse(r.body) as Record<string, unknown>[]);
      expect(events.length).toBeGreaterThan(0);
      for (const e of events) expect(e).toMatchObject({ orderId: 'A-17', integrations_reference: 'rcpt-1' });
    });

    it('the simulator refuses an object as the top-level custom_args (a string in SendGrid\'s OpenAPI) and non-string personalization args, in SendGrid\'s 400 shape', async () => {
      const post = (body: unknown) =>
        fetch(`${sim.url}${SEND}`, { method: 'POST', headers: { authorization: `Bearer ${sim.credentials.apiKey}`, 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
      const base = { personalizations: [{ to: [{ email: 'a@example.com' }] }], from: { email: sim.credentials.from }, subject: 's', content: [{ type: 'text/plain', value: 'x' }] };
      const top = await post({ ...base, custom_args: { integrations_reference: 'r' } });
      expect(top.status).toBe(400);
      expect(await top.json()).toEqual({ errors: [{ field: 'custom_args', message: 'Invalid type. Expected: string, given: object.', help: expect.any(String) }] });
      const nested = await post({ ...base, personalizations: [{ to: [{ email: 'a@example.com' }], custom_args: { order: 17 } }] });
      expect(nested.status).toBe(400);
      expect(await nested.json()).toEqual({ errors: [{ field: 'personalizations.0.custom_args.order', message: 'Invalid type. Expected: string, given: integer.', help: expect.any(String) }] });
      expect((await post({ ...base, custom_args: 'batch-7', personalizations: [{ to: [{ email: 'a@example.com' }], custom_args: { order: '17' } }] })).status).toBe(202);
    });

    it('in sandbox mode sends the flag, gets 200 and no events', async () => {
      const h2 = harness(sendgrid, { ...sim.config, sandboxMode: true }, { clock });
      try {
        expect(await h2.run('send', mail)).toEqual({ status: 'sandbox', reference: 'rcpt-1' });
        expect(sim.received(SEND)[0].parsed).toMatchObject({ mail_settings: { sandbox_mode: { enable: true } } });
        await sim.idle();
        expect(hooks.received).toHaveLength(0);
      } finally {
        await h2.close();
      }
    });

    it('sends a dynamic template without subject or content', async () => {
      const out = await h.run('send', { to: ['a@example.com', 'b@example.com'], templateId: `d-${'a'.repeat(32)}`, dynamicTemplateData: { name: 'Amina' } });
      expect(out.status).toBe('accepted');
      expect(sim.received(SEND)[0].parsed).toMatchObject({ template_id: `d-${'a'.repeat(32)}`, personalizations: [{ dynamic_template_data: { name: 'Amina' } }] });
      expect(sim.mails.get(out.messageId!)!.rows).toHaveLength(2);
    });
  });

  describe('error mapping', () => {
    it('maps a bad key to AUTHENTICATION_FAILED with SendGrid’s message, and keeps the key out of it', async () => {
      const h2 = harness(sendgrid, { ...sim.config, apiKey: 'SG.wrong.key' }, { clock });
      try {
        const err = await failure(h2.run('send', mail));
        expect(err.category).toBe('AUTHENTICATION_FAILED');
        expect(err.provider).toEqual({ status: 401, message: 'The provided authorization grant is invalid, expired, or revoked' });
        expect(err.message).not.toContain('SG.wrong.key');
      } finally {
        await h2.close();
      }
    });

    it('maps an unverified sender (403 naming from) to INVALID_REQUEST with the field', async () => {
      const err = await failure(h.run('send', { ...mail, from: 'someone@elsewhere.example' }));
      expect(err.category).toBe('INVALID_REQUEST');
      expect(err.provider).toMatchObject({ status: 403, field: 'from' });
      expect(err.provider?.message).toMatch(/verified Sender Identity/);
    });

    it('maps a 400 to VALIDATION_FAILED with the first field and every problem as an issue', async () => {
      const invalid = {
        errors: [
          { field: 'personalizations.0.to.0.email', message: 'Does not contain a valid address.', help: null },
          { field: 'subject', message: 'The subject is required.', help: null },
        ],
      };
      sim.failNext({ kind: 'status', status: 400, body: invalid }, 1);
      const err = await failure(h.run('send', mail));
      expect(err.category).toBe('VALIDATION_FAILED');
      expect(err.provider).toMatchObject({ status: 400, field: 'personalizations.0.to.0.email' });
      expect(err.issues).toEqual(['personalizations.0.to.0.email: Does not contain a valid address.', 'subject: The subject is required.']);
    });

    it('maps a key without mail.send to AUTHENTICATION_FAILED (403 access forbidden)', async () => {
      const limited = await startSendgridSimulator({ clock, scopes: ['messages.read'] });
      const h2 = harness(sendgrid, limited.config, { clock });
      try {
        const err = await failure(h2.run('send', mail));
        expect(err.category).toBe('AUTHENTICATION_FAILED');
        expect(err.provider).toEqual({ status: 403, message: 'access forbidden' });
      } finally {
        await h2.close();
        await limited.close();
      }
    });

    it('maps 429 to RATE_LIMITED, waiting until X-RateLimit-Reset when no Retry-After is given; honours Retry-After when it is', async () => {
      const reset = Math.floor(clock.now() / 1000) + 30;
      sim.failNext({ kind: 'status', status: 429, body: { errors: [{ field: null, message: 'too many requests' }] }, headers: { 'x-ratelimit-reset': String(reset), 'x-ratelimit-remaining': '0' } }, 1);
      const err = await failure(h.run('send', mail));
      expect(err.category).toBe('RATE_LIMITED');
      expect(err.retryAfterMs).toBe(30_000);
      expect(err.details).toEqual({ rateLimitRemaining: 0 });

      sim.failNext({ kind: 'rate-limit', retryAfterSeconds: 2, body: { errors: [{ field: null, message: 'too many requests' }] } }, 1);
      const out = await h.executor.execute(h.integration.name, 'send', { ...mail, reference: 'rcpt-2' });
      expect(out.ok).toBe(true);
      expect(out.attempts).toBe(2);
      expect(clock.sleeps).toEqual([2_000]);
      expect(sim.mails.size).toBe(1);
    });

    it('maps a 500 to SERVER_ERROR; through the executor the unsafe send is OUTCOME_UNKNOWN and not re-sent', async () => {
      sim.failNext({ kind: 'status', status: 500, body: { errors: [{ field: null, message: 'internal error' }] } }, 2);
      expect((await failure(h.run('send', mail))).category).toBe('SERVER_ERROR');
      const out = await h.executor.execute(h.integration.name, 'send', mail);
      expect(!out.ok && out.error.category).toBe('OUTCOME_UNKNOWN');
      expect(out.attempts).toBe(1);
      expect(sim.received(SEND)).toHaveLength(2);
    });
  });

  describe('query (Email Activity API)', () => {
    it('reports a delivered mail by X-Message-Id and by reference', async () => {
      const sent = await h.run('send', mail);
      await sim.idle();
      const byId = await h.run('query', { messageId: sent.messageId });
      expect(byId).toMatchObject({ messageId: sent.messageId, status: 'delivered', outcome: 'delivered', recipients: [{ email: 'amina@example.com', status: 'delivered' }] });
      expect(sim.received('/v3/messages')[0].query).toEqual({ limit: '50', query: `msg_id LIKE '${sent.messageId}%'` });
      expect(await h.run('query', { reference: 'rcpt-1' })).toMatchObject({ messageId: sent.messageId, outcome: 'delivered', reference: 'rcpt-1' });
    });

    it('reports a bounce as failed, and an unknown message as NOT_FOUND', async () => {
      sim.queueOutcome({ event: 'bounce' });
      const sent = await h.run('send', mail);
      await sim.idle();
      expect(await h.run('query', { messageId: sent.messageId })).toMatchObject({ status: 'not_delivered', outcome: 'failed' });
      expect((await failure(h.run('query', { messageId: 'AAAAAAAAAAAAAAAAAAAAAA' }))).category).toBe('NOT_FOUND');
    });

    it('a send whose answer is lost is OUTCOME_UNKNOWN; query finds it by recipient and subject', async () => {
      await h.close();
      h = harness(sendgrid, sim.config, { clock, timeoutMs: 250 });
      sim.acceptThenStall(1);
      const out = await h.executor.execute(h.integration.name, 'send', mail);
      expect(!out.ok && out.error.category).toBe('OUTCOME_UNKNOWN');
      expect(out.attempts).toBe(1);
      expect((await h.executor.execute(h.integration.name, 'send', mail)).ok).toBe(false);
      expect(sim.received(SEND)).toHaveLength(1);

      await sim.idle();
      const settled = await h.executor.execute(h.integration.name, 'query', { reference: 'rcpt-1' });
      expect(settled.ok).toBe(true);
      if (settled.ok) expect(settled.result).toMatchObject({ messageId: [...sim.mails.keys()][0], outcome: 'delivered', reference: 'rcpt-1' });
      expect(sim.received('/v3/messages')[0].query.query).toBe('to_email="amina@example.com" AND subject="Your receipt"');
    });

    it('a send that stalled before SendGrid took it: query says SendGrid did not take it', async () => {
      await h.close();
      h = harness(sendgrid, sim.config, { clock, timeoutMs: 250 });
      sim.failNext({ kind: 'stall' }, 1, /mail\/send/);
      const out = await h.executor.execute(h.integration.name, 'send', mail);
      expect(!out.ok && out.error.category).toBe('OUTCOME_UNKNOWN');
      const settled = await h.executor.execute(h.integration.name, 'query', { reference: 'rcpt-1' });
      expect(!settled.ok && settled.error.category).toBe('NOT_FOUND');
      if (!settled.ok) expect(settled.error.message).toMatch(/did not take send "rcpt-1"/);
    });
  });

  describe('event webhook', () => {
    it('batches are ECDSA-signed so the sendgrid verifier accepts them, and parse to processed then delivered with our reference', async () => {
      const sent = await h.run('send', mail);
      await sim.idle();
      expect(hooks.received).toHaveLength(2);
      const verify = createVerifier({ ...sim.webhook, toleranceSeconds: 300, allowIps: [] });
      const events = [];
      for (const r of hooks.received) {
        const req = inboundFrom(r, clock.now());
        expect(verify(req, { now: clock.now() })).toEqual({ ok: true });
        events.push(...(await sendgrid.webhook!.parse(req, parseCtx())));
      }
      expect(events.map((e) => e.type)).toEqual(['email.processed', 'email.delivered']);
      expect(events[1]).toMatchObject({
        externalId: expect.stringMatching(new RegExp(`^${sent.messageId}\\.`)),
        occurredAt: new Date(clock.now()).toISOString(),
        data: { email: 'amina@example.com', event: 'delivered', messageId: sent.messageId, reference: 'rcpt-1', response: '250 2.0.0 OK' },
      });
      const delivered = JSON.parse(hooks.received[1].body) as { sg_event_id: string }[];
      expect(sendgrid.webhook!.eventId!(inboundFrom(hooks.received[1], clock.now()), parseCtx())).toBe(delivered[0].sg_event_id);

      const tampered = inboundFrom({ ...hooks.received[1], body: hooks.received[1].body.replace('delivered', 'bounce') }, clock.now());
      expect(verify(tampered, { now: clock.now() })).toMatchObject({ ok: false, reason: 'bad-signature' });
      expect(verify(inboundFrom(hooks.received[1], clock.now()), { now: clock.now() + 3_600_000 })).toMatchObject({ ok: false, reason: 'timestamp-out-of-tolerance' });
      const other = await startSendgridSimulator({ clock });
      try {
        const otherKey = createVerifier({ ...other.webhook, toleranceSeconds: 300, allowIps: [] });
        expect(otherKey(inboundFrom(hooks.received[1], clock.now()), { now: clock.now() })).toMatchObject({ ok: false, reason: 'bad-signature' });
      } finally {
        await other.close();
      }
    });

    it('parses a bounce with its reason, a batch id for several events, and refuses a body that is no array', async () => {
      sim.queueOutcome({ event: 'bounce', reason: '550 5.1.1 mailbox unavailable' });
      await h.run('send', { ...mail, to: ['a@example.com', 'b@example.com'] });
      await sim.idle();
      const req = inboundFrom(hooks.received[1], clock.now());
      const events = await sendgrid.webhook!.parse(req, parseCtx());
      expect(events.map((e) => [e.type, e.data.email, e.data.reason])).toEqual([
        ['email.bounced', 'a@example.com', '550 5.1.1 mailbox unavailable'],
        ['email.bounced', 'b@example.com', '550 5.1.1 mailbox unavailable'],
      ]);
      expect(sendgrid.webhook!.eventId!(req, parseCtx())).toMatch(/^batch:[0-9a-f]{32}$/);
      await expect(async () => sendgrid.webhook!.parse(inbound('{"event":"delivered"}'), parseCtx())).rejects.toThrow(/JSON array/);
    });

    it('builds samples its own parser understands', async () => {
      const config = sendgrid.config.parse(h.integration.config);
      for (const type of sendgrid.webhook!.sampleEvents!) {
        const sample = sendgrid.webhook!.sample!(type, config);
        const [event] = await sendgrid.webhook!.parse(inbound(sample.body, { headers: sample.headers }), { integration: 'x', config });
        expect(event.type).toBe(type);
      }
    });
  });

  describe('health and selfTest', () => {
    it('reads /v3/scopes: healthy with mail.send, unhealthy without it or with a bad key', async () => {
      expect(await sendgrid.health!(h.ctx() as never)).toEqual({ status: 'healthy', message: 'SendGrid API key valid with mail.send and messages.read' });
      expect(sim.received('/v3/scopes')).toHaveLength(1);
      expect(await sendgrid.selfTest!(h.ctx() as never)).toMatch(/accepted the API key \(3 scopes, mail\.send among them\); query can read email activity/);
      const readOnly = await startSendgridSimulator({ clock, scopes: ['messages.read'] });
      const h2 = harness(sendgrid, readOnly.config, { clock });
      const h3 = harness(sendgrid, { ...sim.config, apiKey: 'SG.bad' }, { clock });
      try {
        expect((await sendgrid.health!(h2.ctx() as never)).message).toMatch(/lacks the mail.send scope/);
        await expect(sendgrid.selfTest!(h2.ctx() as never)).rejects.toThrow(/lacks the mail.send scope/);
        expect(await sendgrid.health!(h3.ctx() as never)).toMatchObject({ status: 'unhealthy', message: expect.stringMatching(/AUTHENTICATION_FAILED/) });
      } finally {
        await h2.close();
        await h3.close();
        await readOnly.close();
      }
    });
  });
});
