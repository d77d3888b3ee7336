import { createTransport } from 'nodemailer';
import type { AdapterContext, HealthResult } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import type { SmtpConfig } from './config.js';
import { connectionOptions, serverName, SmtpSession } from './connection.js';
import { smtpError } from './errors.js';

/** nodemailer's verify(): connect, EHLO, STARTTLS and AUTH, then QUIT, sending nothing. */
export async function smtpHealth(ctx: AdapterContext<SmtpConfig>): Promise<HealthResult> {
  const { config } = ctx;
  const transport = createTransport({ ...connectionOptions(config), ...(config.user && config.password ? { auth: { user: config.user, pass: config.password } } : {}) });
  try {
    await transport.verify();
    return { status: 'healthy', message: `${serverName(config)} accepted EHLO${config.secure || config.requireTLS ? ', TLS' : ''}${config.user ? ` and AUTH as ${config.user}` : ''}` };
  } catch (err) {
    const command = (err as { command?: string }).command ?? '';
    const mapped = smtpError(err, command.startsWith('AUTH') ? 'auth' : 'connect', { server: serverName(config) });
    return { status: 'unhealthy', message: `${mapped.category}: ${mapped.message}` };
  } finally {
    transport.close();
  }
}

export async function smtpSelfTest(ctx: AdapterContext<SmtpConfig>): Promise<string> {
  const { config } = ctx;
  const session = new SmtpSession(config, ctx.signal);
  try {
    await session.connect();
    const secure = session.secure;
    // Checked before AUTH: the password must not cross in clear.
    if (!secure && config.user) throw new IntegrationError('CONFIG_INVALID', `${serverName(config)} offered no TLS, so the credentials were not sent; use a server with STARTTLS or set secure`);
    if (config.user && config.password) await session.login(config.user, config.password);
    session.quit();
    return `${serverName(config)} answered EHLO over ${secure ? 'TLS' : 'plain text'}${config.user ? ` and accepted AUTH as ${config.user}` : ''}; nothing was sent`;
  } finally {
    session.close();
  }
}
