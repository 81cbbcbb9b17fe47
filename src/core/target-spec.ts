/**
 * Target specifications in nmap's syntax — addresses, CIDR blocks, octet ranges, hostnames —
 * as lazily indexed address blocks: a /8 is 16,777,216 indices, never an array.
 */
import { PortcullisError, invalidTarget, t as tr, type Bilingual } from './errors.js';
import { ipv4Problem, ipv6Problem, parseIpv4, parseIpv6, type IpAddress } from './ip.js';

/** A set of addresses addressable by index, 0 ≤ i < size. */
export interface AddressBlock {
  /** The target as the user wrote it (or the hostname, for resolved names). */
  readonly text: string;
  /** The family of the block's addresses (of the first one, for a mixed resolved list). */
  readonly family: 4 | 6;
  readonly size: number;
  /** The i-th address in ascending order; throws RangeError outside [0, size). */
  at(i: number): IpAddress;
  /** Whether the block holds `a`; a block without a zone holds an address in any zone. */
  contains(a: IpAddress): boolean;
}

/** One parsed target: addresses now, or a name to resolve later. */
export type TargetSpec = { readonly kind: 'block'; readonly text: string; readonly block: AddressBlock } | { readonly kind: 'hostname'; readonly text: string; readonly name: string };

/** Most addresses one block may hold: an IPv4 /0, an IPv6 /96. */
export const MAX_BLOCK = 2 ** 32;

// Letters, digits and hyphens (RFC 1123), plus '_': names such as "_gateway" or "db_1" exist
// on real networks and the resolver takes them, so refusing them here would only get in the way.
const HOST_LABEL = /^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$/;

function notATarget(text: string, hint?: Bilingual): PortcullisError {
  const en = 'not an IPv4/IPv6 address, CIDR, range or hostname';
  const es = 'no es una dirección IPv4/IPv6, un CIDR, un rango ni un nombre de host';
  return invalidTarget(text, hint === undefined ? tr(en, es) : tr(`${en} (${hint.en})`, `${es} (${hint.es})`));
}

/** Parses one target; throws PortcullisError (PC_INVALID_TARGET, or PC_RANGE_TOO_LARGE) naming the bad part. */
export function parseTarget(text: string): TargetSpec {
  const t = text.trim();
  if (t === '') throw invalidTarget(text, tr('empty target', 'objetivo vacío'));
  if (t.includes('/')) return { kind: 'block', text: t, block: parseCidr(t) };
  if (t.includes(':')) {
    const a = parseIpv6(t);
    if (a === null) throw invalidTarget(t, notValidIpv6(t));
    return { kind: 'block', text: t, block: blockOf([a], t) };
  }
  // Digits and dots only: meant as an address, so an error beats a doomed DNS lookup (nmap
  // would try to resolve "198.18.0" as a name).
  if (/^[\d.]+$/.test(t)) {
    const problem = ipv4Problem(t);
    if (problem !== null) throw invalidTarget(t, problem);
    return { kind: 'block', text: t, block: blockOf([parseIpv4(t)!], t) };
  }
  if (/^[\d.,*-]+$/.test(t)) return { kind: 'block', text: t, block: parseOctetRange(t) };
  const name = t.endsWith('.') ? t.slice(0, -1) : t;
  const labels = name.split('.');
  if (name.length > 253 || !labels.every((l) => HOST_LABEL.test(l))) throw notATarget(t);
  // No top-level domain is all digits (RFC 3696 §2): "198.18.0.1a.5" is a mistyped address.
  if (/^\d+$/.test(labels[labels.length - 1]!)) throw notATarget(t, tr('a hostname cannot end in an all-digit label', 'un nombre de host no puede acabar en una etiqueta solo de dígitos'));
  return { kind: 'hostname', text: t, name };
}

function notValidIpv6(text: string): Bilingual {
  const p = ipv6Problem(text);
  return p === null ? tr('not a valid IPv6 address', 'no es una dirección IPv6 válida') : tr(`not a valid IPv6 address: ${p.en}`, `no es una dirección IPv6 válida: ${p.es}`);
}

function checkIndex(i: number, size: number): void {
  if (!(i >= 0 && i < size && Number.isInteger(i))) throw new RangeError(`index ${i} is outside the block (size ${size})`);
}

/** A zone-less block address holds every zone; a zoned one only its own. */
function zoneCovers(blockZone: string | undefined, a: IpAddress): boolean {
  return blockZone === undefined || (a.family === 6 && a.zone === blockZone);
}

/** A block holding exactly the given addresses, in the given order (resolved hostnames). */
export function blockOf(addresses: readonly IpAddress[], text: string): AddressBlock {
  const list = [...addresses];
  return {
    text,
    family: list[0]?.family ?? 4,
    size: list.length,
    at: (i) => {
      checkIndex(i, list.length);
      return list[i]!;
    },
    contains: (a) => list.some((x) => x.family === a.family && x.value === a.value && zoneCovers(x.family === 6 ? x.zone : undefined, a)),
  };
}

function parseCidr(t: string): AddressBlock {
  const slash = t.indexOf('/');
  const addrText = t.slice(0, slash);
  const prefixText = t.slice(slash + 1);
  const v6 = addrText.includes(':');
  const bits = v6 ? 128 : 32;
  // Check the address first, so that "2001:2:::1/64" says what is wrong with the address.
  if (addrText === '') {
    throw invalidTarget(t, tr('the address before "/" is empty', 'falta la dirección antes de "/"'));
  } else if (v6) {
    if (parseIpv6(addrText) === null) throw invalidTarget(t, notValidIpv6(addrText));
  } else if (!/^[\d.]*$/.test(addrText)) {
    throw invalidTarget(t, tr(`"${addrText}" is not an address: a prefix length needs an IPv4 or IPv6 address, not a hostname or range`, `"${addrText}" no es una dirección: una longitud de prefijo necesita una dirección IPv4 o IPv6, no un nombre de host ni un rango`));
  } else {
    const problem = ipv4Problem(addrText);
    if (problem !== null) throw invalidTarget(t, problem);
  }
  if (!/^\d+$/.test(prefixText)) throw invalidTarget(t, tr(`prefix length "${prefixText}" is not a number`, `la longitud de prefijo "${prefixText}" no es un número`));
  const prefix = Number(prefixText);
  if (prefix > bits) throw invalidTarget(t, tr(`prefix length ${prefixText} is out of range (0-${bits})`, `la longitud de prefijo ${prefixText} está fuera de rango (0-${bits})`));
  const hostBitCount = bits - prefix;
  if (hostBitCount > 32) {
    throw new PortcullisError(
      'PC_RANGE_TOO_LARGE',
      tr(
        `invalid target "${t}": range too large: /${prefix} holds 2^${hostBitCount} addresses; one block may hold at most 2^32 (an IPv6 /96)`,
        `objetivo no válido "${t}": rango demasiado grande: /${prefix} contiene 2^${hostBitCount} direcciones; un bloque puede tener como mucho 2^32 (un /96 de IPv6)`,
      ),
      { subject: t },
    );
  }
  const size = 2 ** hostBitCount;
  if (!v6) {
    const a = parseIpv4(addrText)!.value as number;
    // nmap masks host bits: 198.18.0.7/24 means the whole /24.
    const base = a - (a % size);
    return {
      text: t,
      family: 4,
      size,
      at: (i) => {
        checkIndex(i, size);
        return { family: 4, value: base + i };
      },
      contains: (x) => x.family === 4 && x.value >= base && x.value < base + size,
    };
  }
  const a = parseIpv6(addrText) as Extract<IpAddress, { family: 6 }>;
  const hostBits = BigInt(hostBitCount);
  const net = a.value >> hostBits;
  const base = net << hostBits;
  const zone = a.zone;
  return {
    text: t,
    family: 6,
    size,
    at: (i) => {
      checkIndex(i, size);
      return zone === undefined ? { family: 6, value: base + BigInt(i) } : { family: 6, value: base + BigInt(i), zone };
    },
    contains: (x) => x.family === 6 && x.value >> hostBits === net && zoneCovers(zone, x),
  };
}

/** nmap octet ranges: "198.18.0-3.1-254", "198.18.0.*", "198.18.1,3.5", "198.18.0.-3". */
function parseOctetRange(t: string): AddressBlock {
  const parts = t.split('.');
  if (parts.length !== 4) throw invalidTarget(t, tr(`an IPv4 range has 4 octets, not ${parts.length}`, `un rango IPv4 tiene 4 octetos, no ${parts.length}`));
  const octets = parts.map((p) => parseOctetSet(t, p));
  const members = octets.map((o) => {
    const m = new Uint8Array(256);
    for (const v of o) m[v] = 1;
    return m;
  });
  const [o0, o1, o2, o3] = octets as [number[], number[], number[], number[]];
  const size = o0.length * o1.length * o2.length * o3.length;
  return {
    text: t,
    family: 4,
    size,
    at: (i) => {
      checkIndex(i, size);
      // Mixed radix, last octet fastest, so indices run in ascending address order.
      let rest = i;
      const d = o3[rest % o3.length]!;
      rest = Math.floor(rest / o3.length);
      const c = o2[rest % o2.length]!;
      rest = Math.floor(rest / o2.length);
      const b = o1[rest % o1.length]!;
      const a = o0[Math.floor(rest / o1.length)]!;
      return { family: 4, value: a * 0x1000000 + (b << 16) + (c << 8) + d };
    },
    contains: (x) => x.family === 4 && members.every((m, k) => m[(x.value >>> (8 * (3 - k))) & 255] === 1),
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
    if (m === null || item === '' || item === '-') throw invalidTarget(t, tr(`octet "${item}" is not a number, range or *`, `el octeto "${item}" no es un número, un rango ni *`));
    for (const s of [m[1]!, m[3]!]) {
      if (s.length > 1 && s.startsWith('0')) throw invalidTarget(t, tr(`octet "${s}" has a leading zero (octal or decimal is ambiguous)`, `el octeto "${s}" empieza por cero (es ambiguo entre octal y decimal)`));
      if (s !== '' && Number(s) > 255) throw invalidTarget(t, tr(`octet ${s} is out of range`, `el octeto ${s} está fuera de rango`));
    }
    // nmap's open ends: "-3" is 0-3 and "250-" is 250-255.
    const lo = m[1] === '' ? 0 : Number(m[1]);
    const hi = m[2] === '' ? lo : m[3] === '' ? 255 : Number(m[3]);
    if (lo > hi) throw invalidTarget(t, tr(`range ${lo}-${hi} is reversed`, `el rango ${lo}-${hi} está invertido`));
    for (let v = lo; v <= hi; v++) values.add(v);
  }
  return [...values].sort((a, b) => a - b);
}

/** Tokens of an -iL file: separated by white space, "#" starts a comment to the end of the line. Not validated. */
export function parseTargetFile(content: string): string[] {
  const out: string[] = [];
  for (const line of content.split(/\r\n|\r|\n/)) {
    const hash = line.indexOf('#');
    const body = hash >= 0 ? line.slice(0, hash) : line;
    for (const tok of body.split(/\s+/)) if (tok !== '') out.push(tok);
  }
  return out;
}

/**
 * Several blocks as one index space, minus exclusions: what the scan plan permutes. Indices
 * of excluded addresses stay in the space (they read as undefined), so that `size` and the
 * permutation never depend on how many addresses an exclusion actually removes.
 */
export class TargetSet {
  /** Sum of the block sizes, excluded addresses included. */
  readonly size: number;
  private readonly blocks: readonly AddressBlock[];
  private readonly exclude: readonly AddressBlock[];
  /** offsets[k] is the index of blocks[k].at(0); empty blocks are skipped by the search. */
  private readonly offsets: readonly number[];

  constructor(blocks: readonly AddressBlock[], exclude: readonly AddressBlock[]) {
    const offsets: number[] = [];
    let size = 0;
    for (const b of blocks) {
      offsets.push(size);
      size += b.size;
    }
    if (!Number.isSafeInteger(size)) {
      throw new PortcullisError('PC_RANGE_TOO_LARGE', tr(`the targets add up to ${size} addresses, more than one scan can index`, `los objetivos suman ${size} direcciones, más de las que un escaneo puede indexar`));
    }
    this.blocks = [...blocks];
    this.exclude = [...exclude];
    this.offsets = offsets;
    this.size = size;
  }

  /** The index of the block holding set index `i` (to find, say, the hostname it came from). */
  blockIndexOf(i: number): number {
    if (!(i >= 0 && i < this.size && Number.isInteger(i))) throw new RangeError(`index ${i} is outside the target set (size ${this.size})`);
    // The last block starting at or before i; ties (empty blocks) resolve to the non-empty one after them.
    let lo = 0;
    let hi = this.offsets.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.offsets[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The address at set index `i`, or undefined when an exclusion covers it; RangeError outside [0, size). */
  at(i: number): IpAddress | undefined {
    const k = this.blockIndexOf(i);
    const a = this.blocks[k]!.at(i - this.offsets[k]!);
    for (const x of this.exclude) if (x.contains(a)) return undefined;
    return a;
  }
}
