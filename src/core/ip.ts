/**
 * IP addresses as numbers: IPv4 as a 32-bit unsigned number, IPv6 as a 128-bit bigint (with
 * its zone id). IPv4 parsing is ours, for exact error messages; IPv6 parsing is ipaddr.js's.
 */
import { createRequire } from 'node:module';
import { t, type Bilingual } from './errors.js';
import type IpaddrModule from 'ipaddr.js';

// CommonJS packages load through require: importing them from ESM starts Node's CJS export
// lexer, which costs ~10 MB of resident memory on its own (measured; see docs/benchmarks.md).
const ipaddr = createRequire(import.meta.url)('ipaddr.js') as typeof IpaddrModule;

/** An IPv4 or IPv6 address. */
export type IpAddress = { readonly family: 4; readonly value: number } | { readonly family: 6; readonly value: bigint; readonly zone?: string };

/** Why a dotted-quad is not a valid IPv4 address, or null when it is one. */
export function ipv4Problem(text: string): Bilingual | null {
  const parts = text.split('.');
  if (parts.length !== 4) return t(`an IPv4 address has 4 octets, not ${parts.length}`, `una dirección IPv4 tiene 4 octetos, no ${parts.length}`);
  for (const p of parts) {
    if (p === '') return t('an octet is empty', 'hay un octeto vacío');
    if (!/^\d+$/.test(p)) return t(`octet "${p}" is not a number`, `el octeto "${p}" no es un número`);
    if (p.length > 1 && p.startsWith('0')) return t(`octet "${p}" has a leading zero (octal or decimal is ambiguous)`, `el octeto "${p}" empieza por cero (es ambiguo entre octal y decimal)`);
    const n = Number(p);
    if (n > 255) return t(`octet ${p} is out of range`, `el octeto ${p} está fuera de rango`);
  }
  return null;
}

/** Parses an IPv4 dotted quad; null if it is not one. */
export function parseIpv4(text: string): IpAddress | null {
  if (ipv4Problem(text) !== null) return null;
  const [a, b, c, d] = text.split('.').map(Number) as [number, number, number, number];
  return { family: 4, value: ((a << 24) >>> 0) + (b << 16) + (c << 8) + d };
}

/** Parses an IPv6 address, with an optional %zone; null if it is not one. */
export function parseIpv6(text: string): IpAddress | null {
  if (!text.includes(':')) return null;
  const pct = text.indexOf('%');
  const zone = pct >= 0 ? text.slice(pct + 1) : undefined;
  if (zone !== undefined && !/^[\w.-]{1,64}$/.test(zone)) return null;
  const bare = pct >= 0 ? text.slice(0, pct) : text;
  if (!ipaddr.IPv6.isValid(bare)) return null;
  const bytes = ipaddr.IPv6.parse(bare).toByteArray();
  let v = 0n;
  for (const byte of bytes) v = (v << 8n) | BigInt(byte);
  return zone === undefined ? { family: 6, value: v } : { family: 6, value: v, zone };
}

/** Parses an IPv4 or IPv6 address; null if it is neither. */
export function parseIp(text: string): IpAddress | null {
  return parseIpv4(text) ?? parseIpv6(text);
}

/** Canonical text: dotted quad, or RFC 5952 IPv6 with the zone kept ("fe80::1%eth0"). */
export function formatIp(a: IpAddress): string {
  if (a.family === 4) {
    const v = a.value;
    return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  }
  if (a.value >> 32n === 0xffffn) {
    // RFC 5952 §5: IPv4-mapped addresses keep the dotted quad.
    const v4 = formatIp({ family: 4, value: Number(a.value & 0xffffffffn) });
    return a.zone === undefined ? `::ffff:${v4}` : `::ffff:${v4}%${a.zone}`;
  }
  const bytes: number[] = [];
  let v = a.value;
  for (let i = 0; i < 16; i++) {
    bytes.unshift(Number(v & 255n));
    v >>= 8n;
  }
  const text = (ipaddr.fromByteArray(bytes) as InstanceType<typeof ipaddr.IPv6>).toRFC5952String();
  return a.zone === undefined ? text : `${text}%${a.zone}`;
}

/** Same address (and zone). */
export function ipEquals(a: IpAddress, b: IpAddress): boolean {
  if (a.family === 4 || b.family === 4) return a.family === b.family && a.value === b.value;
  return a.value === b.value && a.zone === b.zone;
}

/** 127.0.0.0/8 or ::1. */
export function isLoopback(a: IpAddress): boolean {
  return a.family === 4 ? a.value >>> 24 === 127 : a.value === 1n;
}
