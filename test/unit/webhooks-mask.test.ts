import { describe, expect, it } from 'vitest';
import { Masker } from '../../src/webhooks/ingest/mask.js';
import { metaHandshake } from '../../src/daemon/handshake.js';
import { route, splitUrl } from '../../src/daemon/request.js';

describe('masking what the store keeps of a request', () => {
  const masker = new Masker(['s3cret-token', 'verif-hash-value', 'abc']);

  it('replaces credential headers and scrubs configured secret values wherever they appear', () => {
    expect(
      masker.headers({ authorization: 'Bearer x', cookie: 'a=b', 'verif-hash': 'verif-hash-value', 'x-note': 'has s3cret-token inside', 'x-hub-signature-256': 'sha256=ab' }),
    ).toEqual({ authorization: '[REDACTED]', cookie: '[REDACTED]', 'verif-hash': '[REDACTED]', 'x-note': 'has [REDACTED] inside', 'x-hub-signature-256': 'sha256=ab' });
  });

  it('hides the token segment of a webhook path even when it matches no configured secret', () => {
    expect(masker.path('/webhooks/mpesa/s3cret-token')).toBe('/webhooks/mpesa/[REDACTED]');
    expect(masker.path('/webhooks/mpesa/unknown-token')).toBe('/webhooks/mpesa/[REDACTED]');
    expect(masker.path('/webhooks/mpesa')).toBe('/webhooks/mpesa');
  });

  it('scrubs query values and ignores secrets too short to be told from ordinary text', () => {
    expect(masker.query({ token: 's3cret-token', page: 'abc' })).toEqual({ token: '[REDACTED]', page: 'abc' });
  });
});

describe('daemon routing and the Meta handshake', () => {
  it('routes webhook paths with and without a token, and nothing else', () => {
    expect(route('/webhooks/mpesa')).toEqual({ kind: 'webhook', integration: 'mpesa', hasToken: false });
    expect(route('/webhooks/mpesa/tok')).toEqual({ kind: 'webhook', integration: 'mpesa', hasToken: true });
    for (const bad of ['/webhooks/', '/webhooks/a/b/c', '/webhooks/A', '/webhooks/%2e%2e', '/webhooks/a/', '/other']) expect(route(bad).kind).toBe('not-found');
    expect(route('/healthz').kind).toBe('healthz');
    expect(splitUrl('/webhooks/x?a=1&a=2&b=%20')).toEqual({ path: '/webhooks/x', query: { a: '2', b: ' ' }, rawQuery: 'a=1&a=2&b=%20' });
  });

  it('echoes the challenge only for subscribe with the right token', () => {
    const q = (mode: string, token: string, challenge = '123') => ({ 'hub.mode': mode, 'hub.verify_token': token, 'hub.challenge': challenge });
    expect(metaHandshake(q('subscribe', 'tok-1234'), 'tok-1234')).toEqual({ ok: true, challenge: '123' });
    expect(metaHandshake(q('subscribe', 'tok-12345'), 'tok-1234')).toMatchObject({ ok: false, status: 403 });
    expect(metaHandshake(q('unsubscribe', 'tok-1234'), 'tok-1234')).toMatchObject({ ok: false, status: 403 });
    expect(metaHandshake(q('subscribe', 'tok-1234', 'x'.repeat(600)), 'tok-1234')).toMatchObject({ ok: false, status: 400 });
    expect(metaHandshake({}, 'tok-1234')).toMatchObject({ ok: false, status: 400, reason: 'not-a-handshake' });
  });
});
