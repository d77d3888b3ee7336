import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineAdapter } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import { UsageError } from '../../src/core/usage-error.js';
import { makeEngine, scriptedAdapter, type Engine, type IntegrationSpec } from './executor-fixture.js';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

const API_KEY = 'sk_live_9f8e7d6c5b4a';

async function setup(spec: Partial<IntegrationSpec> = {}) {
  const fixture = scriptedAdapter();
  engine = await makeEngine({
    adapters: [fixture.adapter],
    integrations: { acme: { adapter: 'scripted', config: { apiKey: API_KEY, region: 'eu' }, ...spec }, off: { adapter: 'scripted', enabled: false } },
  });
  return { fixture, engine };
}

describe('executor validation', () => {
  it('makes no call and writes nothing for a payload that fails the schema', async () => {
    const { fixture, engine } = await setup();
    const outcome = await engine.executor.execute('acme', 'write', { amount: -5 });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.category).toBe('VALIDATION_FAILED');
    expect(outcome.error.issues).toEqual([expect.stringMatching(/^payload\.amount: /)]);
    expect(outcome.error.requestSent).toBe(false);
    expect(fixture.calls).toHaveLength(0);
    expect(await engine.store.logs.count({})).toBe(0);
    expect(await engine.store.idempotency.get(outcome.idempotencyKey)).toBeUndefined();
  });

  it('rejects a result that does not match the output schema', async () => {
    const { fixture, engine } = await setup({ retry: { maxAttempts: 1, baseDelayMs: 100, maxDelayMs: 1_000 } });
    fixture.script('strict', { value: { id: 42 } });
    const outcome = await engine.executor.execute('acme', 'strict', {});
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.category).toBe('SERVER_ERROR');
    expect(outcome.error.message).toMatch(/result\.id: /);
    expect(outcome.error.message).toMatch(/result\.amount: /);
    expect((await engine.store.logs.get(outcome.logId!))?.status).toBe('failed');
  });

  it('returns and logs the parsed output, unknown fields stripped', async () => {
    const { fixture, engine } = await setup();
    fixture.script('strict', { value: { id: 'x', amount: 3, internal: 'dropped' } });
    expect(await engine.executor.execute('acme', 'strict', {})).toMatchObject({ ok: true, result: { id: 'x', amount: 3 } });
    const [row] = await engine.store.logs.query({});
    expect(JSON.parse(row.response!)).toEqual({ id: 'x', amount: 3 });
  });

  it('refuses a disabled integration without calling it', async () => {
    const { fixture, engine } = await setup();
    const outcome = await engine.executor.execute('off', 'read', {});
    expect(outcome.ok ? 'ok' : outcome.error.category).toBe('INTEGRATION_DISABLED');
    expect(fixture.calls).toHaveLength(0);
  });

  it('names the valid choices for an unknown integration or operation', async () => {
    const { engine } = await setup();
    await expect(engine.executor.execute('nope', 'read', {})).rejects.toThrow(UsageError);
    await expect(engine.executor.execute('nope', 'read', {})).rejects.toThrow(/configured: acme, off/);
    await expect(engine.executor.execute('acme', 'fly', {})).rejects.toThrow(/operations: read, write, send, strict, profile/);
  });
});

describe('executor logs', () => {
  it('writes exactly one row per execution, whatever the number of attempts', async () => {
    const { fixture, engine } = await setup();
    fixture.script('read', new IntegrationError('SERVER_ERROR', '503'), new IntegrationError('SERVER_ERROR', '503'), { value: { n: 1 } });
    const outcome = await engine.executor.execute('acme', 'read', { q: 'x' }, { tenant: 'school-7', correlationId: 'corr-1', idempotencyKey: 'key-1' });
    const rows = await engine.store.logs.query({});
    expect(rows).toHaveLength(1);
    expect(rows[0]).toEqual({
      id: outcome.logId,
      time: Date.UTC(2026, 0, 1),
      integration: 'acme',
      adapter: 'scripted',
      operation: 'read',
      tenant: 'school-7',
      idempotencyKey: 'key-1',
      correlationId: 'corr-1',
      status: 'ok',
      errorCategory: null,
      errorMessage: null,
      attempts: 3,
      durationMs: 150,
      request: JSON.stringify({ q: 'x' }),
      response: JSON.stringify({ n: 1 }),
    });
  });

  it('records a failure with its category and message', async () => {
    const { fixture, engine } = await setup();
    fixture.script('write', new IntegrationError('INVALID_REQUEST', 'amount too small', { provider: { status: 400, code: 'E42' } }));
    const outcome = await engine.executor.execute('acme', 'write', { amount: 1 });
    const row = await engine.store.logs.get(outcome.logId!);
    expect(row).toMatchObject({ status: 'failed', errorCategory: 'INVALID_REQUEST', errorMessage: 'amount too small', attempts: 1 });
    expect(JSON.parse(row!.response!)).toEqual({ status: 400, code: 'E42' });
  });

  it('redacts secret config values, sensitive paths and secret-named fields from the request and response', async () => {
    const { fixture, engine } = await setup({ sensitive: ['card.number'] });
    const payload = {
      note: `charged with ${API_KEY} by mistake`,
      password: 'hunter22',
      card: { number: '4242424242424242', brand: 'visa' },
      customer: { nationalId: '12345678', name: 'Ann' },
    };
    fixture.script('profile', { value: { ...payload, accessToken: 'at-123456' } });
    const outcome = await engine.executor.execute('acme', 'profile', payload, { idempotencyKey: 'profile-1' });
    expect(outcome).toMatchObject({ ok: true, result: { password: 'hunter22' } });
    const row = await engine.store.logs.get(outcome.logId!);
    const stored = `${row!.request}\n${row!.response}`;
    for (const leaked of [API_KEY, 'hunter22', '4242424242424242', '12345678', 'at-123456']) expect(stored).not.toContain(leaked);
    expect(JSON.parse(row!.request)).toEqual({
      note: 'charged with [REDACTED] by mistake',
      password: '[REDACTED]',
      card: { number: '[REDACTED]', brand: 'visa' },
      customer: { nationalId: '[REDACTED]', name: 'Ann' },
    });
    expect(JSON.parse(row!.response!)).toMatchObject({ accessToken: '[REDACTED]', card: { number: '[REDACTED]' } });
    // What is kept for replays holds no secret either.
    const kept = (await engine.store.idempotency.get(outcome.idempotencyKey))!.result!;
    for (const leaked of [API_KEY, 'hunter22', '4242424242424242']) expect(kept).not.toContain(leaked);
  });

  it('scrubs a secret echoed in an error from the log and from the error handed back', async () => {
    const { fixture, engine } = await setup();
    fixture.script('read', new IntegrationError('AUTHENTICATION_FAILED', `key ${API_KEY} rejected`, { provider: { status: 401, message: `Invalid key ${API_KEY}` }, issues: [`apiKey: ${API_KEY} revoked`] }));
    const outcome = await engine.executor.execute('acme', 'read', {});
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(JSON.stringify({ ...outcome.error.toJSON(), message: outcome.error.message })).not.toContain(API_KEY);
    expect(outcome.error.message).toBe('key [REDACTED] rejected');
    const row = await engine.store.logs.get(outcome.logId!);
    expect(`${row!.errorMessage} ${row!.response}`).not.toContain(API_KEY);
  });

  it('logs an operation called without any payload', async () => {
    const bare = defineAdapter({
      name: 'bare',
      kind: 'generic',
      description: 'no input',
      config: z.object({}),
      operations: { ping: { description: 'ping', input: z.undefined(), output: z.literal('pong'), retry: 'safe', run: async () => 'pong' } },
    });
    engine = await makeEngine({ adapters: [bare], integrations: { b: { adapter: 'bare' } } });
    const outcome = await engine.executor.execute('b', 'ping', undefined);
    expect(outcome).toMatchObject({ ok: true, result: 'pong' });
    expect((await engine.store.logs.get(outcome.logId!))?.request).toBe('null');
  });
});
