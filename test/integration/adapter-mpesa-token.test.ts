import { beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import mpesa from '../../adapters/mpesa/index.js';
import { startMpesaSimulator, type MpesaSimulator } from '../../adapters/mpesa/simulator.js';
import type { Harness } from './payment-adapter-harness.js';
import { onSimulator } from './simulator-fixture.js';

const OAUTH = '/oauth/v1/generate';
const STK = '/mpesa/stkpush/v1/processrequest';
const payment = { amount: 20, phone: '0722000111', reference: 'T-1', description: 'Token test' };

describe('mpesa access tokens', () => {
  let sim: MpesaSimulator;
  let h: Harness;
  let clock: ManualClock;

  beforeEach(async () => {
    const f = await onSimulator(mpesa, startMpesaSimulator);
    ({ sim, h, clock } = f);
    return f.close;
  });

  const bearer = (i: number) => sim.received(/^\/mpesa\//)[i].headers.authorization;

  it('asks for a token with Basic consumer credentials and reuses it across calls and contexts', async () => {
    await h.run('charge', payment);
    await h.run('charge', { ...payment, reference: 'T-2' });
    // A fresh context over the same store is a later CLI run: the cached token still serves.
    await mpesa.operations.balance.run(h.ctx() as never, { remarks: 'check' });
    const [oauth] = sim.received(OAUTH);
    expect(sim.received(OAUTH)).toHaveLength(1);
    expect(oauth.query).toEqual({ grant_type: 'client_credentials' });
    expect(oauth.headers.authorization).toBe(`Basic ${Buffer.from(`${sim.credentials.consumerKey}:${sim.credentials.consumerSecret}`).toString('base64')}`);
    expect(bearer(0)).toBe(bearer(1));
    expect(bearer(1)).toBe(bearer(2));
  });

  it('keeps the token until a minute before it expires, then fetches a new one before calling', async () => {
    await h.run('charge', payment);
    clock.advance((3599 - 61) * 1000);
    await h.run('charge', { ...payment, reference: 'T-2' });
    expect(sim.received(OAUTH)).toHaveLength(1);

    clock.advance(2_000); // now 59 s before expiry
    await h.run('charge', { ...payment, reference: 'T-3' });
    expect(sim.received(OAUTH)).toHaveLength(2);
    expect(bearer(2)).not.toBe(bearer(1));
    // No request was refused along the way: the refresh happened before the token died.
    expect(sim.received(STK)).toHaveLength(3);
  });

  it('fetches a new token when the cached one has expired on the simulator clock', async () => {
    await h.run('charge', payment);
    clock.advance(2 * 3600 * 1000);
    await h.run('charge', { ...payment, reference: 'T-2' });
    expect(sim.received(OAUTH)).toHaveLength(2);
    expect(sim.received(STK)).toHaveLength(2);
  });

  it('refreshes once when Daraja refuses a token mid-flight, and the call succeeds', async () => {
    await h.run('charge', payment);
    sim.revokeTokens();
    const out = await h.run('charge', { ...payment, reference: 'T-2' });
    expect(out.status).toBe('pending');
    expect(sim.received(OAUTH)).toHaveLength(2);
    expect(sim.received(STK)).toHaveLength(3);
    expect(bearer(2)).not.toBe(bearer(1));
    // The refreshed token is cached: the next call does not fetch again.
    await h.run('charge', { ...payment, reference: 'T-3' });
    expect(sim.received(OAUTH)).toHaveLength(2);
    expect(bearer(3)).toBe(bearer(2));
  });

  it('tracks the token per consumer key: rotated credentials never reuse the old token', async () => {
    await h.run('charge', payment);
    // Same integration and store, other consumer key: the cached token must not be used.
    const rotated = h.ctx({ config: { ...h.integration.config, consumerKey: `${sim.credentials.consumerKey}x` } });
    await expect(mpesa.operations.charge.run(rotated as never, { ...payment, phone: '254722000111' })).rejects.toMatchObject({ category: 'AUTHENTICATION_FAILED' });
    expect(sim.received(OAUTH)).toHaveLength(2);
    expect(sim.received(STK)).toHaveLength(1);
  });
});
