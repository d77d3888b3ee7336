import { defineAdapter } from '../../src/core/adapter.js';
import { AT_BASE_URLS, africastalkingConfigSchema } from './config.js';
import { send } from './operations/send.js';
import { query } from './operations/query.js';
import { balance } from './operations/balance.js';
import { atHealth, atSelfTest } from './health.js';
import { atWebhook } from './webhook.js';
import { startAfricasTalkingSimulator } from './simulator.js';

export default defineAdapter({
  name: 'africastalking',
  kind: 'sms',
  description: "Africa's Talking SMS: send, send-time status, balance; delivery reports by webhook",
  config: africastalkingConfigSchema,
  baseUrls: AT_BASE_URLS,
  operations: { send, query, balance },
  health: atHealth,
  selfTest: atSelfTest,
  webhook: atWebhook,
  simulator: { start: startAfricasTalkingSimulator },
});
