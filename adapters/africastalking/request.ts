import type { AdapterContext } from '../../src/core/adapter.js';
import type { HttpRequest, HttpResponse } from '../../src/http/types.js';
import type { AfricasTalkingConfig } from './config.js';

/** Every call carries the apiKey header, and asks for JSON: the API answers XML otherwise. */
export function atRequest(ctx: AdapterContext<AfricasTalkingConfig>, req: Omit<HttpRequest, 'signal'>): Promise<HttpResponse> {
  return ctx.http.request({ ...req, headers: { ...req.headers, apikey: ctx.config.apiKey, accept: 'application/json' }, signal: ctx.signal });
}
