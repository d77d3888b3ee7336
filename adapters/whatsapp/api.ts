import type { AdapterContext } from '../../src/core/adapter.js';
import type { HttpRequest, HttpResponse } from '../../src/http/types.js';
import type { WhatsappConfig } from './config.js';

/** `/{version}/{phone-number-id}` + rest. */
export function phonePath(config: WhatsappConfig, rest = ''): string {
  return `/${config.apiVersion}/${encodeURIComponent(config.phoneNumberId)}${rest}`;
}

export function graphRequest(ctx: AdapterContext<WhatsappConfig>, req: Omit<HttpRequest, 'signal'>): Promise<HttpResponse> {
  return ctx.http.request({ ...req, headers: { ...req.headers, authorization: `Bearer ${ctx.config.accessToken}`, accept: 'application/json' }, signal: ctx.signal });
}
