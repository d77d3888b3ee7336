import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cli, tempProject, writeJsonConfig, type CliResult } from './cli-harness.js';

/**
 * Issue 11 §2: a provider that echoes the credentials it was sent. Nothing
 * the CLI prints, logs or stores may carry them, in any encoding.
 */

const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const AUTH_TOKEN = 'twilio-auth-5e1f0c2b9d8a7e6f';
const BASIC = Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`, 'utf8').toString('base64');
/** Letters only, so no pattern for tokens catches it: only registering the token obtained at run time masks it. */
const MPESA_TOKEN = 'QwErTyUiOpAsDfGhJkLzXcVbNmQwErTy';

interface Echo {
  server: Server;
  url: string;
  seen: string[];
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<Echo> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => (body += d));
    req.on('end', () => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** Every byte the product wrote to its store folder (database, WAL), as text. */
function storeBytes(dir: string): string {
  const folder = join(dir, '.integrations');
  return readdirSync(folder)
    .map((f) => readFileSync(join(folder, f)).toString('latin1'))
    .join('\n');
}

function everything(results: CliResult[], dir: string): string {
  return [...results.flatMap((r) => [r.stdout, r.stderr]), storeBytes(dir)].join('\n');
}

describe('redaction against a provider that echoes credentials', () => {
  let twilio: Echo;
  let mpesa: Echo;
  beforeAll(async () => {
    assertBuilt();
    // Twilio's 401 quoting the Authorization header it received, as the security review's server did.
    twilio = await listen((req, res) => {
      const auth = req.headers.authorization ?? '';
      json(res, 401, { code: 20003, message: `Authenticate: you sent ${auth} (${auth.replace(/^Basic /, '')})`, more_info: `https://example.test/?h=${encodeURIComponent(auth)}`, status: 401 });
    });
    // A Daraja that issues a token, then quotes it bare in the refusal of a charge.
    mpesa = await listen((req, res) => {
      if (req.url?.startsWith('/oauth/v1/generate')) return json(res, 200, { access_token: MPESA_TOKEN, expires_in: '3599' });
      json(res, 400, { requestId: 'r-1', errorCode: '400.002.02', errorMessage: `Bad Request - token ${MPESA_TOKEN} lacks the scope (hex ${Buffer.from(MPESA_TOKEN).toString('hex')})` });
    });
  });
  afterAll(async () => {
    await new Promise((r) => twilio.server.close(r));
    await new Promise((r) => mpesa.server.close(r));
  });

  it('run, --json --verbose, health, test and logs export never show the Basic credential, its base64 or the auth token', async () => {
    const dir = tempProject('integrations-redact-');
    writeJsonConfig(dir, {
      integrations: { sms: { adapter: 'twilio', config: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: '+14155550100', baseUrl: twilio.url } } },
    });
    const payload = JSON.stringify({ to: '+14155550123', message: 'hello' });
    const results = [
      await cli(['run', 'sms', 'send', '--payload', payload], { cwd: dir }),
      await cli(['run', 'sms', 'send', '--payload', payload, '--json', '--verbose', '--idempotency-key', 'second-try'], { cwd: dir }),
      await cli(['health', 'sms'], { cwd: dir }),
      await cli(['health', 'sms', '--json', '--verbose'], { cwd: dir }),
      await cli(['logs', 'export'], { cwd: dir }),
      await cli(['logs', 'export', '--format', 'csv'], { cwd: dir }),
      await cli(['test', 'sms', '--json', '--verbose'], { cwd: dir }),
      await cli(['test', 'sms'], { cwd: dir }),
    ];
    // The provider did receive and echo the credential, and its refusal reached the user.
    expect(twilio.seen.some((s) => s.endsWith(`Basic ${BASIC}`))).toBe(true);
    expect(results[0].code).not.toBe(0);
    expect(results[0].stderr).toContain('Authenticate');
    expect(results[0].stderr).toContain('[REDACTED]');
    expect(results[4].stdout).toContain('Authenticate');
    expect(results[6].stdout + results[6].stderr).toContain('Authenticate');

    const out = everything(results, dir);
    for (const leak of [`Basic ${BASIC}`, BASIC, BASIC.replace(/=+$/, ''), encodeURIComponent(`Basic ${BASIC}`), AUTH_TOKEN, `${ACCOUNT_SID}:${AUTH_TOKEN}`]) {
      expect(out).not.toContain(leak);
    }
  });

  it('an OAuth token obtained at run time (and one read from the cache by the next process) never appears', async () => {
    const dir = tempProject('integrations-redact-');
    writeJsonConfig(dir, {
      integrations: {
        mpesa: {
          adapter: 'mpesa',
          config: { consumerKey: 'ck-test', consumerSecret: 'cs-secret-123', shortcode: '174379', passkey: 'passkey-abcdef', callbackUrl: 'https://hooks.example.com/mpesa', baseUrl: mpesa.url },
        },
      },
    });
    const charge = (reference: string) => JSON.stringify({ amount: 10, phone: '254708374149', reference, description: 'test' });
    const results = [
      await cli(['run', 'mpesa', 'charge', '--payload', charge('first'), '--json', '--verbose'], { cwd: dir }),
      await cli(['run', 'mpesa', 'charge', '--payload', charge('second'), '--verbose'], { cwd: dir }),
      await cli(['logs', 'export'], { cwd: dir }),
    ];
    // One token was issued and the second process took it from the cache.
    expect(mpesa.seen.filter((s) => s.includes('/oauth/v1/generate'))).toHaveLength(1);
    expect(mpesa.seen.filter((s) => s.includes('processrequest'))).toHaveLength(2);
    expect(results[1].stderr).toContain('lacks the scope');

    const printed = results.flatMap((r) => [r.stdout, r.stderr]).join('\n');
    expect(printed).not.toContain(MPESA_TOKEN);
    expect(printed).not.toContain(Buffer.from(MPESA_TOKEN).toString('hex'));
    expect(printed).not.toContain('cs-secret-123');
    // The log rows (logs export above) are clean; the token cache itself is the store's to protect (§1).
    expect(results[2].stdout.split('\n').filter(Boolean)).toHaveLength(2);
  });
});
