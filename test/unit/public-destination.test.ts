import { describe, expect, it } from 'vitest';
import { checkDestination, checkLiteralDestination, nonPublicKind, publicOnlyLookup } from '../../src/http/public-destination.js';

describe('which addresses an outbound request to a subscriber may reach', () => {
  it('names every non-public IPv4 and IPv6 form, mapped and embedded ones included', () => {
    const cases: [string, string][] = [
      ['127.0.0.1', 'loopback'],
      ['127.255.0.9', 'loopback'],
      ['0.0.0.0', 'unspecified'],
      ['10.1.2.3', 'private'],
      ['172.16.0.1', 'private'],
      ['172.31.255.255', 'private'],
      ['192.168.1.1', 'private'],
      ['100.64.0.1', 'shared (carrier-grade NAT)'],
      ['169.254.169.254', 'link-local'],
      ['224.0.0.1', 'multicast'],
      ['255.255.255.255', 'reserved'],
      ['::', 'unspecified'],
      ['::1', 'loopback'],
      ['fc00::1', 'unique-local'],
      ['fd12:3456::1', 'unique-local'],
      ['fe80::1', 'link-local'],
      ['fe80::1%eth0', 'link-local'],
      ['ff02::1', 'multicast'],
      ['::ffff:127.0.0.1', 'loopback'],
      ['::ffff:7f00:1', 'loopback'],
      ['::ffff:a9fe:a9fe', 'link-local'],
      ['::127.0.0.1', 'IPv4-compatible'],
      ['64:ff9b::a00:1', 'private'],
      ['2002:7f00:1::', 'loopback'],
    ];
    for (const [address, kind] of cases) expect([address, nonPublicKind(address)]).toEqual([address, kind]);
    for (const address of ['8.8.8.8', '196.201.214.9', '172.32.0.1', '2001:4860:4860::8888', '64:ff9b::808:808', '2002:808:808::']) {
      expect([address, nonPublicKind(address)]).toEqual([address, undefined]);
    }
  });

  it('refuses the numeric and shorthand spellings a URL parser turns into internal addresses', () => {
    for (const url of ['http://2130706433/', 'http://0x7f.1/', 'http://017700000001/', 'http://127.1/', 'http://0/', 'http://[::]/', 'http://[::ffff:127.0.0.1]/']) {
      expect([url, checkLiteralDestination(new URL(url))?.message]).toEqual([url, expect.stringMatching(/is a (loopback|unspecified) address$/)]);
    }
    expect(checkLiteralDestination(new URL('https://8.8.8.8/hooks'))).toBeUndefined();
    // Names wait for the lookup.
    expect(checkLiteralDestination(new URL('http://localhost/'))).toBeUndefined();
  });

  it('resolves names: localhost is refused, a name that does not resolve is left to the connect-time check', async () => {
    expect((await checkDestination(new URL('http://localhost:8080/x')))?.message).toMatch(/^localhost resolves to (127\.0\.0\.1|::1), a loopback address$/);
    expect(await checkDestination(new URL('http://nothing-here.invalid/'))).toBeUndefined();
  });

  it('the connect-time lookup fails a loopback answer, in both callback shapes', async () => {
    const single = await new Promise<{ err: NodeJS.ErrnoException | null }>((resolve) => publicOnlyLookup('localhost', {}, (err) => resolve({ err })));
    expect(single.err).toMatchObject({ code: 'ERR_PRIVATE_DESTINATION' });
    const all = await new Promise<{ err: NodeJS.ErrnoException | null }>((resolve) => publicOnlyLookup('localhost', { all: true }, (err) => resolve({ err })));
    expect(all.err).toMatchObject({ code: 'ERR_PRIVATE_DESTINATION' });
  });
});
