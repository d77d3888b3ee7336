import { describe, expect, it } from 'vitest';
import { REDACTED, redact, scrub } from '../../src/core/redact.js';

describe('redact', () => {
  it('redacts fields whose names are secrets by nature, at any depth and in any case', () => {
    const out = redact({ user: 'ann', Password: 'p4ss-w0rd', nested: { api_key: 'k-123456', accessToken: 'tok-abcdef', pin: 1234 }, list: [{ client_secret: 'cs-987654' }] });
    expect(out).toEqual({ user: 'ann', Password: REDACTED, nested: { api_key: REDACTED, accessToken: REDACTED, pin: REDACTED }, list: [{ client_secret: REDACTED }] });
  });

  it('leaves fields that merely contain a secret-sounding word', () => {
    expect(redact({ tokenType: 'Bearer', passenger: 'Ann', pinned: true })).toEqual({ tokenType: 'Bearer', passenger: 'Ann', pinned: true });
  });

  it('redacts configured dotted paths, with * matching one segment', () => {
    const value = { card: { number: '4242', exp: '12/30' }, items: [{ pin: 'x', sku: 'a' }, { serial: 's-1', sku: 'b' }], customer: { id: { number: 'N-1' } } };
    const out = redact(value, { paths: ['card.number', 'items.*.serial', 'customer.id'] });
    expect(out).toEqual({ card: { number: REDACTED, exp: '12/30' }, items: [{ pin: REDACTED, sku: 'a' }, { serial: REDACTED, sku: 'b' }], customer: { id: REDACTED } });
  });

  it('scrubs literal secret values wherever they appear in strings, longest first', () => {
    const out = redact({ message: 'auth with sk_test_abcdef failed; prefix sk_test_ab', list: ['sk_test_abcdef'] }, { values: ['sk_test_ab', 'sk_test_abcdef'] });
    expect(out).toEqual({ message: `auth with ${REDACTED} failed; prefix ${REDACTED}`, list: [REDACTED] });
  });

  it('ignores values too short to scrub without mangling everything', () => {
    expect(redact({ note: 'abc abc' }, { values: ['abc', ''] })).toEqual({ note: 'abc abc' });
  });

  it('does not modify its input', () => {
    const input = { password: 'p4ssword', deep: { token: 't0ken123' } };
    redact(input, { paths: ['deep'] });
    expect(input).toEqual({ password: 'p4ssword', deep: { token: 't0ken123' } });
  });

  it('describes buffers instead of dumping them, and keeps nulls and scalars', () => {
    expect(redact({ body: Buffer.from('hello'), token: null, n: 3, ok: false })).toEqual({ body: '<5 bytes>', token: null, n: 3, ok: false });
    expect(redact('plain sk_live_123456', { values: ['sk_live_123456'] })).toBe(`plain ${REDACTED}`);
  });
});

describe('scrub', () => {
  it('replaces every occurrence of each secret in a message', () => {
    expect(scrub('a=s3cr3t-value b=s3cr3t-value', ['s3cr3t-value'])).toBe(`a=${REDACTED} b=${REDACTED}`);
    expect(scrub('nothing to hide', ['s3cr3t-value'])).toBe('nothing to hide');
  });
});
