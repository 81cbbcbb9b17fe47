/**
 * Target specifications in nmap's syntax — addresses, CIDR blocks, octet ranges, hostnames —
 * as lazily indexed address blocks: a /8 is 16,777,216 indices, never an array.
 */
import { PortcullisError, invalidTarget, t as tr } from './errors.js';
import { ipv4Problem, parseIpv4, parseIpv6, type IpAddress } from './ip.js';

/** A set of addresses addressable by index. */
export interface AddressBlock {
  readonly text: string;
  readonly family: 4 | 6;
  readonly size: number;
  at(i: number): IpAddress;
  contains(a: IpAddress): boolean;
}

/** One parsed target: addresses now, or a name to resolve later. */
export type TargetSpec = { readonly kind: 'block'; readonly text: string; readonly block: AddressBlock } | { readonly kind: 'hostname'; readonly text: string; readonly name: string };

/** Most addresses one block may hold. */
export const MAX_BLOCK = 2 ** 32;

const HOST_LABEL = /^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$/;

/** Parses one target; throws PortcullisError naming the bad part. */
export function parseTarget(text: string): TargetSpec {
  const t = text.trim();
  if (t === '') throw invalidTarget(text, tr('empty target', 'objetivo vacío'));
  if (t.includes('/')) return { kind: 'block', text: t, block: parseCidr(t) };
  if (t.includes(':')) {
    const a = parseIpv6(t);
    if (a === null) throw invalidTarget(t, tr('not a valid IPv6 address', 'no es una dirección IPv6 válida'));
    return { kind: 'block', text: t, block: single(a, t) };
  }
  if (/^[\d.,*-]+$/.test(t)) {
    if (/^[\d.]+$/.test(t)) {
      const problem = ipv4Problem(t);
      if (problem !== null) throw invalidTarget(t, problem);
      return { kind: 'block', text: t, block: single(parseIpv4(t)!, t) };
    }
    return { kind: 'block', text: t, block: parseOctetRange(t) };
  }
  const name = t.endsWith('.') ? t.slice(0, -1) : t;
  if (name.length > 253 || !name.split('.').every((l) => HOST_LABEL.test(l))) {
    throw invalidTarget(t, tr('not an IPv4/IPv6 address, CIDR block, octet range or hostname', 'no es una dirección IPv4/IPv6, un bloque CIDR, un rango de octetos ni un nombre de host'));
  }
  return { kind: 'hostname', text: t, name };
}

function single(a: IpAddress, text: string): AddressBlock {
  return blockOf([a], text);
}

/** A block holding exactly the given addresses (resolved hostnames). */
export function blockOf(addresses: readonly IpAddress[], text: string): AddressBlock {
  const list = [...addresses];
  return {
    text,
    family: list[0]?.family ?? 4,
    size: list.length,
    at: (i) => list[i]!,
    contains: (a) => list.some((x) => x.family === a.family && x.value === a.value),
  };
}

function parseCidr(t: string): AddressBlock {
  const slash = t.indexOf('/');
  const addrText = t.slice(0, slash);
  const prefixText = t.slice(slash + 1);
  const v6 = addrText.includes(':');
  const bits = v6 ? 128 : 32;
  if (!/^\d{1,3}$/.test(prefixText)) throw invalidTarget(t, tr(`prefix length "${prefixText}" is not a number`, `la longitud de prefijo "${prefixText}" no es un número`));
  const prefix = Number(prefixText);
  if (prefix > bits) throw invalidTarget(t, tr(`prefix length ${prefix} is out of range (0-${bits})`, `la longitud de prefijo ${prefix} está fuera de rango (0-${bits})`));
  if (bits - prefix > 32) {
    throw new PortcullisError('PC_RANGE_TOO_LARGE', tr(`invalid target "${t}": range too large: /${prefix} holds 2^${bits - prefix} addresses; one block may hold at most 2^32`, `objetivo no válido "${t}": rango demasiado grande: /${prefix} contiene 2^${bits - prefix} direcciones; un bloque puede tener como mucho 2^32`), { subject: t });
  }
  const size = 2 ** (bits - prefix);
  if (!v6) {
    const problem = ipv4Problem(addrText);
    if (problem !== null) throw invalidTarget(t, problem);
    const a = parseIpv4(addrText)!.value as number;
    const hostBits = 32 - prefix;
    // nmap masks host bits: 198.18.0.7/24 means the whole /24.
    const base = hostBits === 32 ? 0 : ((a >>> hostBits) * 2 ** hostBits) >>> 0;
    return {
      text: t,
      family: 4,
      size,
      at: (i) => ({ family: 4, value: base + i }),
      contains: (x) => x.family === 4 && x.value >= base && x.value < base + size,
    };
  }
  const a = parseIpv6(addrText);
  if (a === null || a.family !== 6) throw invalidTarget(t, tr(`"${addrText}" is not a valid IPv6 address`, `"${addrText}" no es una dirección IPv6 válida`));
  const hostBits = BigInt(128 - prefix);
  const base = (a.value >> hostBits) << hostBits;
  const zone = a.zone;
  return {
    text: t,
    family: 6,
    size,
    at: (i) => (zone === undefined ? { family: 6, value: base + BigInt(i) } : { family: 6, value: base + BigInt(i), zone }),
    contains: (x) => x.family === 6 && x.value >> hostBits === base >> hostBits,
  };
}

/** nmap octet ranges: "198.18.0-3.1-254", "198.18.0.*", "198.18.1,3.5". */
function parseOctetRange(t: string): AddressBlock {
  const parts = t.split('.');
  if (parts.length !== 4) throw invalidTarget(t, tr(`an IPv4 range has 4 octets, not ${parts.length}`, `un rango IPv4 tiene 4 octetos, no ${parts.length}`));
  const octets = parts.map((p) => parseOctetSet(t, p));
  const sizes = octets.map((o) => o.length);
  const size = sizes.reduce((x, y) => x * y, 1);
  const lookup = octets.map((o) => new Set(o));
  return {
    text: t,
    family: 4,
    size,
    at: (i) => {
      let v = 0;
      let rest = i;
      for (let k = 3; k >= 0; k--) {
        const o = octets[k]!;
        v += o[rest % o.length]! * 2 ** (8 * (3 - k));
        rest = Math.floor(rest / o.length);
      }
      return { family: 4, value: v };
    },
    contains: (x) => x.family === 4 && lookup.every((s, k) => s.has((x.value >>> (8 * (3 - k))) & 255)),
  };
}

function parseOctetSet(t: string, p: string): number[] {
  if (p === '') throw invalidTarget(t, tr('an octet is empty', 'hay un octeto vacío'));
  const values = new Set<number>();
  for (const item of p.split(',')) {
    if (item === '*') {
      for (let v = 0; v < 256; v++) values.add(v);
      continue;
    }
    const m = /^(\d*)(-?)(\d*)$/.exec(item);
    if (m === null || item === '' || item === '-') throw invalidTarget(t, tr(`octet "${item}" is not a number or range`, `el octeto "${item}" no es un número ni un rango`));
    const lo = m[1] === '' ? 0 : Number(m[1]);
    const hi = m[2] === '' ? lo : m[3] === '' ? 255 : Number(m[3]);
    for (const v of [lo, hi]) if (v > 255) throw invalidTarget(t, tr(`octet ${v} is out of range`, `el octeto ${v} está fuera de rango`));
    if (lo > hi) throw invalidTarget(t, tr(`range ${lo}-${hi} is reversed`, `el rango ${lo}-${hi} está invertido`));
    for (let v = lo; v <= hi; v++) values.add(v);
  }
  return [...values].sort((a, b) => a - b);
}

/** Tokens of an -iL file: separated by white space, "#" starts a comment to the end of the line. */
export function parseTargetFile(content: string): string[] {
  const out: string[] = [];
  for (const line of content.split(/\r?\n/)) {
    const hash = line.indexOf('#');
    const body = hash >= 0 ? line.slice(0, hash) : line;
    for (const tok of body.split(/\s+/)) if (tok !== '') out.push(tok);
  }
  return out;
}
