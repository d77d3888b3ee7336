import type { AdapterContext } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import type { HttpRequest, HttpResponse } from '../../src/http/types.js';
import type { PesapalConfig } from './config.js';
import { beforeSending } from '../../src/core/adapter-kit/before-sending.js';
import { isErrorBody, pesapalError, type PesapalErrorBody } from './errors.js';
import { accessToken } from './token.js';

export type PesapalContext = AdapterContext<PesapalConfig>;

function send(ctx: PesapalContext, req: HttpRequest, token: string): Promise<HttpResponse> {
  return ctx.http.request({
    ...req,
    headers: { accept: 'application/json', authorization: `Bearer ${token}`, ...req.headers },
    signal: ctx.signal,
  });
}

function read<T>(ctx: PesapalContext, res: HttpResponse): T {
  let body: unknown;
  try {
    body = JSON.parse(res.text());
  } catch {
    body = undefined;
  }
  if (res.status >= 300 || isErrorBody(body)) {
    throw pesapalError(res.status, (body ?? {}) as PesapalErrorBody, { retryAfter: res.headers['retry-after'], now: ctx.clock.now() });
  }
  if (body === undefined) throw new IntegrationError('SERVER_ERROR', `pesapal answered HTTP ${res.status} with a body that is not JSON`, { provider: { status: res.status } });
  return body as T;
}

/**
 * One authenticated call. A token refused mid-flight (revoked, or expired
 * early by clock skew) is replaced once and the call repeated: a refusal
 * means Pesapal did nothing, so repeating is safe even for orders.
 */
export async function pesapal<T>(ctx: PesapalContext, req: HttpRequest): Promise<T> {
  const token = await accessToken(ctx).catch(beforeSending);
  const res = await send(ctx, req, token);
  try {
    return read<T>(ctx, res);
  } catch (err) {
    if (!(err instanceof IntegrationError) || err.category !== 'AUTHENTICATION_FAILED') throw err;
    ctx.log.debug('pesapal refused the token; fetching a new one', { status: res.status });
    const fresh = await accessToken(ctx, { refresh: true }).catch(beforeSending);
    return read<T>(ctx, await send(ctx, req, fresh));
  }
}
