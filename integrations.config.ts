/**
 * This project's own configuration: runs from a clone with no credentials.
 * `node bin/integrations list`, `… health`, `… run payments charge --payload '{"amount":1000,"currency":"KES","reference":"order-1"}'`.
 *
 * A production integration reads its secrets from the environment, e.g.:
 *
 *   mpesa: {
 *     adapter: 'mpesa',
 *     config: {
 *       consumerKey: env('MPESA_CONSUMER_KEY'),
 *       consumerSecret: env('MPESA_CONSUMER_SECRET'),
 *       shortcode: '174379',
 *       passkey: env('MPESA_PASSKEY'),
 *       callbackUrl: 'https://example.com/webhooks/mpesa/<path-token>',
 *       environment: 'sandbox',
 *     },
 *     queueOnFailure: true,
 *     webhook: { secrets: [env('MPESA_CALLBACK_TOKEN')], allowIps: ['196.201.214.0/24'] },
 *   },
 */
import { defineConfig } from 'integrations';

export default defineConfig({
  store: { path: '.integrations/integrations.db' },
  integrations: {
    // A simulated payment provider kept in the local store.
    payments: {
      adapter: 'mock',
      config: { latencyMs: 0, failureRate: 0 },
      retry: { maxAttempts: 3, baseDelayMs: '200ms', maxDelayMs: '5s' },
      timeoutMs: '10s',
      rateLimit: { perSecond: 20, burst: 40 },
      queueOnFailure: true,
    },
    // Files on this machine, under ./.integrations/files.
    files: {
      adapter: 'local-storage',
      config: { root: './.integrations/files' },
    },
  },
});
