// Which IP addresses citebot may connect to (src/ingest/address.ts), and how a host's addresses are
// checked (src/ingest/resolve.ts): every blocked range, IPv4 hidden inside IPv6, FETCH_ALLOW_HOSTS.
import { describe, expect, it } from 'vitest';
import { BLOCK_REASONS, classifyAddress, type AddressKind } from '../../src/ingest/address.js';
import { checkedAddresses, isAllowedHost, normalizeHost } from '../../src/ingest/resolve.js';
import { refusal, tableResolver } from './helpers.js';

const cases: [address: string, kind: AddressKind][] = [
  ['93.184.216.34', 'public'],
  ['8.8.8.8', 'public'],
  ['0.0.0.0', 'reserved'],
  ['0.255.1.2', 'reserved'],
  ['10.0.0.1', 'private'],
  ['10.255.255.255', 'private'],
  ['100.64.0.1', 'private'],
  ['100.127.255.255', 'private'],
  ['100.128.0.1', 'public'],
  ['127.0.0.1', 'loopback'],
  ['127.8.9.10', 'loopback'],
  ['169.254.169.254', 'link-local'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['172.32.0.1', 'public'],
  ['172.15.255.255', 'public'],
  ['192.0.0.8', 'reserved'],
  ['192.0.2.10', 'reserved'],
  ['192.88.99.1', 'reserved'],
  ['192.168.1.1', 'private'],
  ['192.169.0.1', 'public'],
  ['198.18.0.1', 'private'],
  ['198.19.255.255', 'private'],
  ['198.20.0.1', 'public'],
  ['198.51.100.7', 'reserved'],
  ['203.0.113.9', 'reserved'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['240.0.0.1', 'reserved'],
  ['255.255.255.255', 'reserved'],
  ['2606:4700:4700::1111', 'public'],
  ['::', 'reserved'],
  ['::1', 'loopback'],
  ['0:0:0:0:0:0:0:1', 'loopback'],
  ['[::1]', 'loopback'],
  ['fe80::1', 'link-local'],
  ['fe80::1%eth0', 'link-local'],
  ['febf::1', 'link-local'],
  ['fc00::1', 'private'],
  ['fd12:3456::1', 'private'],
  ['FD12:3456::1', 'private'],
  ['ff02::1', 'multicast'],
  ['2001:db8::1', 'reserved'],
  ['100::1', 'reserved'],
  ['100:0:0:1::1', 'public'],
  // IPv4 inside IPv6, judged by the IPv4 address.
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['::ffff:10.1.2.3', 'private'],
  ['::ffff:a01:203', 'private'],
  ['::ffff:93.184.216.34', 'public'],
  ['::ffff:0:127.0.0.1', 'loopback'],
  ['::127.0.0.1', 'loopback'],
  ['::192.168.0.1', 'private'],
  ['64:ff9b::10.0.0.1', 'private'],
  ['64:ff9b::a9fe:a9fe', 'link-local'],
  ['64:ff9b::8.8.8.8', 'public'],
  ['2002:c0a8:0101::1', 'private'],
  ['2002:0808:0808::1', 'public'],
];

describe('classifyAddress', () => {
  it.each(cases)('%s is %s', (address, kind) => {
    const verdict = classifyAddress(address);
    expect(verdict.kind).toBe(kind);
    expect(verdict.blocked).toBe(kind !== 'public');
    if (kind === 'public') expect(verdict.reason).toBeUndefined();
    else expect(verdict.reason).toBe(BLOCK_REASONS[kind]);
  });

  it('names the IPv4 address found inside an IPv6 one', () => {
    expect(classifyAddress('::ffff:7f00:1').embedded).toBe('127.0.0.1');
    expect(classifyAddress('64:ff9b::a00:1').embedded).toBe('10.0.0.1');
    expect(classifyAddress('2001:db8::1').embedded).toBeUndefined();
  });

  it('blocks what is not an IP address at all', () => {
    expect(classifyAddress('example.com')).toMatchObject({ family: 0, blocked: true, kind: 'reserved' });
    expect(classifyAddress('')).toMatchObject({ blocked: true });
  });

  it('words every reason for a moderator', () => {
    expect(classifyAddress('10.0.0.1').reason).toBe('that address is on a private network');
    expect(classifyAddress('127.0.0.1').reason).toBe('that address is this machine (loopback)');
    expect(classifyAddress('169.254.1.1').reason).toMatch(/^that address is link-local/u);
    expect(classifyAddress('224.0.0.1').reason).toMatch(/^that address is multicast/u);
    expect(classifyAddress('0.0.0.0').reason).toMatch(/not a usable address$/u);
  });
});

describe('FETCH_ALLOW_HOSTS matching', () => {
  it('compares names case-insensitively, without brackets or a final dot', () => {
    expect(isAllowedHost('Wiki.Intranet.', ['wiki.intranet'])).toBe(true);
    expect(isAllowedHost('wiki.intranet', ['WIKI.INTRANET'])).toBe(true);
    expect(isAllowedHost('[::1]', ['0:0:0:0:0:0:0:1'])).toBe(true);
    expect(isAllowedHost('other.intranet', ['wiki.intranet'])).toBe(false);
    expect(isAllowedHost('wiki.intranet.evil.example', ['wiki.intranet'])).toBe(false);
    expect(normalizeHost('BÜCHER.example')).toBe('xn--bcher-kva.example');
  });
});

describe('checkedAddresses', () => {
  const dns = tableResolver({
    'news.example': ['93.184.216.34', '2606:2800:220:1::1'],
    'mixed.example': ['93.184.216.34', '10.1.2.3'],
    'intranet.example': ['10.1.2.3'],
    'multicast.example': ['224.0.0.1'],
    'mapped.example': ['::ffff:7f00:1'],
  });

  it('gives every address of a public host, resolving it once', async () => {
    dns.calls.length = 0;
    await expect(checkedAddresses('news.example', [], dns)).resolves.toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1::1', family: 6 },
    ]);
    expect(dns.calls).toEqual(['news.example']);
  });

  it('refuses a host when any one of its addresses is blocked', async () => {
    const err = await refusal(checkedAddresses('mixed.example', [], dns));
    expect(err.code).toBe('blocked_address');
    expect(err.message).toBe(
      'citebot does not fetch from mixed.example (10.1.2.3): that address is on a private network',
    );
    const mapped = await refusal(checkedAddresses('mapped.example', [], dns));
    expect(mapped.message).toContain('that address is this machine (loopback)');
  });

  it('checks a literal address without asking DNS', async () => {
    dns.calls.length = 0;
    const err = await refusal(checkedAddresses('[::ffff:a00:1]', [], dns));
    expect(err.message).toBe(
      'citebot does not fetch from ::ffff:a00:1: that address is on a private network',
    );
    await expect(checkedAddresses('93.184.216.34', [], dns)).resolves.toEqual([
      { address: '93.184.216.34', family: 4 },
    ]);
    expect(dns.calls).toEqual([]);
  });

  it('lets FETCH_ALLOW_HOSTS reach private addresses, never multicast or reserved ones', async () => {
    await expect(checkedAddresses('INTRANET.example', ['intranet.example'], dns)).resolves.toHaveLength(1);
    await expect(checkedAddresses('127.0.0.1', ['127.0.0.1'], dns)).resolves.toHaveLength(1);
    const err = await refusal(checkedAddresses('multicast.example', ['multicast.example'], dns));
    expect(err.code).toBe('blocked_address');
    expect((await refusal(checkedAddresses('0.0.0.0', ['0.0.0.0'], dns))).code).toBe('blocked_address');
  });

  it('says a host was not found', async () => {
    const err = await refusal(checkedAddresses('nowhere.example', [], dns));
    expect(err.code).toBe('dns');
    expect(err.message).toBe('citebot could not find the host nowhere.example');
    const empty = await refusal(checkedAddresses('x.example', [], () => Promise.resolve([])));
    expect(empty.code).toBe('dns');
  });

  it('finds nothing for example.invalid through the system resolver', async () => {
    const err = await refusal(checkedAddresses('example.invalid', []));
    expect(err.code).toBe('dns');
    expect(err.message).toBe('citebot could not find the host example.invalid');
  });
});
