import { defineAdapter } from '../../src/core/adapter.js';
import { MPESA_BASE_URLS, mpesaConfigSchema } from './config.js';
import { charge } from './operations/charge.js';
import { query } from './operations/query.js';
import { refund } from './operations/refund.js';
import { balance } from './operations/balance.js';
import { mpesaHealth, mpesaSelfTest } from './health.js';
import { mpesaWebhook } from './webhook.js';
import { startMpesaSimulator } from './simulator.js';

export default defineAdapter({
  name: 'mpesa',
  kind: 'payment',
  description: 'Safaricom M-Pesa Daraja: STK push charges, status query, reversals and account balance',
  config: mpesaConfigSchema,
  baseUrls: MPESA_BASE_URLS,
  operations: { charge, query, refund, balance },
  health: mpesaHealth,
  selfTest: mpesaSelfTest,
  webhook: mpesaWebhook,
  simulator: { start: startMpesaSimulator },
});
