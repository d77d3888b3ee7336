import { defineAdapter } from '../../src/core/adapter.js';
import { WHATSAPP_BASE_URLS, whatsappConfigSchema } from './config.js';
import { send } from './operations/send.js';
import { query } from './operations/query.js';
import { whatsappHealth, whatsappSelfTest } from './health.js';
import { whatsappWebhook } from './webhook.js';
import { startWhatsappSimulator } from './simulator.js';

export default defineAdapter({
  name: 'whatsapp',
  kind: 'messaging',
  description: 'WhatsApp Business Cloud API: text and template messages; signed status and inbound-message webhooks',
  config: whatsappConfigSchema,
  baseUrls: WHATSAPP_BASE_URLS,
  operations: { send, query },
  health: whatsappHealth,
  selfTest: whatsappSelfTest,
  webhook: whatsappWebhook,
  simulator: { start: startWhatsappSimulator },
});
