import type { AdapterContext } from '../../src/core/adapter.js';
import type { HttpRequest } from '../../src/http/types.js';
import type { PaystackConfig } from './config.js';
import { paystackError } from './errors.js';

export type PaystackContext = AdapterContext<PaystackConfig>;

export interface Envelope<T> {
  status: boolean;
  message: string;
  data: T;
}

/** One call with the Bearer secret key; the envelope of a success, or the mapped error. */
export async function paystack<T>(ctx: PaystackContext, req: HttpRequest): Promise<Envelope<T>> {
  const res = await ctx.http.request({
    ...req,
    headers: { accept: 'application/json', authorization: `Bearer ${ctx.config.secretKey}`, ...req.headers },
    signal: ctx.signal,
  });
  if (res.status >= 300) throw paystackError(res, ctx.clock.now());
  const body = res.json<Envelope<T>>();
  if (body?.status !== true) throw paystackError(res, ctx.clock.now());
  return body;
}
