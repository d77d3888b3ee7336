import { describe, expect, it } from 'vitest';
import { REDACTED, redact, scrub } from '../../src/core/redact.js';
import { registeringCredentials, SecretSet } from '../../src/core/secret-set.js';
import type { HttpClient, HttpRequest } from '../../src/http/types.js';

const SECRET = 'f3b1c9e07a5d42e8b6c1d0a9e8f7c6b5';
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

describe('scrub: a secret in the encodings it takes on the wire', () => {
  it('masks the plain value and its base64, base64url, URL-encoded and hex forms', () => {
    const secret = 'p@ss/word+key?&=x';
    const forms = {
      base64: b64(secret),
      base64NoPadding: b64(secret).replace(/=+$/, ''),
      base64url: Buffer.from(secret).toString('base64url'),
      url: encodeURIComponent(secret),
      form: new URLSearchParams({ v: secret }).toString().slice(2),
      hex: Buffer.from(secret).toString('hex'),
      HEX: Buffer.from(secret).toString('hex').toUpperCase(),
    };
    for (const [name, form] of Object.entries(forms)) {
      const out = scrub(`echo: ${form} end`, [secret]);
      expect(out, name).toBe(`echo: ${REDACTED} end`);
    }
    expect(scrub(`x ${secret} y`, [secret])).toBe(`x ${REDACTED} y`);
  });

  it('masks the secret inside the base64 of a pair the adapter built, whatever it was paired with and at every alignment', () => {
    for (const user of ['AC0123456789abcdef0123456789abcdef', 'a', 'ab', 'abc']) {
      const encoded = b64(`${user}:${SECRET}`);
      const out = scrub(`body ${encoded}`, [SECRET]);
      expect(out, user).toContain(REDACTED);
      // What is left around the mask holds at most a few bits of the secret: not enough characters of the encoding survive.
      const kept = out.replace(`body `, '').split(REDACTED).join('');
      expect(kept.length, user).toBeLessThan(encoded.length - 40);
      expect(Buffer.from(kept, 'base64').toString('latin1')).not.toContain(SECRET.slice(0, 4));
    }
  });

  it('masks "Basic <base64 of user:password>" and "Bearer <token>" quoted in provider text, unknown secrets included', () => {
    const basic = b64('someone:hunter2-unknown');
    expect(scrub(`{"error":"bad auth","echo":"Basic ${basic}"}`)).toBe(`{"error":"bad auth","echo":"Basic ${REDACTED}"}`);
    expect(scrub('Authorization: Bearer ya29.a0AfH6SMBx-3kq_ZZ')).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redact({ message: `rejected bearer eyJhbGciOi.eyJzdWIiOiIx.sig` })).toEqual({ message: `rejected bearer ${REDACTED}` });
  });

  it('leaves prose around the words Basic and Bearer alone', () => {
    const prose = 'Bearer token required; use Basic realm="api" or Basic authentication';
    expect(scrub(prose)).toBe(prose);
  });

  it('reads a live SecretSet when redacting, so a secret added later is masked from then on', () => {
    const secrets = new SecretSet(['config-secret-1']);
    expect(redact({ m: 'token tok_live_998877' }, { values: secrets })).toEqual({ m: 'token tok_live_998877' });
    secrets.add('tok_live_998877');
    expect(redact({ m: 'token tok_live_998877 config-secret-1' }, { values: secrets })).toEqual({ m: `token ${REDACTED} ${REDACTED}` });
  });

  it('refuses to hold values too short to mask', () => {
    const secrets = new SecretSet(['abc', '', 'abcd']);
    expect([...secrets]).toEqual(['abcd']);
  });
});

describe('registeringCredentials', () => {
  it('registers the Authorization header an adapter sends, its credential, and the decoded pair and password of Basic', async () => {
    const sent: HttpRequest[] = [];
    const inner: HttpClient = { baseUrl: 'http://127.0.0.1:9', request: async (req) => (sent.push(req), { status: 200, headers: {}, body: Buffer.alloc(0), text: () => '', json: () => ({}) as never }) };
    const secrets = new SecretSet();
    const http = registeringCredentials(inner, secrets);
    const basic = b64('AC42:tok3n-from-somewhere');
    await http.request({ path: '/x', headers: { Authorization: `Basic ${basic}`, 'idempotency-key': 'idem-12345' } });
    await http.request({ path: '/y', headers: { 'x-api-key': 'key-abcdef' } });
    expect(sent.map((r) => r.path)).toEqual(['/x', '/y']);
    expect(new Set(secrets)).toEqual(new Set([`Basic ${basic}`, basic, 'AC42:tok3n-from-somewhere', 'tok3n-from-somewhere', 'key-abcdef']));
  });
});
