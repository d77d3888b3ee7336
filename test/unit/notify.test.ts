import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineAdapter, defineOperation, type AdapterKind } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import { notify, type NotifyAttempt } from '../../src/core/notify.js';
import { channelNamesFrom } from '../../src/core/notify-channels.js';
import { createStoreGuard } from '../../src/core/policies/guard.js';
import { UsageError } from '../../src/core/usage-error.js';
import { makeEngine, type Engine, type IntegrationSpec, type Step } from './executor-fixture.js';

/**
 * Channel doubles of the three notification kinds. Their send inputs are
 * strict, so a payload with the wrong field names fails validation instead of
 * passing unnoticed.
 */
function channelAdapter(name: string, kind: AdapterKind, input: z.ZodType) {
  const sent: { input: unknown; idempotencyKey: string }[] = [];
  const script: Step[] = [];
  const noop = defineOperation({ description: 'unused', input: z.object({}), output: z.unknown(), retry: 'safe', run: async () => ({}) });
  const adapter = defineAdapter({
    name,
    kind,
    description: `${kind} channel double`,
    config: z.object({}),
    operations: {
      send: defineOperation({
        description: 'send',
        input,
        output: z.object({ id: z.string() }),
        retry: 'unsafe',
        async run(ctx, payload) {
          sent.push({ input: payload, idempotencyKey: ctx.idempotencyKey });
          const step = script.shift() ?? { value: { id: `${name}-${sent.length}` } };
          if (step instanceof Error) throw step;
          return step.value as { id: string };
        },
      }),
      ...(kind === 'email' ? {} : { query: noop }),
      ...(kind === 'sms' ? { balance: noop } : {}),
    },
  });
  return { adapter, sent, fail: (...steps: Step[]) => script.push(...steps) };
}

const refused = () => new IntegrationError('NETWORK_ERROR', 'connect ECONNREFUSED 127.0.0.1:9', { requestSent: false });
const rejected = () => new IntegrationError('INVALID_REQUEST', 'number blacklisted', { provider: { status: 400 } });
const serverError = () => new IntegrationError('SERVER_ERROR', 'upstream 502', { provider: { status: 502 } });

const once = { retry: { maxAttempts: 1, baseDelayMs: 100, maxDelayMs: 1_000 } };

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

async function setup(integrations: Record<string, IntegrationSpec> = {}) {
  const wa = channelAdapter('fake-whatsapp', 'messaging', z.strictObject({ to: z.string(), text: z.string() }));
  const sms = channelAdapter('fake-sms', 'sms', z.strictObject({ to: z.string(), message: z.string() }));
  const mail = channelAdapter('fake-email', 'email', z.strictObject({ to: z.email(), subject: z.string().min(1), text: z.string() }));
  engine = await makeEngine({
    adapters: [wa.adapter, sms.adapter, mail.adapter],
    integrations: {
      wa: { adapter: 'fake-whatsapp', ...once },
      sms: { adapter: 'fake-sms', ...once },
      mail: { adapter: 'fake-email', ...once },
      ...integrations,
    },
  });
  return { engine, wa, sms, mail };
}

const summary = (attempts: NotifyAttempt[]) => attempts.map((a) => [a.channel, a.ok, a.category ?? null]);

describe('notify', () => {
  it('falls through the channels in order and stops at the first that delivers', async () => {
    const { engine, wa, sms, mail } = await setup();
    wa.fail(refused());
    sms.fail(rejected());
    const result = await notify(engine, { channels: ['wa', 'sms', 'mail'], to: ['+254712345678', 'amina@example.com'], message: 'Your order shipped\nTrack it online' });

    expect(result.delivered).toBe(true);
    expect(result.channel).toBe('mail');
    expect(summary(result.attempts)).toEqual([
      ['wa', false, 'NETWORK_ERROR'],
      ['sms', false, 'INVALID_REQUEST'],
      ['mail', true, null],
    ]);
    // Each kind got its own payload shape and the recipient of its form.
    expect(wa.sent.map((s) => s.input)).toEqual([{ to: '+254712345678', text: 'Your order shipped\nTrack it online' }]);
    expect(sms.sent.map((s) => s.input)).toEqual([{ to: '+254712345678', message: 'Your order shipped\nTrack it online' }]);
    expect(mail.sent.map((s) => s.input)).toEqual([{ to: 'amina@example.com', subject: 'Your order shipped', text: 'Your order shipped\nTrack it online' }]);
    // Every attempt is an operation log row, in order.
    const rows = await Promise.all(result.attempts.map((a) => engine.store.logs.get(a.logId as number)));
    expect(rows.map((r) => [r?.integration, r?.operation, r?.status])).toEqual([
      ['wa', 'send', 'failed'],
      ['sms', 'send', 'failed'],
      ['mail', 'send', 'ok'],
    ]);
  });

  it('stops at the first success and leaves later channels untouched', async () => {
    const { engine, wa, sms, mail } = await setup();
    const result = await notify(engine, { channels: ['sms', 'wa', 'mail'], to: '+254712345678', message: 'hi', subject: 'ignored on sms' });
    expect(result).toMatchObject({ delivered: true, channel: 'sms' });
    expect(summary(result.attempts)).toEqual([['sms', true, null]]);
    expect(wa.sent).toHaveLength(0);
    expect(mail.sent).toHaveLength(0);
  });

  it('reports every attempt when all channels fail', async () => {
    const { engine, wa, sms, mail } = await setup();
    wa.fail(refused());
    sms.fail(serverError());
    mail.fail(rejected());
    const seen: string[] = [];
    const result = await notify(engine, {
      channels: ['wa', 'sms', 'mail'],
      to: ['+254712345678', 'amina@example.com'],
      message: 'hi',
      onAttempt: (a) => seen.push(a.channel),
    });
    expect(result.delivered).toBe(false);
    expect(result.channel).toBeUndefined();
    // A 5xx after an unsafe send is an unknown outcome, and the next channel is still tried.
    expect(summary(result.attempts)).toEqual([
      ['wa', false, 'NETWORK_ERROR'],
      ['sms', false, 'OUTCOME_UNKNOWN'],
      ['mail', false, 'INVALID_REQUEST'],
    ]);
    expect(result.attempts.every((a) => typeof a.logId === 'number' && a.message)).toBe(true);
    expect(seen).toEqual(['wa', 'sms', 'mail']);
  });

  it('a channel with no recipient of its form is a failed attempt that sends nothing', async () => {
    const { engine, mail, sms } = await setup();
    const result = await notify(engine, { channels: ['mail', 'sms'], to: '+254712345678', message: 'hi' });
    expect(summary(result.attempts)).toEqual([
      ['mail', false, 'VALIDATION_FAILED'],
      ['sms', true, null],
    ]);
    expect(result.attempts[0].logId).toBeNull();
    expect(mail.sent).toHaveLength(0);
  });

  it('moves past a disabled integration and an open circuit', async () => {
    const { engine, wa, sms, mail } = await setup({
      wa: { adapter: 'fake-whatsapp', ...once, circuit: { consecutiveFailures: 1, windowMs: 60_000, minimumCalls: 1, cooldownMs: 60_000 } },
      sms: { adapter: 'fake-sms', ...once, enabled: false },
    });
    const guarded = engine.another({ guard: createStoreGuard({ store: engine.store, clock: engine.clock, owner: 'other-process' }) });
    const engineWithGuard = { ...engine, executor: guarded };
    wa.fail(refused());
    const first = await notify(engineWithGuard, { channels: ['wa', 'sms', 'mail'], to: ['+254712345678', 'a@example.com'], message: 'one' });
    expect(summary(first.attempts)).toEqual([
      ['wa', false, 'NETWORK_ERROR'],
      ['sms', false, 'INTEGRATION_DISABLED'],
      ['mail', true, null],
    ]);

    const second = await notify(engineWithGuard, { channels: ['wa', 'mail'], to: ['+254712345678', 'a@example.com'], message: 'two' });
    expect(summary(second.attempts)).toEqual([
      ['wa', false, 'CIRCUIT_OPEN'],
      ['mail', true, null],
    ]);
    expect(wa.sent).toHaveLength(1);
    expect(sms.sent).toHaveLength(0);
    expect(mail.sent).toHaveLength(2);
  });

  it('a repeated notify with the same key sends nothing again', async () => {
    const { engine, wa, sms } = await setup();
    wa.fail(refused(), refused());
    const request = { channels: ['wa', 'sms'], to: '+254712345678', message: 'code 4411', idempotencyKey: 'otp-42' };
    const first = await notify(engine, request);
    const again = await notify(engine, request);
    expect(first).toMatchObject({ delivered: true, channel: 'sms' });
    expect(again).toMatchObject({ delivered: true, channel: 'sms' });
    expect(again.attempts[1]).toMatchObject({ channel: 'sms', ok: true, replayed: true });
    // The refused channel (nothing left) is tried again; the delivered one is not resent.
    expect(wa.sent).toHaveLength(2);
    expect(sms.sent).toHaveLength(1);
    expect(sms.sent[0].idempotencyKey).toBe('otp-42:sms');
    expect(wa.sent[0].idempotencyKey).toBe('otp-42:wa');
  });

  it('refuses unknown, non-notification and repeated channels before sending anything', async () => {
    const { engine, sms } = await setup({ pay: { adapter: 'mock' } });
    await expect(notify(engine, { channels: ['sms', 'nope'], to: '+254712345678', message: 'hi' })).rejects.toThrow(UsageError);
    await expect(notify(engine, { channels: ['sms', 'pay'], to: '+254712345678', message: 'hi' })).rejects.toThrow(/payment integration/);
    await expect(notify(engine, { channels: ['sms', 'sms'], to: '+254712345678', message: 'hi' })).rejects.toThrow(/listed twice/);
    await expect(notify(engine, { channels: [], to: '+254712345678', message: 'hi' })).rejects.toThrow(UsageError);
    expect(sms.sent).toHaveLength(0);
  });
});

describe('a channel waiting on an unset variable', () => {
  it('named: CONFIG_INVALID naming the variable, before anything is sent on the channels beside it', async () => {
    const { engine, sms } = await setup();
    engine.config.unresolved.wa = {
      name: 'wa',
      adapter: 'fake-whatsapp',
      enabled: true,
      sensitive: [],
      missing: ['WA_TOKEN'],
      problems: [{ path: 'integrations.wa.config.token', message: 'environment variable WA_TOKEN is not set' }],
    };
    delete engine.config.integrations.wa;
    const err = await notify(engine, { channels: ['sms', 'wa'], to: '+254712345678', message: 'hi' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ category: 'CONFIG_INVALID', message: expect.stringContaining('WA_TOKEN is not set') });
    expect(sms.sent).toHaveLength(0);
  });

  it('an unresolved integration named like a kind is still that integration, not another of its kind', async () => {
    const { engine } = await setup({ 'sms-b': { adapter: 'fake-sms' } });
    engine.config.unresolved.sms = { name: 'sms', adapter: 'fake-sms', enabled: true, sensitive: [], missing: ['SMS_KEY'], problems: [] };
    delete engine.config.integrations.sms;
    expect(await channelNamesFrom(engine, ['sms'])).toEqual(['sms']);
  });
});

describe('channel names', () => {
  it('a kind name stands for the first enabled integration of that kind, in config order', async () => {
    const { engine } = await setup({
      'sms-off': { adapter: 'fake-sms', enabled: false },
      'sms-b': { adapter: 'fake-sms' },
      'sms-c': { adapter: 'fake-sms' },
    });
    // "sms" is itself an integration name in this config, so it stays as is.
    expect(await channelNamesFrom(engine, ['messaging', 'sms', 'email'])).toEqual(['wa', 'sms', 'mail']);
    delete engine.config.integrations.sms;
    expect(await channelNamesFrom(engine, ['sms', 'wa'])).toEqual(['sms-b', 'wa']);
    delete engine.config.integrations.mail;
    await expect(channelNamesFrom(engine, ['email'])).rejects.toThrow(/no enabled email integration/);
  });
});
