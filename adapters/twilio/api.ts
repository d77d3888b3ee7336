import type { AdapterContext } from '../../src/core/adapter.js';
import type { HttpRequest, HttpResponse } from '../../src/http/types.js';
import { TWILIO_API_VERSION, type TwilioConfig } from './config.js';

/** `/2010-04-01/Accounts/{AccountSid}` + rest: every Messaging resource lives under the account. */
export function accountPath(config: TwilioConfig, rest = ''): string {
  return `/${TWILIO_API_VERSION}/Accounts/${encodeURIComponent(config.accountSid)}${rest}`;
}

/** A request authenticated with HTTP Basic AccountSid:AuthToken. */
export function twilioRequest(ctx: AdapterContext<TwilioConfig>, req: Omit<HttpRequest, 'signal'>): Promise<HttpResponse> {
  const basic = Buffer.from(`${ctx.config.accountSid}:${ctx.config.authToken}`, 'utf8').toString('base64');
  return ctx.http.request({ ...req, headers: { ...req.headers, authorization: `Basic ${basic}`, accept: 'application/json' }, signal: ctx.signal });
}
