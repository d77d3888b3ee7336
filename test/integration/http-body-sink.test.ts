import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/http/client.js';

/** bodySink: large answers stream into the caller's Writable; error answers are still buffered for the adapter to read. */
describe('http client bodySink', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/missing') return void res.writeHead(404, { 'content-type': 'application/xml' }).end('<Error><Code>NoSuchKey</Code></Error>');
      res.writeHead(200, { 'content-length': String(3 * 65536) });
      for (let i = 0; i < 3; i++) res.write(Buffer.alloc(65536, i));
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const collector = () => {
    const chunks: Buffer[] = [];
    return { chunks, sink: new Writable({ write: (chunk: Buffer, _e, done) => (chunks.push(chunk), done()) }) };
  };

  it('pipes a success body into the sink and leaves the response body empty', async () => {
    const { chunks, sink } = collector();
    const res = await createHttpClient({ baseUrl: base }).request({ path: '/object', bodySink: (status) => (status === 200 ? sink : undefined) });
    expect(res.status).toBe(200);
    expect(res.body.length).toBe(0);
    expect(Buffer.concat(chunks).length).toBe(3 * 65536);
  });

  it('buffers an answer the sink declines, so its error body can be read', async () => {
    const { chunks, sink } = collector();
    const res = await createHttpClient({ baseUrl: base }).request({ path: '/missing', bodySink: (status) => (status === 200 ? sink : undefined) });
    expect(res.status).toBe(404);
    expect(res.text()).toContain('NoSuchKey');
    expect(chunks).toEqual([]);
  });

  it('throws the sink\'s own failure (a full disk), not a network error', async () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const sink = new Writable({ write: (_c, _e, done) => done(full) });
    await expect(createHttpClient({ baseUrl: base }).request({ path: '/object', bodySink: () => sink })).rejects.toBe(full);
  });
});
