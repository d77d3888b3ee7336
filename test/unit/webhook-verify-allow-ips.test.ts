import { describe, expect, it } from 'vitest';
import { clientAddress, compileTrustedProxies } from '../../src/webhooks/verify/allow-ips.js';
import { addressBytes, parseCidr } from '../../src/http/ip-ranges.js';
import { createVerifier } from '../../src/webhooks/verify/verify.js';
import type { VerifyRequest } from '../../src/webhooks/verify/types.js';
import { NOW, settings } from './webhook-verify-fixtures.js';

const SECRET = 'path-token-123';

function req(sourceIp: string | undefined, headers: Record<string, string> = {}): VerifyRequest {
  return { method: 'POST', path: `/webhooks/mpesa/${SECRET}`, query: {}, headers, rawBody: Buffer.from('{}'), sourceIp };
}

const verify = createVerifier(
  settings('token', [SECRET], { allowIps: ['196.201.214.0/24', '196.201.213.44', '2001:db8:abcd::/48', '::1'] }),
);

describe('allowIps', () => {
  it.each([
    ['196.201.214.0'],
    ['196.201.214.255'],
    ['196.201.213.44'],
    ['::ffff:196.201.214.7'],
    ['2001:db8:abcd:12::1'],
    ['2001:0db8:abcd:ffff:ffff:ffff:ffff:ffff'],
    ['::1'],
    ['::1%lo0'],
  ])('allows %s', (ip) => {
    expect(verify(req(ip), { now: NOW })).toEqual({ ok: true });
  });

  it.each([['196.201.215.1'], ['196.201.213.45'], ['10.0.0.1'], ['2001:db8:abce::1'], ['::2'], ['::ffff:10.0.0.1']])('rejects %s with 403', (ip) => {
    expect(verify(req(ip), { now: NOW })).toEqual({ ok: false, reason: 'ip-not-allowed', status: 403 });
  });

  it('rejects a request with no usable source address', () => {
    expect(verify(req(undefined), { now: NOW })).toEqual({ ok: false, reason: 'ip-unknown', status: 403 });
    expect(verify(req('not-an-ip'), { now: NOW })).toEqual({ ok: false, reason: 'ip-unknown', status: 403 });
  });

  it('checks the address before the scheme: a good token from a bad address is refused', () => {
    expect(verify(req('8.8.8.8'), { now: NOW })).toMatchObject({ reason: 'ip-not-allowed' });
    expect(verify({ ...req('196.201.214.9'), path: '/webhooks/mpesa/wrong' }, { now: NOW })).toMatchObject({ reason: 'bad-token' });
  });

  const proxies = compileTrustedProxies(['10.0.0.2', '10.9.0.0/16']);

  it('ignores X-Forwarded-For unless the proxy is trusted', () => {
    const spoofed = req('8.8.8.8', { 'x-forwarded-for': '196.201.214.9' });
    expect(verify(spoofed, { now: NOW })).toMatchObject({ reason: 'ip-not-allowed' });
    const proxied = req('10.0.0.2', { 'x-forwarded-for': '196.201.214.9' });
    expect(verify(proxied, { now: NOW, trustedProxies: proxies })).toEqual({ ok: true });
    expect(verify(proxied, { now: NOW })).toMatchObject({ reason: 'ip-not-allowed' });
  });

  it('believes X-Forwarded-For only when the connecting peer is a listed proxy', () => {
    // A direct client writing the header itself gets no further than its own address.
    const direct = req('8.8.8.8', { 'x-forwarded-for': '196.201.214.9' });
    expect(verify(direct, { now: NOW, trustedProxies: proxies })).toMatchObject({ reason: 'ip-not-allowed' });
    expect(clientAddress(direct, proxies)).toBe('8.8.8.8');
  });

  it('behind a trusted proxy believes only the entry the proxy appended, not client-supplied ones', () => {
    const forged = req('10.0.0.2', { 'x-forwarded-for': '196.201.214.9, 8.8.8.8' });
    expect(verify(forged, { now: NOW, trustedProxies: proxies })).toMatchObject({ reason: 'ip-not-allowed' });
    const real = req('10.0.0.2', { 'x-forwarded-for': '8.8.8.8, 196.201.214.9' });
    expect(verify(real, { now: NOW, trustedProxies: proxies })).toEqual({ ok: true });
  });

  it('walks from the right past further trusted proxies to the first untrusted hop', () => {
    const chained = req('10.0.0.2', { 'x-forwarded-for': '196.201.214.9, 8.8.8.8, 10.9.3.4' });
    expect(clientAddress(chained, proxies)).toBe('8.8.8.8');
    const twoHops = req('10.0.0.2', { 'x-forwarded-for': '6.6.6.6, 196.201.214.9, 10.9.3.4' });
    expect(verify(twoHops, { now: NOW, trustedProxies: proxies })).toEqual({ ok: true });
    // Every hop trusted: the leftmost is as far as the chain goes.
    expect(clientAddress(req('10.0.0.2', { 'x-forwarded-for': '10.9.1.1, 10.9.2.2' }), proxies)).toBe('10.9.1.1');
    // Garbage ends the walk at the last address believed.
    expect(clientAddress(req('10.0.0.2', { 'x-forwarded-for': 'unknown, 10.9.2.2' }), proxies)).toBe('10.9.2.2');
  });

  it('reads forwarded entries with ports and brackets', () => {
    expect(clientAddress(req('10.0.0.2', { 'x-forwarded-for': '196.201.214.9:51234' }), proxies)).toBe('196.201.214.9');
    expect(clientAddress(req('10.0.0.2', { 'x-forwarded-for': '[2001:db8::1]:443' }), proxies)).toBe('2001:db8::1');
    expect(clientAddress(req('10.0.0.2', { 'x-forwarded-for': '2001:db8::1' }), proxies)).toBe('2001:db8::1');
    expect(clientAddress(req('10.0.0.2', {}), proxies)).toBe('10.0.0.2');
  });

  it('trusts no one when no proxy is listed', () => {
    expect(compileTrustedProxies([])).toBeUndefined();
  });

  it('parses CIDRs strictly', () => {
    expect(parseCidr('0.0.0.0/0').bits).toBe(96);
    expect(parseCidr('::/0').bits).toBe(0);
    for (const bad of ['10.0.0.0/33', '::/129', '10.0.0/8', '10.0.0.0/', '10.0.0.0/8/1', 'host.example', '10.0.0.0/-1']) {
      expect(() => parseCidr(bad), bad).toThrow();
    }
  });

  it('normalises IPv6 forms to the same bytes', () => {
    expect(addressBytes('2001:db8::1')).toEqual(addressBytes('2001:0db8:0:0:0:0:0:1'));
    expect(addressBytes('::ffff:1.2.3.4')).toEqual(addressBytes('1.2.3.4'));
    expect(addressBytes('::ffff:0102:0304')).toEqual(addressBytes('1.2.3.4'));
  });

  it('an allow-all range admits everything of its family', () => {
    const any4 = createVerifier(settings('token', [SECRET], { allowIps: ['0.0.0.0/0'] }));
    expect(any4(req('203.0.113.9'), { now: NOW }).ok).toBe(true);
    expect(any4(req('2001:db8::1'), { now: NOW }).ok).toBe(false);
  });
});
