import type { AdapterContext } from '../../src/core/adapter.js';
import { IntegrationError } from '../../src/core/errors.js';
import { httpError } from '../../src/http/status-errors.js';
import type { MoodleConfig } from './config.js';
import { isMoodleException, moodleError } from './errors.js';
import { flattenParams, type MoodleParam } from './params.js';

export type MoodleContext = AdapterContext<MoodleConfig>;

export const REST_PATH = '/webservice/rest/server.php';

/**
 * Calls one web service function. The function name and format ride in the
 * query string (they show in access logs, which helps); the token and the
 * parameters go in the POST body, where access logs do not record them.
 */
export async function callMoodle<T>(ctx: MoodleContext, wsfunction: string, params: Record<string, MoodleParam> = {}): Promise<T> {
  const res = await ctx.http.request({
    method: 'POST',
    path: REST_PATH,
    query: { wsfunction, moodlewsrestformat: 'json' },
    form: { wstoken: ctx.config.wstoken, ...flattenParams(params) },
    headers: { accept: 'application/json' },
    signal: ctx.signal,
  });
  let body: unknown;
  try {
    body = JSON.parse(res.text());
  } catch {
    if (res.status !== 200) throw httpError(res.status, { message: res.text().trim().slice(0, 200) || `HTTP ${res.status}` }, { retryAfter: res.headers['retry-after'], now: ctx.clock.now() });
    // A login page or a proxy's answer: the address is not a Moodle REST endpoint.
    throw new IntegrationError('CONFIG_INVALID', `${ctx.http.baseUrl}${REST_PATH} did not answer with JSON; is baseUrl the Moodle site root with web services enabled?`, {
      provider: { status: res.status, message: res.text().trim().slice(0, 200) },
    });
  }
  if (isMoodleException(body)) throw moodleError(body, res.status, wsfunction);
  if (res.status !== 200) {
    const text = res.text().trim().slice(0, 200);
    throw httpError(res.status, { message: text || `HTTP ${res.status}` }, { retryAfter: res.headers['retry-after'], now: ctx.clock.now() });
  }
  return body as T;
}
