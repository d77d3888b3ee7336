import { defineAdapter } from '../../src/core/adapter.js';
import { PESAPAL_BASE_URLS, pesapalConfig, type PesapalConfig } from './config.js';
import { charge } from './charge.js';
import { query } from './query.js';
import { refund } from './refund.js';
import { health, selfTest } from './health.js';
import { webhook } from './webhook.js';
import { PesapalSimulator } from './simulator.js';

export default defineAdapter<PesapalConfig>({
  name: 'pesapal',
  kind: 'payment',
  description: 'Pesapal API 3.0: orders with a hosted payment page, status, refunds; unsigned IPNs confirmed by query',
  config: pesapalConfig,
  baseUrls: PESAPAL_BASE_URLS,
  operations: { charge, query, refund },
  health,
  selfTest,
  webhook,
  simulator: { start: (options) => PesapalSimulator.start(options) },
});
