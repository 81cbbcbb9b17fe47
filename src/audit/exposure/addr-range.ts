/** Address and port ranges for the firewall model: CIDR prefixes, dotted masks and ranges as [lo, hi]. Pure. */
import { parseIp } from '../../core/ip.js';
import type { AddrRange, Family, PortRange } from './types.js';

function bits(family: Family): bigint {
  return family === 4 ? 32n : 128n;
}

/** The numeric value of an address (IPv4 as a bigint too, so both families share the maths); undefined if invalid. */
export function addrValue(text: string): { family: Family; value: bigint } | undefined {
  const a = parseIp(text);
  if (a === null) return undefined;
  return a.family === 4 ? { family: 4, value: BigInt(a.value) } : { family: 6, value: a.value };
}

/** The range a prefix covers ("198.18.0.0" and 15); undefined if the address or length is invalid. */
export function prefixRange(addr: string, len: number): AddrRange | undefined {
  const a = addrValue(addr);
  if (a === undefined || !Number.isInteger(len) || len < 0 || BigInt(len) > bits(a.family)) return undefined;
  const host = bits(a.family) - BigInt(len);
  const lo = (a.value >> host) << host;
  return { family: a.family, lo, hi: lo + (1n << host) - 1n };
}

/** "198.18.0.0/15", "198.18.0.0/255.254.0.0", "2001:2::/48", "198.18.0.1" or "a-b" → a range; undefined if unreadable. */
export function parseAddrSpec(text: string): AddrRange | undefined {
  const dash = text.indexOf('-');
  if (dash > 0) {
    const lo = addrValue(text.slice(0, dash));
    const hi = addrValue(text.slice(dash + 1));
    return lo === undefined || hi === undefined || lo.family !== hi.family ? undefined : { family: lo.family, lo: lo.value, hi: hi.value };
  }
  const slash = text.indexOf('/');
  if (slash < 0) {
    const a = addrValue(text);
    return a === undefined ? undefined : { family: a.family, lo: a.value, hi: a.value };
  }
  const addr = text.slice(0, slash);
  const mask = text.slice(slash + 1);
  if (/^\d+$/.test(mask)) return prefixRange(addr, Number(mask));
  // iptables-save writes CIDR lengths, but an older dump or a hand-written file may carry a dotted mask.
  const m = addrValue(mask);
  if (m === undefined) return undefined;
  const width = bits(m.family);
  let len = 0n;
  while (len < width && ((m.value >> (width - 1n - len)) & 1n) === 1n) len++;
  return prefixRange(addr, Number(len));
}

/** True when the address `value` of `family` lies inside one of the ranges. */
export function inRanges(ranges: readonly AddrRange[], family: Family, value: bigint): boolean {
  return ranges.some((r) => r.family === family && r.lo <= value && value <= r.hi);
}

/** True when the ranges of `family` cover every address except possibly loopback (0.0.0.0/0, ::/0, 0.0.0.0/1 + 128.0.0.0/1…). */
export function coversAllRemote(ranges: readonly AddrRange[], family: Family): boolean {
  // Walks the sorted ranges and checks the gaps: a gap inside the loopback block does not count,
  // since packets from other machines never carry a loopback source (the kernel drops them as martians).
  const loop = family === 4 ? { lo: 0x7f000000n, hi: 0x7fffffffn } : { lo: 1n, hi: 1n };
  const sorted = ranges.filter((r) => r.family === family).sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  let next = 0n;
  const max = (1n << (family === 4 ? 32n : 128n)) - 1n;
  for (const r of sorted) {
    if (r.lo > next && !(next >= loop.lo && r.lo - 1n <= loop.hi)) return false;
    if (r.hi + 1n > next) next = r.hi + 1n;
  }
  return next > max || (next >= loop.lo && max <= loop.hi);
}

/** True when every address of the ranges of `family` is a loopback address (127.0.0.0/8, ::1). */
export function onlyLoopback(ranges: readonly AddrRange[], family: Family): boolean {
  const own = ranges.filter((r) => r.family === family);
  if (own.length === 0) return false;
  return own.every((r) => (family === 4 ? r.lo >= 0x7f000000n && r.hi <= 0x7fffffffn : r.lo === 1n && r.hi === 1n));
}

/** True when `port` is in one of the ranges. */
export function portIn(ranges: readonly PortRange[], port: number): boolean {
  return ranges.some(([lo, hi]) => lo <= port && port <= hi);
}
