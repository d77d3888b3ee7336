import { httpAgent } from '../http/client.js';

/**
 * POSTs to the daemon as a provider would, through the process's one HTTP
 * agent (closed with the session), and reads the whole answer.
 */
export async function post(url: string, body: string | Buffer, headers: Record<string, string>, timeoutMs: number): Promise<{ status: number; text: string }> {
  const { request } = await import('undici');
  const res = await request(url, { method: 'POST', body, headers, dispatcher: httpAgent(), headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  return { status: res.statusCode, text: await res.body.text() };
}
