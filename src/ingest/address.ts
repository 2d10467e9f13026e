/**
 * Whether citebot may connect to an IP address: public addresses yes; private, loopback,
 * link-local, multicast and reserved ones no (each with a reason a moderator understands).
 *
 * IPv6 addresses that carry an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, also written
 * `::ffff:7f00:1`; IPv4-compatible `::a.b.c.d`; IPv4-translated `::ffff:0:a.b.c.d`; NAT64
 * `64:ff9b::/96`; 6to4 `2002::/16`) are judged by the IPv4 address inside them, so a private
 * IPv4 address cannot be reached by writing it as IPv6.
 */
import { isIP } from 'node:net';

/** What kind of address it is; every kind but `public` is blocked. */
export type AddressKind = 'public' | 'private' | 'loopback' | 'link-local' | 'multicast' | 'reserved';

/** The verdict on one address. */
export interface AddressVerdict {
  /** The address as given. */
  address: string;
  /** 4 or 6; 0 when it is not an IP address at all (then `kind` is `reserved`). */
  family: 0 | 4 | 6;
  kind: AddressKind;
  blocked: boolean;
  /** Why it is blocked, in a moderator's words ("that address is on a private network"). */
  reason?: string;
  /** For an IPv6 address carrying an IPv4 address: that IPv4 address, which was judged. */
  embedded?: string;
}

/** The reason shown for each blocked kind. */
export const BLOCK_REASONS: Readonly<Record<Exclude<AddressKind, 'public'>, string>> = {
  private: 'that address is on a private network',
  loopback: 'that address is this machine (loopback)',
  'link-local': 'that address is link-local (only reachable on the local network segment)',
  multicast: 'that address is multicast, not a single machine',
  reserved: 'that address is reserved, not a usable address',
};

type Rule = readonly [prefix: bigint, bits: number, kind: Exclude<AddressKind, 'public'>];

/** Blocked IPv4 ranges (RFC 6890 and friends). */
const V4_RULES: readonly Rule[] = [
  [v4('0.0.0.0'), 8, 'reserved'],
  [v4('10.0.0.0'), 8, 'private'],
  [v4('100.64.0.0'), 10, 'private'], // carrier-grade NAT
  [v4('127.0.0.0'), 8, 'loopback'],
  [v4('169.254.0.0'), 16, 'link-local'],
  [v4('172.16.0.0'), 12, 'private'],
  [v4('192.0.0.0'), 24, 'reserved'], // IETF protocol assignments
  [v4('192.0.2.0'), 24, 'reserved'], // documentation
  [v4('192.88.99.0'), 24, 'reserved'], // the old 6to4 relay
  [v4('192.168.0.0'), 16, 'private'],
  [v4('198.18.0.0'), 15, 'private'], // benchmarking networks
  [v4('198.51.100.0'), 24, 'reserved'], // documentation
  [v4('203.0.113.0'), 24, 'reserved'], // documentation
  [v4('224.0.0.0'), 4, 'multicast'],
  [v4('240.0.0.0'), 4, 'reserved'], // includes 255.255.255.255
];

/** Blocked IPv6 ranges, after the exact `::` and `::1` and the IPv4-carrying ranges. */
const V6_RULES: readonly Rule[] = [
  [v6('fe80::'), 10, 'link-local'],
  [v6('fec0::'), 10, 'private'], // the old site-local addresses
  [v6('fc00::'), 7, 'private'], // unique local addresses
  [v6('ff00::'), 8, 'multicast'],
  [v6('2001:db8::'), 32, 'reserved'], // documentation
  [v6('100::'), 64, 'reserved'], // discard-only
  [v6('64:ff9b:1::'), 48, 'private'], // local-use NAT64
];

/** IPv6 ranges whose last 32 bits are an IPv4 address. */
const V4_CARRIERS: readonly (readonly [prefix: bigint, bits: number])[] = [
  [v6('::ffff:0:0'), 96], // IPv4-mapped
  [v6('::ffff:0:0:0'), 96], // IPv4-translated
  [v6('64:ff9b::'), 96], // NAT64
  [v6('::'), 96], // IPv4-compatible (deprecated)
];
const SIX_TO_FOUR = v6('2002::');

/** An IPv4 address as a 32-bit number (the caller checked it with isIP). */
function v4(text: string): bigint {
  return text.split('.').reduce((n, part) => (n << 8n) | BigInt(Number(part)), 0n);
}

/** An IPv6 address (zone removed; a dotted IPv4 tail allowed) as a 128-bit number. */
function v6(text: string): bigint {
  let rest = text;
  const words: bigint[] = [];
  const lastColon = rest.lastIndexOf(':');
  const tail = rest.slice(lastColon + 1);
  let tailWords: bigint[] = [];
  if (tail.includes('.')) {
    const n = v4(tail);
    tailWords = [n >> 16n, n & 0xffffn];
    rest = rest.slice(0, lastColon + 1);
    if (!rest.endsWith('::')) rest = rest.slice(0, -1);
  }
  const [head = '', after] = rest.split('::');
  const parse = (s: string): bigint[] => (s === '' ? [] : s.split(':').map((w) => BigInt(`0x${w}`)));
  const front = parse(head);
  const back = [...(after === undefined ? [] : parse(after)), ...tailWords];
  const zeros = 8 - front.length - back.length;
  words.push(...front, ...Array.from({ length: Math.max(0, zeros) }, () => 0n), ...back);
  return words.reduce((n, w) => (n << 16n) | w, 0n);
}

function inRange(value: bigint, width: number, prefix: bigint, bits: number): boolean {
  const shift = BigInt(width - bits);
  return value >> shift === prefix >> shift;
}

function ruled(value: bigint, width: number, rules: readonly Rule[]): AddressKind {
  for (const [prefix, bits, kind] of rules) if (inRange(value, width, prefix, bits)) return kind;
  return 'public';
}

function dotted(n: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 0xffn)).join('.');
}

function verdict(address: string, family: 0 | 4 | 6, kind: AddressKind, embedded?: string): AddressVerdict {
  const v: AddressVerdict = { address, family, kind, blocked: kind !== 'public' };
  if (kind !== 'public') v.reason = BLOCK_REASONS[kind];
  if (embedded !== undefined) v.embedded = embedded;
  return v;
}

/**
 * Classifies an IP address (IPv4 dotted, or IPv6 with or without a zone such as `%eth0`, with
 * or without brackets). Anything that is not an IP address is `reserved` and blocked.
 */
export function classifyAddress(address: string): AddressVerdict {
  const bare = address.replace(/^\[(.*)\]$/u, '$1').replace(/%.*$/u, '');
  const family = isIP(bare);
  if (family === 4) return verdict(address, 4, ruled(v4(bare), 32, V4_RULES));
  if (family !== 6) return verdict(address, 0, 'reserved');
  const n = v6(bare);
  if (n === 0n) return verdict(address, 6, 'reserved');
  if (n === 1n) return verdict(address, 6, 'loopback');
  for (const [prefix, bits] of V4_CARRIERS) {
    if (inRange(n, 128, prefix, bits)) {
      const inner = n & 0xffffffffn;
      return verdict(address, 6, ruled(inner, 32, V4_RULES), dotted(inner));
    }
  }
  if (inRange(n, 128, SIX_TO_FOUR, 16)) {
    const inner = (n >> 80n) & 0xffffffffn;
    return verdict(address, 6, ruled(inner, 32, V4_RULES), dotted(inner));
  }
  return verdict(address, 6, ruled(n, 128, V6_RULES));
}

/** The kinds an allowed host (FETCH_ALLOW_HOSTS) may still reach: never multicast or reserved. */
export function allowedWhenListed(kind: AddressKind): boolean {
  return kind === 'public' || kind === 'private' || kind === 'loopback' || kind === 'link-local';
}
