import type { AdapterContext, HealthResult } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import type { SendgridConfig } from './config.js';
import { sendgridRequest } from './api.js';
import { sendgridError } from './errors.js';

/** GET /v3/scopes: cheap, needs no scope of its own, and says what the key may do. */
async function fetchScopes(ctx: AdapterContext<SendgridConfig>): Promise<string[]> {
  const res = await sendgridRequest(ctx, { method: 'GET', path: '/v3/scopes' });
  if (res.status !== 200) throw sendgridError(res, ctx.clock.now(), 'scopes lookup');
  const scopes = res.json<{ scopes?: unknown }>().scopes;
  return Array.isArray(scopes) ? scopes.filter((s): s is string => typeof s === 'string') : [];
}

export async function sendgridHealth(ctx: AdapterContext<SendgridConfig>): Promise<HealthResult> {
  try {
    const scopes = await fetchScopes(ctx);
    if (!scopes.includes('mail.send')) return { status: 'unhealthy', message: 'SendGrid accepted the API key, but it lacks the mail.send scope' };
    return { status: 'healthy', message: `SendGrid API key valid with mail.send${scopes.includes('messages.read') ? ' and messages.read' : ''}` };
  } catch (err) {
    if (err instanceof IntegrationError) return { status: 'unhealthy', message: `${err.category}: ${err.message}` };
    throw err;
  }
}

export async function sendgridSelfTest(ctx: AdapterContext<SendgridConfig>): Promise<string> {
  const scopes = await fetchScopes(ctx);
  if (!scopes.includes('mail.send')) {
    throw new IntegrationError('AUTHENTICATION_FAILED', 'SendGrid accepted the API key, but it lacks the mail.send scope', { provider: { status: 200 } });
  }
  const query = scopes.includes('messages.read') ? 'query can read email activity' : 'query cannot read email activity (no messages.read scope)';
  return `SendGrid at ${ctx.http.baseUrl} accepted the API key (${scopes.length} scopes, mail.send among them); ${query}`;
}
