import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';

interface Range {
  /** The network's address as bytes (4 for IPv4, 16 for IPv6). */
  base: readonly number[];
  bits: number;
  kind: string;
}

function v4(cidr: string, kind: string): Range {
  const [address = '', bits = ''] = cidr.split('/');
  return { base: v4Bytes(address), bits: Number(bits), kind };
}

function v6(cidr: string, kind: string): Range {
  const [address = '', bits = ''] = cidr.split('/');
  return { base: v6Bytes(address), bits: Number(bits), kind };
}

const V4_RANGES: readonly Range[] = [
  v4('0.0.0.0/8', 'unspecified'),
  v4('10.0.0.0/8', 'private'),
  v4('100.64.0.0/10', 'carrier-grade NAT'),
  v4('127.0.0.0/8', 'loopback'),
  v4('169.254.0.0/16', 'link-local, cloud metadata'),
  v4('172.16.0.0/12', 'private'),
  v4('192.0.0.0/24', 'reserved, IETF protocol assignments'),
  v4('192.0.2.0/24', 'reserved, documentation'),
  v4('192.168.0.0/16', 'private'),
  v4('198.18.0.0/15', 'benchmarking'),
  v4('198.51.100.0/24', 'reserved, documentation'),
  v4('203.0.113.0/24', 'reserved, documentation'),
  v4('224.0.0.0/4', 'multicast'),
  v4('240.0.0.0/4', 'reserved'),
];

const V6_RANGES: readonly Range[] = [
  v6('::/128', 'unspecified'),
  v6('::1/128', 'loopback'),
  // IPv4-compatible addresses, deprecated since 2006: nothing public lives there.
  v6('::/96', 'reserved, IPv4-compatible'),
  v6('64:ff9b:1::/48', 'private, local NAT64'),
  v6('100::/64', 'reserved, discard-only'),
  v6('2001::/32', 'reserved, Teredo tunnel'),
  v6('2001:db8::/32', 'reserved, documentation'),
  v6('fc00::/7', 'private, unique local'),
  v6('fe80::/10', 'link-local'),
  v6('fec0::/10', 'private, site-local'),
  v6('ff00::/8', 'multicast'),
];

/**
 * IPv6 ranges that carry an IPv4 address, and the byte where it starts: a connection to one of them
 * reaches that IPv4 address (on this host for a mapped address, through a gateway for NAT64 and
 * 6to4), so it is judged by that address.
 */
const V6_EMBEDDING_V4: readonly (readonly [Range, number])[] = [
  [v6('::ffff:0:0/96', 'IPv4-mapped'), 12],
  [v6('64:ff9b::/96', 'NAT64'), 12],
  [v6('2002::/16', '6to4'), 2],
];

/**
 * Whether Sluice must refuse to connect to `ip` when a caller chose it: loopback, private,
 * link-local (with the cloud metadata service), unspecified, carrier-grade NAT, benchmarking,
 * multicast and reserved ranges, in IPv4 and IPv6, including IPv6 forms that reach an IPv4 address
 * in those ranges. Anything that is not an IP address counts as private: never connect to it.
 */
export function isPrivateAddress(ip: string): boolean {
  return blockedKind(ip) !== null;
}

/** Why `ip` is refused (the kind of range it is in), or null for a public address. */
function blockedKind(ip: string): string | null {
  const address = ip.split('%')[0] ?? ''; // an IPv6 zone (fe80::1%eth0) names an interface, not a host
  const version = isIP(address);
  if (version === 4) {
    return kindIn(V4_RANGES, v4Bytes(address));
  }
  if (version !== 6) {
    return 'not an IP address';
  }
  const bytes = v6Bytes(address);
  for (const [range, offset] of V6_EMBEDDING_V4) {
    if (contains(range, bytes)) {
      const embedded = bytes.slice(offset, offset + 4);
      const kind = kindIn(V4_RANGES, embedded);
      return kind && `${kind}; ${range.kind} ${embedded.join('.')}`;
    }
  }
  return kindIn(V6_RANGES, bytes);
}

/** A blocked address's kind without the address embedded in it ("private; IPv4-mapped 10.0.0.7"). */
function broadKind(kind: string): string {
  return kind.split(';')[0] ?? kind;
}

function kindIn(ranges: readonly Range[], bytes: readonly number[]): string | null {
  // The most specific range names the address best (::1 is loopback before it is IPv4-compatible).
  let best: Range | null = null;
  for (const range of ranges) {
    if (contains(range, bytes) && (!best || range.bits > best.bits)) {
      best = range;
    }
  }
  return best?.kind ?? null;
}

function contains(range: Range, bytes: readonly number[]): boolean {
  if (range.base.length !== bytes.length) {
    return false;
  }
  for (let bit = 0; bit < range.bits; bit += 8) {
    const mask = range.bits - bit >= 8 ? 0xff : (0xff << (8 - (range.bits - bit))) & 0xff;
    const index = bit / 8;
    if (((bytes[index] ?? 0) & mask) !== ((range.base[index] ?? 0) & mask)) {
      return false;
    }
  }
  return true;
}

/** The 4 bytes of a dotted IPv4 address already checked by `isIP`. */
function v4Bytes(address: string): number[] {
  return address.split('.').map(Number);
}

/** The 16 bytes of an IPv6 address already checked by `isIP` (`::` and a dotted IPv4 tail allowed). */
function v6Bytes(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].flatMap((group) => {
    const value = parseInt(group, 16);
    return [value >> 8, value & 0xff];
  });
}

export interface CallbackUrlOptions {
  /**
   * Accept hosts on private, loopback and link-local addresses (local runs and tests only); the
   * scheme and credentials are still checked.
   */
  allowPrivate: boolean;
  /** Every address `host` resolves to. @defaultValue `resolveCallbackHost` with `dns` */
  lookup?: (host: string) => Promise<string[]>;
  /** How the default `lookup` resolves. */
  dns?: CallbackDnsOptions;
}

/** How long a callback host's resolution may take, all tries together. */
export const CALLBACK_DNS_TIMEOUT_MS = 5_000;

export interface CallbackDnsOptions {
  /** The bound on one resolution, both address families and every try. @defaultValue CALLBACK_DNS_TIMEOUT_MS */
  timeoutMs?: number;
  /** DNS servers (`ip` or `ip:port`) to ask instead of the system's (resolv.conf's). */
  servers?: string[];
}

/**
 * Every address of a callback URL's host, from DNS, within a bound.
 *
 * Written on node's c-ares `Resolver` instead of `dns.lookup` on purpose: `lookup` is the C
 * library's getaddrinfo, run on libuv's thread pool (four threads by default) with no timeout, so
 * a caller's callback URL on a name whose DNS servers never answer held a thread for as long as the
 * system resolver retried (tens of seconds), and a handful of them stalled every other use of the
 * pool in that process — the DNS lookups of provider connections, file reads, key derivation — for
 * every workspace. The Resolver asks DNS over the event loop, with a timeout and a number of tries.
 * What it does not read is the hosts file: a callback host is a public name, and `localhost` (and
 * names under it, RFC 6761) is answered here as the loopback address it always is.
 */
export async function resolveCallbackHost(
  host: string,
  options: CallbackDnsOptions = {},
): Promise<ResolvedAddress[]> {
  const name = host.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) {
    return [
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ];
  }
  const timeoutMs = options.timeoutMs ?? CALLBACK_DNS_TIMEOUT_MS;
  const tries = 2;
  // c-ares lengthens each retry's timeout, so the tries alone overrun the bound: it is also a
  // deadline, after which the pending queries are cancelled.
  const resolver = new Resolver({ timeout: Math.max(1, Math.ceil(timeoutMs / (tries + 1))), tries });
  if (options.servers) {
    resolver.setServers(options.servers);
  }
  const deadline = setTimeout(() => resolver.cancel(), timeoutMs);
  let v4: PromiseSettledResult<string[]>;
  let v6: PromiseSettledResult<string[]>;
  try {
    [v4, v6] = await Promise.allSettled([resolver.resolve4(name), resolver.resolve6(name)]);
  } finally {
    clearTimeout(deadline);
  }
  const addresses = [
    ...(v4.status === 'fulfilled' ? v4.value.map((address) => ({ address, family: 4 })) : []),
    ...(v6.status === 'fulfilled' ? v6.value.map((address) => ({ address, family: 6 })) : []),
  ];
  if (addresses.length === 0) {
    // Neither family answered: the A query's failure says why (ENOTFOUND, ETIMEOUT, ECONNREFUSED…),
    // unless it only found no A record (ENODATA) and the AAAA query failed otherwise.
    const failures = [v4, v6].flatMap((result) =>
      result.status === 'rejected' ? [result.reason as NodeJS.ErrnoException] : [],
    );
    const telling = failures.find((error) => error.code !== 'ENODATA') ?? failures[0];
    if (telling?.code === 'ECANCELLED') {
      throw Object.assign(new Error(`no DNS answer for ${name} within ${timeoutMs} ms`), {
        code: 'ETIMEOUT',
      });
    }
    if (telling) {
      throw telling;
    }
  }
  return addresses;
}

export interface ResolvedAddress {
  address: string;
  family: number;
}

/**
 * Null when Sluice may POST to `url`; otherwise why not, in words for the caller: the scheme is not
 * http(s), the URL carries credentials (they would end up in logs and delivery records), or its
 * host does not resolve or resolves to an address a caller must not make Sluice reach (any one such
 * address is enough, since the connection may use any of them).
 *
 * The answer holds for the moment of the lookup: a sender should check again before each attempt
 * and must not follow redirects.
 */
export async function checkCallbackUrl(url: string, options: CallbackUrlOptions): Promise<string | null> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'it is not a URL (expected https://host/path)';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return `its scheme is ${parsed.protocol.slice(0, -1)}; callbacks go to http and https URLs only`;
  }
  if (parsed.username || parsed.password) {
    return 'it carries credentials (user:password@); use a secret path or query parameter, and check the webhook signature';
  }
  if (options.allowPrivate) {
    return null;
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: string[];
  if (isIP(host)) {
    addresses = [host];
  } else {
    try {
      addresses = options.lookup
        ? await options.lookup(host)
        : (await resolveCallbackHost(host, options.dns)).map((entry) => entry.address);
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      return `its host ${host} does not resolve${typeof code === 'string' ? ` (${code})` : ''}`;
    }
    if (addresses.length === 0) {
      return `its host ${host} does not resolve`;
    }
  }
  for (const address of addresses) {
    const kind = blockedKind(address);
    if (kind) {
      // An address the caller wrote is named back; one a name resolves to is not: the answer goes to
      // whoever holds an API key, and Sluice's DNS may know internal names (db.internal → 10.0.0.5)
      // that caller has no business mapping.
      return address === host
        ? `it names ${address} (${kind}), an address callbacks may not reach`
        : `its host ${host} resolves to an address callbacks may not reach (${broadKind(kind)})`;
    }
  }
  return null;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | { address: string; family: number }[],
  family?: number,
) => void;

/**
 * A `lookup` for `http.request` / `net.connect` that resolves the host and refuses to connect when
 * any address is private, loopback or link-local: the check happens for the very addresses the
 * socket then uses, so a DNS answer that changes between a check and the connection (rebinding)
 * cannot slip through.
 */
export function publicOnlyLookup(
  resolve: (host: string) => Promise<ResolvedAddress[]> = (host) => resolveCallbackHost(host),
) {
  return (hostname: string, options: { all?: boolean } | number, callback: LookupCallback): void => {
    resolve(hostname).then(
      (entries) => {
        const blocked = entries.find((entry) => isPrivateAddress(entry.address));
        if (blocked || entries.length === 0) {
          // Recorded as the delivery's error, which the workspace reads: the kind, not the address.
          const error: NodeJS.ErrnoException = new Error(
            blocked
              ? `${hostname} resolves to an address callbacks may not reach (${broadKind(blockedKind(blocked.address) ?? 'not public')})`
              : `${hostname} does not resolve`,
          );
          error.code = blocked ? 'EADDRNOTAVAIL' : 'ENOTFOUND';
          callback(error, '', 0);
          return;
        }
        if (typeof options === 'object' && options.all) {
          callback(null, entries);
          return;
        }
        const [first] = entries;
        callback(null, first?.address ?? '', first?.family ?? 4);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}
