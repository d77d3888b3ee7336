import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cli, parseJson, startCli, tempProject } from './cli-harness.js';

/** `integrations simulate`: the built CLI serving a provider simulator until it is told to stop. */
describe('integrations simulate', () => {
  const dir = tempProject('integrations-simulate-');
  const servers: Server[] = [];

  beforeAll(() => assertBuilt());
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  });

  /** A port something else already holds. */
  async function takenPort(): Promise<number> {
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  it('mpesa --json prints { adapter, url, config }; the URL answers the OAuth endpoint with those credentials; SIGTERM ends it with exit 0', async () => {
    const running = startCli(['simulate', 'mpesa', '--json'], { cwd: dir });
    // Pretty-printed: only the document's own closing brace starts a line.
    const printed = parseJson<{ adapter: string; url: string; config: Record<string, string> }>(await running.waitForStdout(/\n\}\n$/));
    expect(printed.adapter).toBe('mpesa');
    expect(printed.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(printed.config).toMatchObject({ baseUrl: printed.url, environment: 'sandbox', callbackUrl: `${printed.url}/simulator/callbacks` });

    const basic = Buffer.from(`${printed.config.consumerKey}:${printed.config.consumerSecret}`).toString('base64');
    const token = await fetch(`${printed.url}/oauth/v1/generate?grant_type=client_credentials`, { headers: { authorization: `Basic ${basic}` } });
    expect(token.status).toBe(200);
    expect(await token.json()).toMatchObject({ access_token: expect.any(String), expires_in: expect.anything() });
    const wrong = await fetch(`${printed.url}/oauth/v1/generate?grant_type=client_credentials`, { headers: { authorization: `Basic ${Buffer.from('x:y').toString('base64')}` } });
    expect(wrong.status).toBe(400);
    await wrong.arrayBuffer();

    running.child.kill('SIGTERM');
    const done = await running.done;
    expect(done.code).toBe(0);
    expect(done.stderr).toContain('mpesa simulator stopped');
    // stdout held only the JSON document.
    expect(parseJson(done.stdout)).toEqual(printed);
    await expect(fetch(`${printed.url}/oauth/v1/generate`)).rejects.toThrow();
  });

  it('prints a config snippet that pastes into integrations.config.ts, honouring --port and --callback-url; SIGINT ends it with exit 0', async () => {
    const blocker = await takenPort();
    // A port that was free a moment ago (the blocker's, released).
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const callback = 'http://127.0.0.1:8787/webhooks/sms';
    const running = startCli(['simulate', 'africastalking', '--port', String(blocker), '--callback-url', callback], { cwd: dir });
    const text = await running.waitForStdout(/\n  \},\n$/);
    expect(text).toContain(`africastalking simulator: http://127.0.0.1:${blocker}`);
    const literal = /config: (\{[\s\S]*?\n {6}\}),/.exec(text)?.[1];
    expect(literal).toBeDefined();
    // The snippet is source code: evaluating it gives a config naming the simulator.
    const config = new Function(`return ${literal}`)() as Record<string, unknown>;
    expect(config).toMatchObject({ baseUrl: `http://127.0.0.1:${blocker}`, username: expect.any(String), apiKey: expect.any(String) });
    expect(text).toMatch(/apiKey: '[^']+', \/\/ generated for this simulator run/);
    expect(text).toMatch(/adapter: 'africastalking'/);

    const user = await fetch(`http://127.0.0.1:${blocker}/version1/user?username=${String(config.username)}`, { headers: { apikey: String(config.apiKey), accept: 'application/json' } });
    expect(user.status).toBe(200);
    await user.arrayBuffer();

    running.child.kill('SIGINT');
    const done = await running.done;
    expect(done.code).toBe(0);
  });

  it('an adapter without a simulator, an unknown adapter, a bad port: usage errors (exit 2) naming the choices; a taken port: unavailable (exit 4)', async () => {
    const noSimulator = await cli(['simulate', 'mock'], { cwd: dir });
    expect(noSimulator.code).toBe(2);
    expect(noSimulator.stderr).toMatch(/adapter "mock" has no simulator; adapters with one: .*\bmpesa\b/);
    expect(noSimulator.stderr).not.toMatch(/with one: .*\bmock\b/);

    const unknown = await cli(['simulate', 'no-such', '--json'], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    const error = parseJson<{ error: { code: string; message: string } }>(unknown.stderr).error;
    expect(error.code).toBe('USAGE');
    expect(error.message).toMatch(/unknown adapter "no-such"; adapters: .*\bmock\b.*\bmpesa\b/);

    const badPort = await cli(['simulate', 'mpesa', '--port', 'eighty'], { cwd: dir });
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain('--port must be a port number');

    const badCallback = await cli(['simulate', 'mpesa', '--callback-url', 'ftp://127.0.0.1/x'], { cwd: dir });
    expect(badCallback.code).toBe(2);
    expect(badCallback.stderr).toContain('--callback-url must be an http(s) URL');

    const port = await takenPort();
    const taken = await cli(['simulate', 'mpesa', '--port', String(port)], { cwd: dir });
    // Unavailable, as the daemon says for a port in use (README, exit codes).
    expect(taken.code).toBe(4);
    expect(taken.stderr).toContain(`cannot listen on 127.0.0.1:${port}: the port is already in use`);
  });
});
