// The caller's address behind reverse proxies. Without TRUSTED_PROXIES the socket's peer is the
// caller (X-Forwarded-For is ignored: anyone can send it). With it, X-Forwarded-For is read from the
// right, skipping the proxies we trust, and the first address they did not add is the caller.
import { BlockList, isIP } from 'node:net';

export type TrustedProxies = { hops: number } | { list: BlockList; text: string[] };

/** Parses "2" (the last two hops are our proxies) or "10.0.0.0/8, 127.0.0.1" (these addresses are). */
export function parseTrustedProxies(raw: string): TrustedProxies {
  const text = raw.trim();
  if (/^\d{1,2}$/.test(text)) return { hops: Number(text) };
  const list = new BlockList();
  const entries = text.split(',').map((e) => e.trim()).filter(Boolean);
  for (const entry of entries) {
    const [address, bits] = entry.split('/') as [string, string | undefined];
    const family = isIP(address);
    if (!family) throw new Error(`"${entry}" is neither a hop count nor an IP address or CIDR range`);
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, type);
    else {
      const prefix = Number(bits);
      if (!/^\d{1,3}$/.test(bits) || prefix > (family === 6 ? 128 : 32)) throw new Error(`"${entry}" has an invalid prefix length`);
      list.addSubnet(address, prefix, type);
    }
  }
  return { list, text: entries };
}

/** The most X-Forwarded-For entries read; a longer chain is cut at the left (the caller's side). */
const MAX_HOPS = 20;

const familyOf = (a: string) => (isIP(a) === 6 ? 'ipv6' : 'ipv4');
const bare = (a: string) => a.trim().replace(/^\[(.*)\]$/, '$1').replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');

export function clientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined, trusted: TrustedProxies | undefined): string {
  const socket = bare(peer ?? 'unknown');
  if (!trusted || forwardedFor === undefined) return socket;
  const header = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).slice(-2048);
  const chain = header.split(',').slice(-MAX_HOPS).map(bare).filter((a) => isIP(a));
  // Right to left: the socket peer, then what each proxy appended.
  const hops = [socket, ...chain.reverse()];
  for (let i = 0; i < hops.length - 1; i++) {
    const trustedHop = 'hops' in trusted ? i < trusted.hops : isIP(hops[i]!) > 0 && trusted.list.check(hops[i]!, familyOf(hops[i]!));
    if (!trustedHop) return hops[i]!;
  }
  return hops[hops.length - 1]!;
}
