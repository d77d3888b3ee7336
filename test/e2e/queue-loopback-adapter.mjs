// A third-party-style adapter for the queue's process tests: `charge` POSTs
// to a loopback fake provider with the job's idempotency key, the way a
// provider that honours keys (Stripe, Paystack) is called. Loaded through the
// config's `adapters` list, like any adapter package.
import { z } from 'zod';

function providerError(category, message, extra = {}) {
  const err = new Error(message);
  err.name = 'IntegrationError';
  err.category = category;
  Object.assign(err, extra);
  return err;
}

export default {
  name: 'loopback-pay',
  kind: 'generic',
  description: 'Loopback fake payment provider for queue process tests',
  config: z.object({ baseUrl: z.string() }),
  operations: {
    charge: {
      description: 'Charge through the loopback provider (keyed)',
      retry: 'keyed',
      input: z.object({ reference: z.string(), amount: z.number() }),
      output: z.object({ id: z.string(), status: z.string() }),
      async run(ctx, input) {
        const res = await ctx.http.request({ method: 'POST', path: '/charges', headers: { 'idempotency-key': ctx.idempotencyKey }, json: input, signal: ctx.signal });
        if (res.status === 429) {
          const retryAfterMs = Number(res.headers['retry-after'] ?? 0) * 1000;
          throw providerError('RATE_LIMITED', 'provider answered 429', { provider: { status: 429 }, retryAfterMs: retryAfterMs || undefined });
        }
        if (res.status >= 500) throw providerError('SERVER_ERROR', `provider answered ${res.status}`, { provider: { status: res.status } });
        if (res.status !== 200) throw providerError('INVALID_REQUEST', `provider answered ${res.status}`, { provider: { status: res.status } });
        return res.json();
      },
    },
    send: {
      description: 'Send a message through the loopback provider (no idempotency key: unsafe)',
      retry: 'unsafe',
      input: z.object({ reference: z.string(), text: z.string().optional() }),
      output: z.object({ id: z.string(), status: z.string() }),
      async run(ctx, input) {
        const res = await ctx.http.request({ method: 'POST', path: '/messages', json: input, signal: ctx.signal });
        if (res.status !== 200) throw providerError('SERVER_ERROR', `provider answered ${res.status}`, { provider: { status: res.status } });
        return res.json();
      },
    },
    query: {
      description: 'Look a message up by its reference',
      retry: 'safe',
      input: z.object({ reference: z.string() }),
      output: z.object({ id: z.string(), status: z.string() }),
      async run(ctx, input) {
        const res = await ctx.http.request({ method: 'GET', path: `/messages/${encodeURIComponent(input.reference)}`, signal: ctx.signal });
        if (res.status === 404) throw providerError('NOT_FOUND', `no message ${input.reference}`, { provider: { status: 404 } });
        if (res.status !== 200) throw providerError('SERVER_ERROR', `provider answered ${res.status}`, { provider: { status: res.status } });
        return res.json();
      },
    },
  },
};
