import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineAdapter, type AdapterContext } from '../../src/core/adapter.js';
import { checkHealth } from '../../src/core/health.js';
import { StoreError } from '../../src/store/errors.js';
import { makeEngine, scriptedAdapter, type Engine } from './executor-fixture.js';

/** What an adapter meets when the store behind its cache is locked by another writer. */
const locked = () => new StoreError('STORE_LOCKED', 'store /tmp/x.db is locked by another process (busy timeout exceeded); retry shortly');

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

describe('a failure of our own store inside an operation or a health check', () => {
  it('leaves the executor as the StoreError itself: not a provider failure, not retried, not logged, not counted against the circuit', async () => {
    const fixture = scriptedAdapter();
    engine = await makeEngine({ adapters: [fixture.adapter], integrations: { acme: { adapter: 'scripted', retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 10 } } } });
    fixture.script('read', {
      value: async (ctx: AdapterContext) => {
        await ctx.cache.get('token');
        throw locked();
      },
    });
    const failure = await engine.executor.execute('acme', 'read', {}).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as StoreError).code).toBe('STORE_LOCKED');
    expect(fixture.runs('read')).toBe(1);
    expect(await engine.store.logs.query({})).toEqual([]);
    expect(await engine.store.circuits.list()).toEqual([]);
  });

  it('ends a health run as the StoreError, not as an unhealthy integration with SERVER_ERROR', async () => {
    const cached = defineAdapter({
      name: 'cached',
      kind: 'generic',
      description: 'keeps a token in the store',
      config: z.object({}),
      operations: {},
      async health(ctx) {
        await ctx.cache.get('token');
        throw locked();
      },
    });
    engine = await makeEngine({ adapters: [cached], integrations: { acme: { adapter: 'cached' } } });
    const failure = await checkHealth({ ...engine, clock: engine.clock }, [], 1_000).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as StoreError).message).toContain('locked');
  });
});
