import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { IntegrationError } from '../../src/core/errors.js';
import { createVerifier } from '../../src/webhooks/verify/verify.js';
import africastalking from '../../adapters/africastalking/index.js';
import { startAfricasTalkingSimulator, type AfricasTalkingSimulator } from '../../adapters/africastalking/simulator.js';
import { harness, inbound, receiver, type Harness } from './payment-adapter-harness.js';

const webhook = africastalking.webhook!;
const config = africastalking.config.parse({ username: 'sandbox', apiKey: 'k' });
const ctx = { integration: 'sms', config };
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

const report = (fields: Record<string, string>) => inbound(new URLSearchParams(fields).toString(), { headers: FORM });

describe('africastalking webhook parsing', () => {
  it('parses a Success delivery report to sms.delivered', async () => {
    const req = report({ id: 'ATXid_1', status: 'Success', phoneNumber: '+254711082000', networkCode: '63902', retryCount: '0' });
    expect(await webhook.parse(req, ctx)).toEqual([
      {
        type: 'sms.delivered',
        externalId: 'ATXid_1',
        occurredAt: new Date(req.receivedAt).toISOString(),
        data: { messageId: 'ATXid_1', status: 'Success', final: true, phone: '+254711082000', networkCode: '63902', retryCount: 0 },
      },
    ]);
  });

  it('parses Failed and Rejected to sms.failed with the reason, and interim statuses to sms.sent', async () => {
    const [failed] = await webhook.parse(report({ id: 'ATXid_2', status: 'Failed', phoneNumber: '+254711082000', failureReason: 'UserInBlackList' }), ctx);
    expect(failed).toMatchObject({ type: 'sms.failed', data: { failureReason: 'UserInBlackList', final: true } });
    const [rejected] = await webhook.parse(report({ id: 'ATXid_3', status: 'Rejected', failureReason: 'InsufficientCredit' }), ctx);
    expect(rejected.type).toBe('sms.failed');
    const [buffered] = await webhook.parse(report({ id: 'ATXid_4', status: 'Buffered' }), ctx);
    expect(buffered).toMatchObject({ type: 'sms.sent', data: { final: false } });
  });

  it('gives each report of a message its own delivery id, so the final one is not taken for a duplicate', () => {
    expect(webhook.eventId!(report({ id: 'ATXid_5', status: 'Sent' }), ctx)).toBe('ATXid_5:Sent');
    expect(webhook.eventId!(report({ id: 'ATXid_5', status: 'Success' }), ctx)).toBe('ATXid_5:Success');
  });

  it('reads a JSON report too, and an incoming message as sms.received', async () => {
    const [json] = await webhook.parse(inbound(JSON.stringify({ id: 'ATXid_6', status: 'Success', phoneNumber: '+254711082000' })), ctx);
    expect(json.type).toBe('sms.delivered');
    const [incoming] = await webhook.parse(report({ from: '+254711082000', to: '21525', text: 'STOP', date: '2026-01-05T08:00:00Z', id: 'in-1' }), ctx);
    expect(incoming).toMatchObject({ type: 'sms.received', occurredAt: '2026-01-05T08:00:00.000Z', data: { from: '+254711082000', to: '21525', text: 'STOP' } });
  });

  it('rejects anything else as INVALID_REQUEST', async () => {
    for (const req of [report({ hello: 'world' }), inbound('not json')]) {
      const err = await Promise.resolve()
        .then(() => webhook.parse(req, ctx))
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IntegrationError);
      expect((err as IntegrationError).category).toBe('INVALID_REQUEST');
    }
  });

  it('builds samples that parse back to the event asked for', async () => {
    for (const type of webhook.sampleEvents!) {
      const s = webhook.sample!(type, config);
      const [event] = await webhook.parse(inbound(s.body, { headers: s.headers }), ctx);
      expect(event.type).toBe(type);
    }
    expect(() => webhook.sample!('payment.succeeded', config)).toThrow(/no sample/);
  });
});

describe('africastalking delivery reports from the simulator to a local receiver', () => {
  const TOKEN = 'dlr-token-55aa';
  let sim: AfricasTalkingSimulator;
  let h: Harness;
  let clock: ManualClock;
  let hooks: Awaited<ReturnType<typeof receiver>>;

  beforeEach(async () => {
    clock = new ManualClock();
    hooks = await receiver();
    sim = await startAfricasTalkingSimulator({ clock, callbackUrl: `${hooks.url}/sms/${TOKEN}`, callbackDelayMs: 4_000 });
    h = harness(africastalking, sim.config, { clock });
  });

  afterEach(async () => {
    await sim.close();
    await hooks.close();
    await h.close();
  });

  it('posts a form-encoded report per accepted message that verifies and parses to the right events', async () => {
    sim.queueDelivery({ status: 'Success' }, { status: 'Failed', failureReason: 'UserIsInactive' });
    const sent = await h.run('send', { to: ['+254711000001', '+254711000002'], message: 'Meeting at 3' });
    await sim.idle();
    expect(hooks.received).toHaveLength(2);

    const verify = createVerifier({ ...(webhook.verification as { scheme: string }), secrets: [TOKEN], toleranceSeconds: 300, allowIps: [] });
    const events = [];
    for (const r of hooks.received) {
      expect(r.headers['content-type']).toBe('application/x-www-form-urlencoded');
      const u = new URL(r.url, 'http://receiver');
      const req = inbound(r.body, { path: u.pathname, headers: FORM });
      expect(verify(req, { now: clock.now() })).toEqual({ ok: true });
      events.push(...(await webhook.parse(req, ctx)));
    }
    const byId = new Map(events.map((e) => [e.externalId, e]));
    const [first, second] = sent.recipients as { messageId: string }[];
    expect(byId.get(first.messageId)).toMatchObject({ type: 'sms.delivered', data: { phone: '+254711000001', final: true } });
    expect(byId.get(second.messageId)).toMatchObject({ type: 'sms.failed', data: { phone: '+254711000002', failureReason: 'UserIsInactive' } });
  });

  it('sends no report for a refused recipient', async () => {
    sim.blacklist('+254711000009');
    await h.run('send', { to: '+254711000009,+254711000008', message: 'x' });
    await sim.idle();
    expect(hooks.received).toHaveLength(1);
    expect(new URLSearchParams(hooks.received[0].body).get('phoneNumber')).toBe('+254711000008');
  });
});
