import type { AdapterContext } from '../../src/core/adapter.js';
import type { HttpRequest } from '../../src/http/types.js';
import type { FlutterwaveConfig } from './config.js';
import { flutterwaveError } from './errors.js';

export type FlutterwaveContext = AdapterContext<FlutterwaveConfig>;

/** Every v3 answer is {status:"success"|"error", message, data}. */
export interface Envelope<T> {
  status: string;
  message: string;
  data: T;
}

/** One authenticated call; returns the envelope of a success, throws the mapped error otherwise. */
export async function flutterwave<T>(ctx: FlutterwaveContext, req: HttpRequest): Promise<Envelope<T>> {
  const res = await ctx.http.request({
    ...req,
    headers: { accept: 'application/json', authorization: `Bearer ${ctx.config.secretKey}`, ...req.headers },
    signal: ctx.signal,
  });
  if (res.status >= 300) throw flutterwaveError(res, ctx.clock.now());
  const body = res.json<Envelope<T>>();
  if (body?.status !== 'success') throw flutterwaveError(res, ctx.clock.now());
  return body;
}
