import { defineAdapter } from '../../src/core/adapter.js';
import { TWILIO_BASE_URLS, twilioConfigSchema } from './config.js';
import { send } from './operations/send.js';
import { query } from './operations/query.js';
import { balance } from './operations/balance.js';
import { twilioHealth, twilioSelfTest } from './health.js';
import { twilioWebhook } from './webhook.js';
import { startTwilioSimulator } from './simulator.js';

export default defineAdapter({
  name: 'twilio',
  kind: 'sms',
  description: 'Twilio Programmable Messaging: send SMS/MMS, fetch a message, account balance; signed status callbacks',
  config: twilioConfigSchema,
  baseUrls: TWILIO_BASE_URLS,
  operations: { send, query, balance },
  health: twilioHealth,
  selfTest: twilioSelfTest,
  webhook: twilioWebhook,
  simulator: { start: startTwilioSimulator },
});
