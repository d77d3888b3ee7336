import { defineAdapter } from '../../src/core/adapter.js';
import { FLUTTERWAVE_BASE_URLS, flutterwaveConfig, type FlutterwaveConfig } from './config.js';
import { charge } from './charge.js';
import { query } from './query.js';
import { refund } from './refund.js';
import { health, selfTest } from './health.js';
import { webhook } from './webhook.js';
import { FlutterwaveSimulator } from './simulator.js';

export default defineAdapter<FlutterwaveConfig>({
  name: 'flutterwave',
  kind: 'payment',
  description: 'Flutterwave v3: hosted checkout (Standard), verify, refunds; charge.completed webhooks with verif-hash',
  config: flutterwaveConfig,
  baseUrls: FLUTTERWAVE_BASE_URLS,
  operations: { charge, query, refund },
  health,
  selfTest,
  webhook,
  simulator: { start: (options) => FlutterwaveSimulator.start(options) },
});
