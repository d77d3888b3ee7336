import { defineAdapter } from '../../src/core/adapter.js';
import { SENDGRID_BASE_URLS, sendgridConfigSchema } from './config.js';
import { send } from './operations/send.js';
import { query } from './operations/query.js';
import { sendgridHealth, sendgridSelfTest } from './health.js';
import { sendgridWebhook } from './webhook.js';
import { startSendgridSimulator } from './simulator.js';

export default defineAdapter({
  name: 'sendgrid',
  kind: 'email',
  description: 'Twilio SendGrid v3: mail send, delivery status from the Email Activity API; signed event webhook',
  config: sendgridConfigSchema,
  baseUrls: SENDGRID_BASE_URLS,
  operations: { send, query },
  health: sendgridHealth,
  selfTest: sendgridSelfTest,
  webhook: sendgridWebhook,
  simulator: { start: startSendgridSimulator },
});
