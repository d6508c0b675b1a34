/**
 * Who counts as an independent party: a volunteer's network is its client address cut to a
 * prefix (IPv4 /24 and IPv6 /56 by default), since one person easily holds many addresses of
 * one network but rarely addresses of many networks.
 */
import { BlockList, isIP } from 'node:net';

export interface NetworkRules {
  prefixV4: number;
  prefixV6: number;
  /** Direct peers whose X-Forwarded-For names the real client. */
  trustedProxies: AddressSet;
}

/** A set of CIDR ranges; `*` stands for every address. */
export class AddressSet {
  private readonly list = new BlockList();
  private readonly everyone: boolean;
  readonly size: number;

  constructor(cidrs: readonly string[]) {
    this.everyone = cidrs.includes('*');
    this.size = cidrs.length;
    for (const cidr of cidrs) {
      if (cidr === '*') continue;
      const { address, prefix } = parseCidr(cidr);
      this.list.addSubnet(address, prefix, isIP(address) === 6 ? 'ipv6' : 'ipv4');
    }
  }

  has(address: string): boolean {
    if (this.everyone) return true;
    const plain = unmapIpv4(address);
    const family = isIP(plain);
    return family !== 0 && this.list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
  }
}

/** `a.b.c.d/p`, `x::y/p` or a bare address (a single-address range); throws on anything else. */
export function parseCidr(cidr: string): { address: string; prefix: number } {
  const [address = '', prefixText] = cidr.trim().split('/');
  const family = isIP(address);
  if (family === 0) throw new Error(`${cidr} is not an address or CIDR range`);
  const max = family === 6 ? 128 : 32;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!/^\d+$/.test(prefixText ?? String(max)) || prefix > max) throw new Error(`${cidr} has a bad prefix length`);
  return { address, prefix };
}

/** `::ffff:1.2.3.4` is the IPv4 client 1.2.3.4 (a dual-stack listener reports it so). */
function unmapIpv4(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

/** The client's address: the direct peer, or the last hop of X-Forwarded-For when the peer is a trusted proxy. */
export function clientAddress(peer: string, forwardedFor: string | undefined, rules: NetworkRules): string {
  const direct = unmapIpv4(peer);
  if (forwardedFor === undefined || !rules.trustedProxies.has(direct)) return direct;
  // Proxies append: the right-most address not itself one of our proxies is the client.
  const hops = forwardedFor.split(',').map((hop) => unmapIpv4(hop.trim())).filter((hop) => isIP(hop) !== 0);
  for (let i = hops.length - 1; i >= 0; i--) if (!rules.trustedProxies.has(hops[i]!)) return hops[i]!;
  return hops[0] ?? direct;
}

/** The network key of an address, e.g. `203.0.113.0/24` or `2001:db8:0:ab00::/56`. */
export function networkOf(address: string, rules: Pick<NetworkRules, 'prefixV4' | 'prefixV6'>): string {
  const plain = unmapIpv4(address);
  const family = isIP(plain);
  if (family === 4) {
    const value = plain.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
    const masked = rules.prefixV4 === 0 ? 0 : value - (value % 2 ** (32 - rules.prefixV4));
    const parts = [24, 16, 8, 0].map((shift) => Math.floor(masked / 2 ** shift) % 256);
    return `${parts.join('.')}/${rules.prefixV4}`;
  }
  if (family === 6) {
    const groups = expandIpv6(plain);
    let bits = rules.prefixV6;
    const masked = groups.map((group) => {
      const keep = Math.max(0, Math.min(16, bits));
      bits -= 16;
      return keep === 0 ? 0 : group & (0xffff << (16 - keep)) & 0xffff;
    });
    return `${masked.map((group) => group.toString(16)).join(':')}/${rules.prefixV6}`;
  }
  // Not an address (a test transport, a unix socket): its own network.
  return `other:${address}`;
}

function expandIpv6(address: string): number[] {
  const withoutZone = address.split('%')[0]!;
  let text = withoutZone;
  // An embedded IPv4 tail (::a.b.c.d) becomes two groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = text.slice(0, v4.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? 0 : 8 - headGroups.length - tailGroups.length;
  return [...headGroups, ...Array<string>(zeros).fill('0'), ...tailGroups].map((group) => parseInt(group, 16));
}
