import type { AdapterContext } from '../../src/core/adapter.js';
import type { HttpRequest } from '../../src/http/types.js';
import type { RazorpayConfig } from './config.js';
import { razorpayError } from './errors.js';

export type RazorpayContext = AdapterContext<RazorpayConfig>;

export interface Collection<T> {
  entity: 'collection';
  count: number;
  items: T[];
}

/** One call with HTTP Basic key_id:key_secret; returns the parsed body of a 2xx, throws the mapped error otherwise. */
export async function razorpay<T>(ctx: RazorpayContext, req: HttpRequest): Promise<T> {
  const basic = Buffer.from(`${ctx.config.keyId}:${ctx.config.keySecret}`).toString('base64');
  const res = await ctx.http.request({
    ...req,
    headers: { accept: 'application/json', authorization: `Basic ${basic}`, ...req.headers },
    signal: ctx.signal,
  });
  if (res.status >= 300) throw razorpayError(res, ctx.clock.now());
  return res.json<T>();
}
