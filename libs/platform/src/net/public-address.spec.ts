import { pbkdf2 } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { checkCallbackUrl, isPrivateAddress, publicOnlyLookup, resolveCallbackHost } from './public-address';

describe('isPrivateAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private 10/8'],
    ['10.255.255.255', 'private 10/8'],
    ['172.16.0.1', 'private 172.16/12'],
    ['172.31.255.255', 'private 172.16/12'],
    ['192.168.0.1', 'private 192.168/16'],
    ['192.168.255.255', 'private 192.168/16'],
    ['169.254.0.1', 'link-local'],
    ['169.254.169.254', 'cloud metadata'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', '"this network" 0/8'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.255', 'carrier-grade NAT'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.255', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.1', 'documentation'],
    ['::1', 'IPv6 loopback'],
    ['0:0:0:0:0:0:0:1', 'IPv6 loopback, written in full'],
    ['::', 'IPv6 unspecified'],
    ['fc00::1', 'unique local'],
    ['fdff:ffff::1', 'unique local'],
    ['fe80::1', 'IPv6 link-local'],
    ['fe80::1%eth0', 'IPv6 link-local with a zone'],
    ['febf:ffff::1', 'IPv6 link-local'],
    ['fec0::1', 'site-local'],
    ['ff02::1', 'IPv6 multicast'],
    ['ff0e::1', 'IPv6 multicast'],
    ['2001:db8::1', 'IPv6 documentation'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback in hex'],
    ['::FFFF:192.168.1.1', 'IPv4-mapped private in capitals'],
    ['0:0:0:0:0:ffff:a9fe:a9fe', 'IPv4-mapped cloud metadata written in full'],
    ['::127.0.0.1', 'IPv4-compatible'],
    ['64:ff9b::10.0.0.1', 'NAT64 of a private address'],
    ['2002:a00:1::1', '6to4 of a private address'],
  ])('refuses %s (%s)', (ip) => {
    expect(isPrivateAddress(ip)).toBe(true);
  });

  it.each([
    '93.184.216.34',
    '8.8.8.8',
    '9.255.255.255',
    '11.0.0.1',
    '172.15.255.255',
    '172.32.0.1',
    '100.63.255.255',
    '100.128.0.1',
    '169.253.255.255',
    '169.255.0.1',
    '192.167.255.255',
    '192.169.0.1',
    '198.17.255.255',
    '198.20.0.1',
    '223.255.255.255',
    '2606:4700::1111',
    '2a00:1450:4001:81c::200e',
    '::ffff:93.184.216.34',
    '::ffff:5db8:d822',
    '64:ff9b::93.184.216.34',
    '2002:5db8:d822::1',
  ])('accepts the public address %s', (ip) => {
    expect(isPrivateAddress(ip)).toBe(false);
  });

  it.each(['localhost', '', '1.2.3', '256.0.0.1', 'example.com'])(
    'counts %p, which is no IP address, as one never to connect to',
    (value) => {
      expect(isPrivateAddress(value)).toBe(true);
    },
  );
});

describe('checkCallbackUrl', () => {
  const DNS: Record<string, string[]> = {
    'crm.example.com': ['93.184.216.34', '2606:4700::1111'],
    'internal.example.com': ['93.184.216.34', '10.0.0.7'],
    localhost: ['::1', '127.0.0.1'],
    'metadata.example.com': ['169.254.169.254'],
    'mapped.example.com': ['::ffff:192.168.1.20'],
    'empty.example.com': [],
  };
  const lookup = jest.fn((host: string) => {
    const answer = DNS[host];
    return answer
      ? Promise.resolve(answer)
      : Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }));
  });
  const guarded = { allowPrivate: false, lookup };
  const open = { allowPrivate: true, lookup };

  beforeEach(() => lookup.mockClear());

  it('accepts a host whose every address is public', async () => {
    expect(await checkCallbackUrl('https://crm.example.com/hooks/sluice', guarded)).toBeNull();
    expect(lookup).toHaveBeenCalledWith('crm.example.com');
  });

  it('accepts public IP literals without a lookup', async () => {
    expect(await checkCallbackUrl('https://93.184.216.34/hooks', guarded)).toBeNull();
    expect(await checkCallbackUrl('http://[2606:4700::1111]:8080/hooks', guarded)).toBeNull();
    expect(lookup).not.toHaveBeenCalled();
  });

  it('refuses a host with any private address among its answers, naming the host and the kind, not the address', async () => {
    const problem = await checkCallbackUrl('https://internal.example.com/hooks', guarded);
    expect(problem).toBe(
      'its host internal.example.com resolves to an address callbacks may not reach (private)',
    );
  });

  it.each([
    ['http://localhost:3000/hooks', /localhost resolves to an address callbacks may not reach \(loopback\)$/],
    ['https://metadata.example.com/', /may not reach \(link-local, cloud metadata\)$/],
    [
      'https://mapped.example.com/',
      /mapped\.example\.com resolves to an address callbacks may not reach \(private\)$/,
    ],
    ['http://169.254.169.254/latest/meta-data/', /it names 169\.254\.169\.254 \(link-local/],
    ['http://[fe80::1]/hooks', /it names fe80::1 \(link-local\)/],
    ['http://[::ffff:127.0.0.1]/hooks', /::ffff:7f00:1 \(loopback; IPv4-mapped 127\.0\.0\.1\)/],
    ['http://2130706433/hooks', /it names 127\.0\.0\.1 \(loopback\)/],
    ['http://0x7f.1/hooks', /it names 127\.0\.0\.1 \(loopback\)/],
    ['http://100.64.1.1/hooks', /carrier-grade NAT/],
    ['http://198.18.0.10/hooks', /benchmarking/],
    ['http://0.0.0.0:8080/hooks', /unspecified/],
  ])('refuses %s, naming the kind of address', async (url, reason) => {
    const problem = await checkCallbackUrl(url, guarded);
    expect(problem).toMatch(reason);
    if (!/it names/.test(problem ?? '')) {
      // Resolved from a name: the address itself is Sluice's DNS's business, not the caller's.
      expect(problem).not.toMatch(/\d+\.\d+\.\d+\.\d+|::/);
    }
  });

  it('refuses a host that does not resolve, or resolves to nothing', async () => {
    expect(await checkCallbackUrl('https://nowhere.example.com/hooks', guarded)).toBe(
      'its host nowhere.example.com does not resolve (ENOTFOUND)',
    );
    expect(await checkCallbackUrl('https://empty.example.com/hooks', guarded)).toBe(
      'its host empty.example.com does not resolve',
    );
  });

  it.each([
    ['ftp://crm.example.com/hooks', /scheme is ftp/],
    ['file:///etc/passwd', /scheme is file/],
    ['javascript:alert(1)', /scheme is javascript/],
    ['https://user:pass@crm.example.com/hooks', /credentials/],
    ['https://token@crm.example.com/hooks', /credentials/],
    ['not a url', /not a URL/],
    ['', /not a URL/],
  ])('refuses %p even when private addresses are allowed', async (url, reason) => {
    expect(await checkCallbackUrl(url, guarded)).toMatch(reason);
    expect(await checkCallbackUrl(url, open)).toMatch(reason);
  });

  it('accepts private and unresolvable hosts when private addresses are allowed, without a lookup', async () => {
    for (const url of [
      'http://127.0.0.1:8080/hooks',
      'http://localhost:3000/hooks',
      'https://internal.example.com/hooks',
      'http://[::1]/hooks',
      'https://nowhere.example.com/hooks',
    ]) {
      expect(await checkCallbackUrl(url, open)).toBeNull();
    }
    expect(lookup).not.toHaveBeenCalled();
  });
});

describe('publicOnlyLookup', () => {
  const lookupOf = (answers: Record<string, { address: string; family: number }[]>) =>
    publicOnlyLookup((host) => Promise.resolve(answers[host] ?? []));

  function run(
    lookup: ReturnType<typeof publicOnlyLookup>,
    host: string,
    all: boolean,
  ): Promise<{ error: NodeJS.ErrnoException | null; address: unknown }> {
    return new Promise((resolve) => lookup(host, { all }, (error, address) => resolve({ error, address })));
  }

  it('hands the socket public addresses only, at connection time', async () => {
    const lookup = lookupOf({
      'crm.example.com': [{ address: '93.184.216.34', family: 4 }],
      'rebound.example.com': [{ address: '169.254.169.254', family: 4 }],
    });
    expect(await run(lookup, 'crm.example.com', false)).toEqual({ error: null, address: '93.184.216.34' });
    expect((await run(lookup, 'crm.example.com', true)).address).toEqual([
      { address: '93.184.216.34', family: 4 },
    ]);
    const refused = await run(lookup, 'rebound.example.com', false);
    expect(refused.error?.message).toBe(
      'rebound.example.com resolves to an address callbacks may not reach (link-local, cloud metadata)',
    );
    expect((await run(lookup, 'nowhere.example.com', true)).error?.code).toBe('ENOTFOUND');
  });
});

/**
 * A DNS server on a local UDP port answering A queries from `records` (AAAA queries and unknown
 * names: no answer records), or, with `silent`, never answering. Only what these tests send is
 * parsed: one question, an uncompressed name.
 */
async function dnsServer(
  records: Record<string, string>,
  silent = false,
): Promise<{ server: string; socket: Socket }> {
  const socket = createSocket('udp4');
  socket.on('message', (query, peer) => {
    if (silent) {
      return;
    }
    let at = 12;
    const labels: string[] = [];
    while (query[at]) {
      labels.push(query.subarray(at + 1, at + 1 + query[at]).toString('latin1'));
      at += 1 + query[at];
    }
    const questionEnd = at + 5; // the name's terminating 0, QTYPE, QCLASS
    const type = query.readUInt16BE(at + 1);
    const address = type === 1 ? records[labels.join('.').toLowerCase()] : undefined;
    const header = Buffer.from(query.subarray(0, 12));
    header.writeUInt16BE(0x8180, 2); // a response, recursion desired and available, NOERROR
    header.writeUInt16BE(address ? 1 : 0, 6); // ANCOUNT
    header.writeUInt16BE(0, 8);
    header.writeUInt16BE(0, 10);
    const answer = address
      ? Buffer.concat([
          Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4]),
          Buffer.from(address.split('.').map(Number)),
        ])
      : Buffer.alloc(0);
    socket.send(Buffer.concat([header, query.subarray(12, questionEnd), answer]), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { server: `127.0.0.1:${socket.address().port}`, socket };
}

describe('resolveCallbackHost', () => {
  const sockets: Socket[] = [];
  afterAll(() => sockets.forEach((socket) => socket.close()));

  async function server(records: Record<string, string>, silent = false): Promise<string> {
    const started = await dnsServer(records, silent);
    sockets.push(started.socket);
    return started.server;
  }

  it("asks DNS for the host's addresses, and the check refuses a private one among them", async () => {
    const dns = {
      servers: [await server({ 'crm.example.com': '93.184.216.34', 'db.example.com': '10.0.0.5' })],
    };
    expect(await resolveCallbackHost('crm.example.com', dns)).toEqual([
      { address: '93.184.216.34', family: 4 },
    ]);
    expect(await checkCallbackUrl('https://crm.example.com/hooks', { allowPrivate: false, dns })).toBeNull();
    expect(await checkCallbackUrl('https://db.example.com/hooks', { allowPrivate: false, dns })).toBe(
      'its host db.example.com resolves to an address callbacks may not reach (private)',
    );
    expect(await checkCallbackUrl('https://nowhere.example.com/hooks', { allowPrivate: false, dns })).toMatch(
      /^its host nowhere\.example\.com does not resolve/,
    );
  });

  it('gives up on DNS servers that never answer within its bound, saying so', async () => {
    const dns = { servers: [await server({}, true)], timeoutMs: 400 };
    const started = Date.now();
    expect(await checkCallbackUrl('https://slow.example.com/hooks', { allowPrivate: false, dns })).toBe(
      'its host slow.example.com does not resolve (ETIMEOUT)',
    );
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('leaves the thread pool free while DNS servers do not answer', async () => {
    // getaddrinfo (dns.lookup) would hold one of libuv's four threads per pending name; key
    // derivation, which runs on those threads, would then wait for the lookups' timeouts.
    const dns = { servers: [await server({}, true)], timeoutMs: 1_000 };
    const pending = Array.from({ length: 8 }, (_, i) =>
      resolveCallbackHost(`slow${i}.example.com`, dns).catch(() => null),
    );
    const started = Date.now();
    await Promise.all(
      Array.from(
        { length: 4 },
        () =>
          new Promise<void>((resolve, reject) =>
            pbkdf2('secret', 'salt', 1, 32, 'sha256', (error) => (error ? reject(error) : resolve())),
          ),
      ),
    );
    expect(Date.now() - started).toBeLessThan(1_500);
    await Promise.all(pending);
  }, 10_000);

  it('answers localhost, and names under it, with the loopback addresses without asking DNS', async () => {
    const dns = { servers: [await server({}, true)], timeoutMs: 400 };
    expect((await resolveCallbackHost('LocalHost.', dns)).map((entry) => entry.address)).toEqual([
      '127.0.0.1',
      '::1',
    ]);
    expect(await checkCallbackUrl('http://app.localhost:3000/hooks', { allowPrivate: false, dns })).toBe(
      'its host app.localhost resolves to an address callbacks may not reach (loopback)',
    );
  });
});
