import { defineAdapter } from '../../src/core/adapter.js';
import { smtpConfigSchema } from './config.js';
import { send } from './operations/send.js';
import { smtpHealth, smtpSelfTest } from './health.js';
import { startSmtpSimulator } from './simulator.js';

export default defineAdapter({
  name: 'smtp',
  kind: 'email',
  description: 'Any SMTP submission server (nodemailer): STARTTLS or implicit TLS, AUTH PLAIN/LOGIN',
  config: smtpConfigSchema,
  operations: { send },
  health: smtpHealth,
  selfTest: smtpSelfTest,
  simulator: { start: startSmtpSimulator },
});
