import type { AdapterContext } from '../../src/core/adapter.js';
import type { HttpRequest, HttpResponse } from '../../src/http/types.js';
import type { SendgridConfig } from './config.js';

export function sendgridRequest(ctx: AdapterContext<SendgridConfig>, req: Omit<HttpRequest, 'signal'>): Promise<HttpResponse> {
  // SendGrid answers 406 without an Accept header (providers.md §7).
  return ctx.http.request({ ...req, headers: { ...req.headers, authorization: `Bearer ${ctx.config.apiKey}`, accept: 'application/json' }, signal: ctx.signal });
}
