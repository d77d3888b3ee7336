import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { IntegrationError } from '../../src/core/errors.js';
import { CuttableLink } from '../../src/demo/link.js';
import { createHttpClient } from '../../src/http/client.js';

/** The demo's provider outage: a link that, once cut, refuses connections, including to a client holding a pooled one. */
describe('demo cuttable link', () => {
  const closers: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  async function provider(): Promise<{ url: string; posts: () => number }> {
    let posts = 0;
    const server: Server = createServer((req, res) => {
      if (req.method === 'POST') posts++;
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => server.close(resolve)));
    closers.push(async () => server.closeAllConnections());
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, posts: () => posts };
  }

  it('forwards; once cut, a POST on the pooled client is refused before it leaves; restored, it goes through at the same URL', async () => {
    const target = await provider();
    const link = await CuttableLink.open(target.url);
    closers.push(() => link.close());
    const agent = new Agent({ keepAliveTimeout: 10_000 });
    closers.push(() => agent.close());
    const http = createHttpClient({ baseUrl: link.url, dispatcher: agent, timeoutMs: 5_000 });

    const first = await http.request({ method: 'POST', path: '/send', body: 'one' });
    expect([first.status, first.text()]).toEqual([200, 'ok']);

    await link.cut();
    expect(link.isCut).toBe(true);
    const refused = await http.request({ method: 'POST', path: '/send', body: 'two' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(IntegrationError);
    // Not a half-closed pooled socket (outcome unknown): a refused connection, provably never sent.
    expect(refused).toMatchObject({ category: 'NETWORK_ERROR', requestSent: false });
    expect((refused as Error).message).toContain('ECONNREFUSED');
    expect(target.posts()).toBe(1);

    await link.restore();
    const third = await http.request({ method: 'POST', path: '/send', body: 'three' });
    expect(third.status).toBe(200);
    expect(target.posts()).toBe(2);
  });
});
