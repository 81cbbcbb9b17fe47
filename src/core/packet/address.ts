/** Addresses as the bytes packets carry them, to and from core/ip's IpAddress and its text form. */
import { formatIp, type IpAddress } from '../ip.js';

/** The 4 (IPv4) or 16 (IPv6) network-order bytes of an address. */
export function addressBytes(a: IpAddress): Uint8Array {
  if (a.family === 4) return Uint8Array.of(a.value >>> 24, (a.value >>> 16) & 0xff, (a.value >>> 8) & 0xff, a.value & 0xff);
  const out = new Uint8Array(16);
  let v = a.value;
  for (let i = 15; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** The text form of a 4- or 16-byte address, exactly as formatIp writes it (RFC 5952 for IPv6). */
export function addressText(b: Uint8Array): string {
  if (b.length === 4) return `${b[0]!}.${b[1]!}.${b[2]!}.${b[3]!}`;
  let v = 0n;
  for (const byte of b) v = (v << 8n) | BigInt(byte);
  return formatIp({ family: 6, value: v });
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * A cheap map key for a 4- or 16-byte address: dotted IPv4, or 32 hex digits for IPv6 (no
 * BigInt and no RFC 5952 rules, which cost more than the rest of reading a reply).
 */
export function addressKey(b: Uint8Array): string {
  if (b.length === 4) return `${b[0]!}.${b[1]!}.${b[2]!}.${b[3]!}`;
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i]!]!;
  return s;
}
