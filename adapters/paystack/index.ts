import { defineAdapter } from '../../src/core/adapter.js';
import { PAYSTACK_BASE_URLS, paystackConfig, type PaystackConfig } from './config.js';
import { charge } from './charge.js';
import { query } from './query.js';
import { refund } from './refund.js';
import { health, selfTest } from './health.js';
import { webhook } from './webhook.js';
import { PaystackSimulator } from './simulator.js';

export default defineAdapter<PaystackConfig>({
  name: 'paystack',
  kind: 'payment',
  description: 'Paystack: transaction initialize (checkout URL), verify, refunds; webhooks signed with x-paystack-signature',
  config: paystackConfig,
  baseUrls: PAYSTACK_BASE_URLS,
  operations: { charge, query, refund },
  health,
  selfTest,
  webhook,
  simulator: { start: (options) => PaystackSimulator.start(options) },
});
