import { defineAdapter } from '../../src/core/adapter.js';
import { RAZORPAY_BASE_URLS, razorpayConfig, type RazorpayConfig } from './config.js';
import { charge } from './charge.js';
import { query } from './query.js';
import { refund } from './refund.js';
import { health, selfTest } from './health.js';
import { webhook } from './webhook.js';
import { RazorpaySimulator } from './simulator.js';

export default defineAdapter<RazorpayConfig>({
  name: 'razorpay',
  kind: 'payment',
  description: 'Razorpay: orders for Checkout, order and payment status, refunds; webhooks signed with X-Razorpay-Signature',
  config: razorpayConfig,
  baseUrls: RAZORPAY_BASE_URLS,
  operations: { charge, query, refund },
  health,
  selfTest,
  webhook,
  simulator: { start: (options) => RazorpaySimulator.start(options) },
});
