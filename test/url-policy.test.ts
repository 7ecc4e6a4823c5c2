// The outbound URL policy as pure functions, and its connect-time lookup with a stand-in resolver.
import type dns from 'node:dns';
import { describe, expect, it } from 'vitest';
import {
  checkOutboundUrl,
  DEVELOPMENT_POLICY,
  guardedLookup,
  outboundPolicy,
  parseAllowlist,
  type OutboundPolicy,
  type Resolver,
} from '../src/lib/url-policy.js';
import { FINE, LOCAL, NEVER } from './helpers/outbound-spellings.js';

const PRODUCTION = outboundPolicy(true);

const refusal = (url: string, p: OutboundPolicy) => {
  try {
    checkOutboundUrl(url, p);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
};

describe('outbound URL policy: URLs', () => {
  it('production refuses every spelling of a forbidden address, naming the address and why', () => {
    for (const [url, reason] of [...NEVER, ...LOCAL]) expect(refusal(url, PRODUCTION), url).toMatch(reason);
  });

  it('development allows http and local networks, but never link-local, unspecified, multicast or broadcast', () => {
    for (const [url, reason] of NEVER) expect(refusal(url, DEVELOPMENT_POLICY), url).toMatch(reason);
    for (const [url] of LOCAL) expect(refusal(url, DEVELOPMENT_POLICY), url).toBeNull();
    expect(refusal('http://169.254.169.254/', DEVELOPMENT_POLICY)).toMatch(/link-local/);
  });

  it('neighbours of the forbidden ranges and ordinary names pass, normalised', () => {
    for (const url of FINE) expect(refusal(url, PRODUCTION), url).toBeNull();
    expect(checkOutboundUrl('https://XTA.krz.EXAMPLE/osci', PRODUCTION).href).toBe('https://xta.krz.example/osci');
  });

  it('only http(s); https only in production', () => {
    expect(refusal('ftp://a.example/', DEVELOPMENT_POLICY)).toBe('"ftp://a.example/" must use https (or http outside production)');
    expect(refusal('file:///etc/passwd', PRODUCTION)).toBe('"file:///etc/passwd" must use https');
    expect(refusal('not a url', PRODUCTION)).toBe('"not a url" is not a URL');
    expect(refusal('https://[fe80::1%25eth0]/', PRODUCTION)).toMatch(/is not a URL/);
  });

  it('an allowlist admits the local hosts and networks it names, and nothing never contacted', () => {
    const p = outboundPolicy(true, parseAllowlist(['10.1.2.0/24', 'print.internal', 'localhost', 'fd00:1::/32', '192.168.7.7']));
    for (const url of ['https://10.1.2.3/', 'https://[::ffff:10.1.2.3]/', 'https://localhost:8443/', 'https://localhost./', 'https://[fd00:1::5]/', 'https://192.168.7.7/', 'https://0xc0a80707/']) {
      expect(refusal(url, p), url).toBeNull();
    }
    for (const url of ['https://10.1.3.3/', 'https://192.168.7.8/', 'https://127.0.0.1/', 'https://xta.localhost/', 'https://[fd00:2::5]/']) expect(refusal(url, p), url).toMatch(/OUTBOUND_ALLOWLIST/);
    expect(refusal('http://10.1.2.3/', p)).toMatch(/must use https/);
    const wide = outboundPolicy(true, parseAllowlist(['128.0.0.0/1']));
    for (const url of ['https://169.254.169.254/', 'https://224.0.0.1/', 'https://255.255.255.255/']) expect(refusal(url, wide), url).toMatch(/never contacted/);
  });

  it('a bad allowlist entry is named', () => {
    expect(() => parseAllowlist(['169.254.169.254'])).toThrow('"169.254.169.254" is a link-local address, which is never contacted');
    expect(() => parseAllowlist(['0.0.0.0/0'])).toThrow(/unspecified/);
    expect(() => parseAllowlist(['10.0.0.0/33'])).toThrow('"10.0.0.0/33" has a prefix length out of range');
    expect(() => parseAllowlist(['10.0.0.0/x'])).toThrow(/bad prefix length/);
    expect(() => parseAllowlist(['print.internal/8'])).toThrow(/a prefix length needs an address/);
    expect(() => parseAllowlist(['https://print.internal'])).toThrow(/not a host name, address or CIDR/);
    expect(() => parseAllowlist(['print.internal:443'])).toThrow(/not a host name, address or CIDR/);
    expect(() => parseAllowlist(['a b'])).toThrow(/not a host name, address or CIDR/);
    expect(parseAllowlist(['127.1', 'Print.Internal.']).hosts).toEqual(new Set(['print.internal']));
  });
});

/** Runs the socket lookup the way net.connect does and returns what it was given. */
function lookup(p: OutboundPolicy, host: string, all: boolean) {
  return new Promise<{ err: Error | null; address: unknown; family?: number }>((resolve) => {
    guardedLookup(p)(host, { all } as dns.LookupOptions, (err, address, family) => resolve({ err, address, family }));
  });
}

const fakeDns = (table: Record<string, string[]>): Resolver => async (host) => {
  const ips = table[host];
  if (!ips) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return ips.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

describe('outbound URL policy: at connect time', () => {
  const table = { 'xta.krz.example': ['203.0.113.5'], 'rebind.example': ['127.0.0.1'], 'mixed.example': ['203.0.113.5', '10.0.0.1'], 'meta.example': ['169.254.169.254'], 'six.example': ['::ffff:127.0.0.1'] };
  const prod = { ...PRODUCTION, resolve: fakeDns(table) };

  it('hands the socket the checked address, one or all', async () => {
    expect(await lookup(prod, 'xta.krz.example', false)).toEqual({ err: null, address: '203.0.113.5', family: 4 });
    expect(await lookup(prod, 'xta.krz.example', true)).toEqual({ err: null, address: [{ address: '203.0.113.5', family: 4 }], family: undefined });
  });

  it('refuses a name that resolves to a forbidden address, also when only one of its addresses is', async () => {
    expect((await lookup(prod, 'rebind.example', false)).err?.message).toBe('rebind.example (127.0.0.1) is a loopback address, contacted in production only when listed in OUTBOUND_ALLOWLIST');
    expect((await lookup(prod, 'mixed.example', true)).err?.message).toMatch(/mixed\.example \(10\.0\.0\.1\) is a private address/);
    expect((await lookup(prod, 'six.example', false)).err?.message).toMatch(/loopback/);
    expect((await lookup({ ...DEVELOPMENT_POLICY, resolve: fakeDns(table) }, 'meta.example', false)).err?.message).toMatch(/link-local address, never contacted/);
    expect((await lookup({ ...DEVELOPMENT_POLICY, resolve: fakeDns(table) }, 'rebind.example', false)).err).toBeNull();
    expect((await lookup(prod, 'nowhere.example', false)).err).toMatchObject({ code: 'ENOTFOUND' });
  });

  it('with the system resolver, localhost resolves to loopback and is refused in production', async () => {
    expect((await lookup(PRODUCTION, 'localhost', true)).err?.message).toMatch(/^localhost \((127\.0\.0\.1|::1)\) is a loopback address/);
    expect((await lookup(DEVELOPMENT_POLICY, 'localhost', false)).err).toBeNull();
  });

  it('an allowlisted name may resolve to a local address; an allowlisted network admits any name in it', async () => {
    const byName = { ...outboundPolicy(true, parseAllowlist(['rebind.example'])), resolve: fakeDns(table) };
    expect(await lookup(byName, 'rebind.example', false)).toMatchObject({ err: null, address: '127.0.0.1' });
    expect((await lookup(byName, 'mixed.example', false)).err).not.toBeNull();
    const byNet = { ...outboundPolicy(true, parseAllowlist(['10.0.0.0/8'])), resolve: fakeDns(table) };
    expect(await lookup(byNet, 'mixed.example', true)).toMatchObject({ err: null });
    const metaAllowed = { ...outboundPolicy(true, parseAllowlist(['meta.example'])), resolve: fakeDns(table) };
    expect((await lookup(metaAllowed, 'meta.example', false)).err?.message).toMatch(/never contacted/);
  });
});
