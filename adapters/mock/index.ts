import { z } from 'zod';
import { defineAdapter, defineOperation } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import { mockConfig, type MockConfig } from './config.js';
import { callProvider } from './faults.js';
import { charge, chargeInput, chargeRecord, chargeResult, loadCharge, refund, refundInput, refundResult } from './ledger.js';

const echo = defineOperation<MockConfig, z.ZodDefault<z.ZodJSONSchema>, z.ZodJSONSchema>({
  description: 'Returns its payload unchanged (any JSON)',
  input: z.json().default({}),
  output: z.json(),
  retry: 'safe',
  run: (ctx, input) => callProvider(ctx, async () => input),
});

/**
 * A payment provider that lives in the store: for tests, demos and chaos
 * drills. Latency, a failure rate and a scripted sequence of failure
 * categories make it misbehave on demand.
 */
export default defineAdapter<MockConfig>({
  name: 'mock',
  kind: 'payment',
  description: 'Simulated payment provider kept in the local store, with configurable latency and failures',
  config: mockConfig,
  operations: {
    echo,
    charge: defineOperation({
      description: 'Charges an amount; the idempotency key makes a repeated charge return the first one',
      input: chargeInput,
      output: chargeResult,
      retry: 'keyed',
      run: (ctx, input) => callProvider(ctx, () => charge(ctx, input)),
    }),
    query: defineOperation({
      description: 'Looks up a charge by id, with what has been refunded',
      input: z.object({ id: z.string().min(1) }),
      output: chargeRecord,
      retry: 'safe',
      run: (ctx, input) => callProvider(ctx, () => loadCharge(ctx, input.id)),
    }),
    refund: defineOperation({
      description: 'Refunds all or part of a charge; more than was charged is refused',
      input: refundInput,
      output: refundResult,
      retry: 'keyed',
      run: (ctx, input) => callProvider(ctx, () => refund(ctx, input)),
    }),
  },
  async health(ctx) {
    // The mock's state lives in the store, so reaching the store is what "the provider is up" means here.
    const probe = `health:${ctx.correlationId}`;
    await ctx.cache.set(probe, ctx.clock.now(), 60_000);
    const seen = await ctx.cache.get<number>(probe);
    await ctx.cache.delete(probe);
    if (seen === undefined) return { status: 'unhealthy', message: 'mock state store did not keep a value' };
    const { failureRate, latencyMs } = ctx.config;
    if (failureRate > 0) return { status: 'degraded', message: `mock provider failing ${Math.round(failureRate * 100)}% of calls` };
    return { status: 'healthy', message: latencyMs > 0 ? `mock provider, ${latencyMs} ms latency` : 'mock provider' };
  },
  async selfTest(ctx) {
    const probe = { probe: ctx.correlationId };
    const back = await echo.run(ctx, probe);
    if (JSON.stringify(back) !== JSON.stringify(probe)) throw new IntegrationError('SERVER_ERROR', 'mock provider: echo returned something other than its input');
    return 'echo returned its input';
  },
});
