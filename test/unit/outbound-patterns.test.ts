import { describe, expect, it } from 'vitest';
import { compilePatterns, matchesEvent, parseEventPatterns } from '../../src/webhooks/outbound/patterns.js';

describe('outbound event patterns', () => {
  it('splits a comma list, trims, drops blanks and repeats', () => {
    expect(parseEventPatterns(' payment.* , sms.delivered,,payment.*')).toEqual(['payment.*', 'sms.delivered']);
    expect(parseEventPatterns(['payment.succeeded', 'sms.failed,sms.delivered'])).toEqual(['payment.succeeded', 'sms.failed', 'sms.delivered']);
  });

  it('refuses an empty list and characters that are no event type', () => {
    expect(() => parseEventPatterns(' , ')).toThrow(/no event patterns/);
    expect(() => parseEventPatterns('payment.succeeded;drop')).toThrow(/invalid event pattern "payment.succeeded;drop"/);
    expect(() => parseEventPatterns('payment succeeded')).toThrow(RangeError);
  });

  it('matches exact types exactly', () => {
    const match = compilePatterns(['sms.delivered']);
    expect(match('sms.delivered')).toBe(true);
    expect(match('sms.delivered.late')).toBe(false);
    expect(match('sms.deliveredX')).toBe(false);
    expect(match('SMS.delivered')).toBe(false);
  });

  it('treats * as any run of characters, dots included', () => {
    expect(matchesEvent(['payment.*'], 'payment.succeeded')).toBe(true);
    expect(matchesEvent(['payment.*'], 'payment.refund.failed')).toBe(true);
    expect(matchesEvent(['payment.*'], 'payments.succeeded')).toBe(false);
    expect(matchesEvent(['payment.*'], 'payment')).toBe(false);
    expect(matchesEvent(['*.failed'], 'sms.failed')).toBe(true);
    expect(matchesEvent(['*.failed'], 'sms.delivered')).toBe(false);
    expect(matchesEvent(['*'], 'anything.at.all')).toBe(true);
  });

  it('does not read the dot as a regular-expression wildcard', () => {
    expect(matchesEvent(['payment.*'], 'paymentXsucceeded')).toBe(false);
    expect(matchesEvent(['a.b'], 'aXb')).toBe(false);
  });

  it('matches when any pattern of the list does', () => {
    const match = compilePatterns(parseEventPatterns('payment.*,sms.delivered'));
    expect(['payment.failed', 'sms.delivered', 'sms.failed', 'email.bounced'].filter(match)).toEqual(['payment.failed', 'sms.delivered']);
  });
});
