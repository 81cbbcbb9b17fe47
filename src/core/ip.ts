/**
 * IP addresses as numbers: IPv4 as a 32-bit unsigned number, IPv6 as a 128-bit bigint (with
 * its zone id). Both parsers are ours, for exact error messages and strict input:
 * - IPv4 octets with a leading zero are refused, because "010" is 8 to inet_aton and 10 to
 *   a person, and a scanner must not guess which host was meant.
 * - ipaddr.js reads "::198.18.0.1" as "::ffff:198.18.0.1" and takes "01" as an embedded octet; a
 *   different address than the one typed is worse than an error. Not loading it also spares
 *   the CommonJS export lexer, which costs ~10 MB of resident memory when an ES module
 *   imports a CommonJS package (measured; see docs/benchmarks.md) — the reason other files
 *   load their CommonJS dependencies through createRequire.
 */
import { t, type Bilingual } from './errors.js';

/** An IPv4 or IPv6 address. */
export type IpAddress = { readonly family: 4; readonly value: number } | { readonly family: 6; readonly value: bigint; readonly zone?: string };

// Interface names on Linux (eth0, enp0s3, br-1a2b), numeric zones on Windows; nothing that
// could smuggle a separator ('/', '%', ':') or white space into a target token.
const ZONE = /^[\w.~-]{1,64}$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** Why a dotted quad is not a valid IPv4 address, or null when it is one. */
export function ipv4Problem(text: string): Bilingual | null {
  const parts = text.split('.');
  if (parts.length !== 4) return t(`an IPv4 address has 4 octets, not ${parts.length}`, `una dirección IPv4 tiene 4 octetos, no ${parts.length}`);
  for (const p of parts) {
    if (p === '') return t('an octet is empty', 'hay un octeto vacío');
    if (!/^\d+$/.test(p)) return t(`octet "${p}" is not a number`, `el octeto "${p}" no es un número`);
    if (p.length > 1 && p.startsWith('0')) return t(`octet "${p}" has a leading zero (octal or decimal is ambiguous)`, `el octeto "${p}" empieza por cero (es ambiguo entre octal y decimal)`);
    if (Number(p) > 255) return t(`octet ${p} is out of range`, `el octeto ${p} está fuera de rango`);
  }
  return null;
}

/** Parses an IPv4 dotted quad; null if it is not one. */
export function parseIpv4(text: string): IpAddress | null {
  const v = ipv4Value(text);
  return v === null ? null : { family: 4, value: v };
}

function ipv4Value(text: string): number | null {
  if (ipv4Problem(text) !== null) return null;
  const [a, b, c, d] = text.split('.').map(Number) as [number, number, number, number];
  return a * 0x1000000 + (b << 16) + (c << 8) + d;
}

/** Splits "addr%zone"; the zone is undefined when there is no '%'. */
function splitZone(text: string): { bare: string; zone: string | undefined } {
  const pct = text.indexOf('%');
  return pct < 0 ? { bare: text, zone: undefined } : { bare: text.slice(0, pct), zone: text.slice(pct + 1) };
}

/** Why `text` (optionally with a %zone) is not a valid IPv6 address, or null when it is one. */
export function ipv6Problem(text: string): Bilingual | null {
  const r = ipv6Parse(text);
  return typeof r === 'bigint' ? null : r;
}

/** The 128-bit value of an IPv6 address with its zone, or why there is none. */
function ipv6Parse(text: string): bigint | Bilingual {
  const { bare, zone } = splitZone(text);
  if (zone !== undefined && !ZONE.test(zone)) return t(`zone id "${zone}" is not an interface name or number`, `el identificador de zona "${zone}" no es un nombre ni un número de interfaz`);
  if (bare === '') return t('the address is empty', 'la dirección está vacía');
  if (bare.includes(':::')) return t('":::" is not valid', '":::" no es válido');
  const dbl = bare.indexOf('::');
  if (dbl >= 0 && bare.indexOf('::', dbl + 1) >= 0) return t('"::" may appear only once', '"::" solo puede aparecer una vez');
  const head = dbl < 0 ? bare.split(':') : bare.slice(0, dbl) === '' ? [] : bare.slice(0, dbl).split(':');
  const tail = dbl < 0 ? [] : bare.slice(dbl + 2) === '' ? [] : bare.slice(dbl + 2).split(':');
  const parts = [...head, ...tail];
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.includes('.')) {
      // RFC 4291 §2.2: a dotted quad may stand for the last 32 bits, and only those.
      if (i !== parts.length - 1 || (dbl >= 0 && tail.length === 0)) return t(`an embedded IPv4 address ("${p}") may only end the address`, `una dirección IPv4 incrustada ("${p}") solo puede ir al final`);
      const v4 = ipv4Problem(p);
      if (v4 !== null) return t(`embedded IPv4 "${p}": ${v4.en}`, `IPv4 incrustada "${p}": ${v4.es}`);
      const v = ipv4Value(p)!;
      groups.push(Math.floor(v / 0x10000), v & 0xffff);
      continue;
    }
    if (p === '') return t('a group is empty (a lone ":")', 'hay un grupo vacío (un ":" suelto)');
    if (!HEX_GROUP.test(p)) return t(`group "${p}" is not 1 to 4 hex digits`, `el grupo "${p}" no tiene de 1 a 4 dígitos hexadecimales`);
    groups.push(parseInt(p, 16));
  }
  if (dbl < 0 && groups.length !== 8) return t(`an IPv6 address has 8 groups, not ${groups.length}`, `una dirección IPv6 tiene 8 grupos, no ${groups.length}`);
  // "::" stands for one or more zero groups (RFC 4291 §2.2), so at most 7 may be written.
  if (dbl >= 0 && groups.length > 7) return t(`"::" must stand for at least one group, but ${groups.length} are written`, `"::" debe sustituir al menos un grupo, pero hay ${groups.length} escritos`);
  const headCount = dbl < 0 ? groups.length : groups.length - tailGroups(tail);
  let v = 0n;
  for (let i = 0; i < headCount; i++) v = (v << 16n) | BigInt(groups[i]!);
  v <<= BigInt(16 * (8 - groups.length));
  for (let i = headCount; i < groups.length; i++) v = (v << 16n) | BigInt(groups[i]!);
  return v;
}

/** Groups written after "::" (an embedded IPv4 counts as two). */
function tailGroups(tail: readonly string[]): number {
  let n = 0;
  for (const p of tail) n += p.includes('.') ? 2 : 1;
  return n;
}

/** Parses an IPv6 address, with an optional %zone; null if it is not one. */
export function parseIpv6(text: string): IpAddress | null {
  if (!text.includes(':')) return null;
  const v = ipv6Parse(text);
  if (typeof v !== 'bigint') return null;
  const { zone } = splitZone(text);
  return zone === undefined ? { family: 6, value: v } : { family: 6, value: v, zone };
}

/** Parses an IPv4 or IPv6 address (strict: no leading-zero octets, no brackets, no spaces); null if it is neither. */
export function parseIp(text: string): IpAddress | null {
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

function formatIpv4(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

function formatIpv6(value: bigint): string {
  // RFC 5952 §5: IPv4-mapped addresses keep the dotted quad.
  if (value >> 32n === 0xffffn) return `::ffff:${formatIpv4(Number(value & 0xffffffffn))}`;
  const g: number[] = [0, 0, 0, 0, 0, 0, 0, 0];
  // Four 32-bit words rather than eight 16-bit steps: half the BigInt operations.
  let v = value;
  for (let i = 6; i >= 0; i -= 2) {
    const w = Number(v & 0xffffffffn);
    g[i] = w >>> 16;
    g[i + 1] = w & 0xffff;
    v >>= 32n;
  }
  // RFC 5952 §4.2: compress the longest run of two or more zero groups, the first on a tie.
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number): string => g.slice(from, to).map((x) => x.toString(16)).join(':');
  return bestAt < 0 ? hex(0, 8) : `${hex(0, bestAt)}::${hex(bestAt + bestLen, 8)}`;
}

/** Canonical text: dotted quad, or RFC 5952 IPv6 (lowercase, "::" compression) with the zone kept ("2001:db8::1%eth0"). */
export function formatIp(a: IpAddress): string {
  if (a.family === 4) return formatIpv4(a.value);
  const text = formatIpv6(a.value);
  return a.zone === undefined ? text : `${text}%${a.zone}`;
}

/** Same family, same address and same zone. */
export function ipEquals(a: IpAddress, b: IpAddress): boolean {
  if (a.family === 4 || b.family === 4) return a.family === b.family && a.value === b.value;
  return a.value === b.value && a.zone === b.zone;
}

/** 127.0.0.0/8, ::1, or 127.0.0.0/8 mapped into IPv6 (::ffff:127.x.y.z reaches the IPv4 loopback). */
export function isLoopback(a: IpAddress): boolean {
  if (a.family === 4) return a.value >>> 24 === 127;
  return a.value === 1n || a.value >> 24n === 0xffff7fn;
}
