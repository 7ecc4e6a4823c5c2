// The outbound URL policy: where this server may send requests (data-centre endpoints, sender
// webhooks, the print centre). Checked when a URL is saved and again when connecting, after DNS:
// `guardedLookup` resolves, checks every address and hands exactly the checked one to the socket,
// so a name cannot be re-pointed between check and connect. Address spellings (127.1, 0x7f000001,
// [::ffff:127.0.0.1]) are normalised by the WHATWG URL parser; ranges are matched by node:net.
import dns from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** never: not even in development; local: in production only when allowlisted */
type Scope = 'never' | 'local';

interface Range {
  label: string;
  scope: Scope;
  list: BlockList;
}

function range(label: string, scope: Scope, cidrs: string[]): Range {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [net, bits] = cidr.split('/') as [string, string];
    list.addSubnet(net, Number(bits), isIP(net) === 6 ? 'ipv6' : 'ipv4');
  }
  return { label, scope, list };
}

// First match wins (::1 and :: lie inside ::/96). IPv4 rules also match IPv4-mapped IPv6 addresses.
const RANGES: Range[] = [
  range('loopback', 'local', ['127.0.0.0/8', '::1/128']),
  range('private', 'local', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7', 'fec0::/10']),
  range('shared (carrier-grade NAT)', 'local', ['100.64.0.0/10']),
  range('link-local', 'never', ['169.254.0.0/16', 'fe80::/10']),
  range('unspecified', 'never', ['0.0.0.0/8', '::/128']),
  range('multicast', 'never', ['224.0.0.0/4', 'ff00::/8']),
  range('broadcast or reserved', 'never', ['240.0.0.0/4']),
  range('IPv4-compatible (deprecated)', 'never', ['::/96']),
];

function classify(ip: string): Range | undefined {
  const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  return RANGES.find((r) => r.list.check(ip, family));
}

const unbracket = (host: string) => (host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host);
const dropDot = (host: string) => (host.endsWith('.') ? host.slice(0, -1) : host);
/** RFC 6761: localhost and *.localhost are loopback whatever DNS says. */
const isLocalhostName = (host: string) => /(^|\.)localhost$/.test(dropDot(host));

export interface Allowlist {
  /** host names (lower case, no trailing dot) that may resolve to loopback or private addresses */
  hosts: ReadonlySet<string>;
  /** loopback or private addresses and networks that may be contacted */
  nets: BlockList;
  entries: readonly string[];
}

/** A host name or address as the URL parser normalises it (127.1 → 127.0.0.1). */
function normaliseHost(raw: string): string {
  if (isIP(raw) === 6) return raw;
  const u = new URL(`https://${raw}`);
  const host = dropDot(unbracket(u.hostname));
  // A name must come back as written (no port, path or scheme slipped in); addresses are normalised.
  if (u.port || u.username || u.password || u.pathname !== '/' || u.search || u.hash) throw new Error('a bare host');
  if (!isIP(host) && host !== dropDot(raw.toLowerCase())) throw new Error('a bare host');
  return host;
}

function addEntry(out: { hosts: Set<string>; nets: BlockList }, entry: string): void {
  const [base, bits, extra] = entry.split('/');
  let host: string;
  try {
    host = normaliseHost(base!);
  } catch {
    throw new Error(`"${entry}" is not a host name, address or CIDR`);
  }
  const family = isIP(host);
  if (!family) {
    if (bits !== undefined) throw new Error(`"${entry}": a prefix length needs an address`);
    out.hosts.add(host);
    return;
  }
  const r = classify(host);
  if (r?.scope === 'never') throw new Error(`"${entry}" is ${article(r.label)} ${r.label} address, which is never contacted`);
  if (extra !== undefined || (bits !== undefined && !/^\d{1,3}$/.test(bits))) throw new Error(`"${entry}" has a bad prefix length`);
  try {
    out.nets.addSubnet(host, bits === undefined ? (family === 6 ? 128 : 32) : Number(bits), family === 6 ? 'ipv6' : 'ipv4');
  } catch {
    throw new Error(`"${entry}" has a prefix length out of range`);
  }
}

/** Parses allowlist entries (host names, addresses, CIDRs); throws naming the first bad one. */
export function parseAllowlist(entries: readonly string[]): Allowlist {
  const out = { hosts: new Set<string>(), nets: new BlockList() };
  for (const entry of entries) addEntry(out, entry);
  return { ...out, entries: [...entries] };
}

export const EMPTY_ALLOWLIST: Allowlist = parseAllowlist([]);

/** Resolves a host name to all its addresses (dns.lookup by default; tests pass their own). */
export type Resolver = (hostname: string, options: dns.LookupOptions) => Promise<dns.LookupAddress[]>;

export interface OutboundPolicy {
  /** refuse plain http (production) */
  httpsOnly: boolean;
  /** open: loopback and private addresses allowed (development); allowlist: only those listed */
  localNetworks: 'open' | 'allowlist';
  allowlist: Allowlist;
  resolve?: Resolver;
}

/** Production: https only, loopback and private networks only when allowlisted. Development: both open. */
export function outboundPolicy(production: boolean, allowlist: Allowlist = EMPTY_ALLOWLIST): OutboundPolicy {
  return { httpsOnly: production, localNetworks: production ? 'allowlist' : 'open', allowlist };
}

export const DEVELOPMENT_POLICY = outboundPolicy(false);


const article = (label: string) => (/^[aeiouAEIOU]/.test(label) ? 'an' : 'a');

function refusal(host: string, r: Range): string {
  const what = `${host} is ${article(r.label)} ${r.label} address`;
  return r.scope === 'never' ? `${what}, never contacted` : `${what}, contacted in production only when listed in OUTBOUND_ALLOWLIST`;
}

const hostAllowed = (host: string, p: OutboundPolicy) => p.allowlist.hosts.has(dropDot(unbracket(host)));

/** Why `ip` (reached through URL host `host`) must not be contacted, or null. */
export function addressRefusal(ip: string, host: string, p: OutboundPolicy): string | null {
  const r = classify(ip);
  if (!r) return null;
  if (r.scope === 'never') return refusal(ip === unbracket(host) ? ip : `${host} (${ip})`, r);
  if (p.localNetworks === 'open' || hostAllowed(host, p) || p.allowlist.nets.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4')) return null;
  return refusal(ip === unbracket(host) ? ip : `${host} (${ip})`, r);
}

export class OutboundRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutboundRefusal';
  }
}

/** Checks a URL without DNS: scheme, literal addresses, localhost names. Returns it parsed or throws. */
export function checkOutboundUrl(raw: string, p: OutboundPolicy): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new OutboundRefusal(`"${raw}" is not a URL`);
  }
  if (u.protocol !== 'https:' && (p.httpsOnly || u.protocol !== 'http:')) {
    throw new OutboundRefusal(`"${raw}" must use https${p.httpsOnly ? '' : ' (or http outside production)'}`);
  }
  const host = unbracket(u.hostname);
  if (isIP(host)) {
    const reason = addressRefusal(host, u.hostname, p);
    if (reason) throw new OutboundRefusal(`"${raw}": ${reason}`);
  } else if (isLocalhostName(host) && p.localNetworks === 'allowlist' && !hostAllowed(host, p)) {
    throw new OutboundRefusal(`"${raw}": ${refusal(host, RANGES[0]!)}`);
  }
  return u;
}

const systemResolver: Resolver = (hostname, options) => dns.promises.lookup(hostname, { ...options, all: true });

/** A socket `lookup` that refuses when any address of the name is forbidden and connects to a checked one. */
export function guardedLookup(p: OutboundPolicy): LookupFunction {
  return (hostname, options, callback) => {
    const checked = (p.resolve ?? systemResolver)(hostname, options).then((addresses) => {
      if (!addresses.length) throw Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' });
      for (const a of addresses) {
        const reason = addressRefusal(a.address, hostname, p);
        if (reason) throw new OutboundRefusal(reason);
      }
      return addresses;
    });
    // Two-armed then: a throw inside the socket's callback must not come back as a lookup error.
    checked.then(
      (addresses) => (options.all ? callback(null, addresses) : callback(null, addresses[0]!.address, addresses[0]!.family)),
      (e: NodeJS.ErrnoException) => callback(e, ''),
    );
  };
}
