/**
 * The probe and signature database of -sV: its data shapes, and the loader that checks the
 * JSON files under signatures/ and compiles them once. The data is ours, written from protocol
 * specifications and recorded answers (docs/guides/service-detection.md); nmap's probe file is
 * never read (its licence does not allow it in an MIT tool). docs/reference/signatures.schema.json
 * describes one file; this loader repeats the checks the schema cannot make (regexes compile,
 * probe names resolve, no duplicate ids). Pure: no I/O.
 */
import { PortcullisError } from '../core/errors.js';
import type { Proto } from '../core/types.js';

/** A probe as written in a signature file. */
export interface ProbeSpec {
  /** Unique name matchers refer to (NULL is the spontaneous banner: nothing is sent). */
  readonly name: string;
  readonly proto: Proto;
  /** Bytes to send as a string whose characters are bytes (JSON escapes such as \r\n, \u0000). */
  readonly payload?: string;
  /** Bytes to send as hex, for binary protocols (spaces allowed). */
  readonly hex?: string;
  /** Ports where the service this probe is for usually listens: tried first there, whatever the intensity. */
  readonly ports?: readonly number[];
  /** Ports where the service usually listens inside TLS (443 for HTTP): TLS is tried first there. */
  readonly tlsPorts?: readonly number[];
  /** 1 (answered by many services, always tried) … 9 (rarely useful): tried when rarity ≤ --version-intensity. */
  readonly rarity: number;
  /** Whether the probe is also sent inside a TLS session (false for protocols that negotiate TLS themselves, like RDP). */
  readonly tls: boolean;
  /** Probes whose matchers also apply to this probe's answer (as nmap's fallback). */
  readonly fallback?: readonly string[];
  /** How long to wait for an answer, ms (default: the scan's probe timeout). */
  readonly waitMs?: number;
  /** Where the payload's format comes from. */
  readonly spec: string;
}

/** A matcher as written in a signature file. */
export interface MatcherSpec {
  /** Unique id; fixtures under test/fixtures/services/ name the id they must hit. */
  readonly id: string;
  /** Probe(s) whose answer this matcher reads. */
  readonly probe: string | readonly string[];
  /** Service name, IANA/nmap style: http, ssh, postgresql... */
  readonly service: string;
  /** JavaScript regular expression source, applied to the answer read as Latin-1. */
  readonly pattern: string;
  /** Regex flags: any of i, m, s. */
  readonly flags?: string;
  /** A soft match names the service only; probing goes on for product and version. */
  readonly soft?: boolean;
  /** Templates: $1…$9 are captures; $title, $location, $status read an HTTP answer. */
  readonly product?: string;
  readonly version?: string;
  /** Parts joined with "; "; a part whose tokens are all empty is dropped. */
  readonly extrainfo?: string | readonly string[];
  readonly os?: string;
  readonly cpe?: readonly string[];
}

/** One signature file. */
export interface SignatureFile {
  readonly family: string;
  readonly description: string;
  readonly probes?: readonly ProbeSpec[];
  readonly matchers: readonly MatcherSpec[];
}

/** A probe ready to send. */
export interface Probe extends ProbeSpec {
  readonly bytes: Buffer;
  /** Position in the database (the tie-break of the probe order). */
  readonly index: number;
  readonly fallback: readonly string[];
}

/** A matcher with its regex compiled. */
export interface Matcher extends MatcherSpec {
  readonly regex: RegExp;
  readonly probes: readonly string[];
  readonly family: string;
}

/** The compiled database. */
export interface SignatureDb {
  readonly probes: readonly Probe[];
  readonly probeByName: ReadonlyMap<string, Probe>;
  readonly matchers: readonly Matcher[];
  /** Matchers by the probe whose answer they read, in file order. */
  readonly matchersByProbe: ReadonlyMap<string, readonly Matcher[]>;
  /** Services each probe can identify (for narrowing after a soft match). */
  readonly servicesByProbe: ReadonlyMap<string, ReadonlySet<string>>;
}

function bad(where: string, why: string): PortcullisError {
  return new PortcullisError('PC_SIGNATURE_DATA', `signature data: ${where}: ${why}`, { subject: where });
}

/** The bytes a probe sends, from `payload` (Latin-1 characters) or `hex`. */
export function probeBytes(p: ProbeSpec): Buffer {
  if (p.hex !== undefined) {
    const hex = p.hex.replace(/\s+/g, '');
    if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) throw bad(`probe ${p.name}`, 'hex is not an even number of hex digits');
    return Buffer.from(hex, 'hex');
  }
  const s = p.payload ?? '';
  // eslint-disable-next-line no-control-regex
  if (/[^\u0000-\u00ff]/.test(s)) throw bad(`probe ${p.name}`, 'payload has a character above \\u00ff (write bytes, not text)');
  return Buffer.from(s, 'latin1');
}

const TEMPLATE_FIELDS = ['product', 'version', 'os'] as const;

/** Checks and compiles signature files into one database. Throws PC_SIGNATURE_DATA naming the bad entry. */
export function compileSignatures(files: readonly SignatureFile[]): SignatureDb {
  const probes: Probe[] = [];
  const probeByName = new Map<string, Probe>();
  for (const f of files) {
    for (const p of f.probes ?? []) {
      if (probeByName.has(p.name)) throw bad(`probe ${p.name}`, `defined twice (again in ${f.family})`);
      if (!Number.isInteger(p.rarity) || p.rarity < 1 || p.rarity > 9) throw bad(`probe ${p.name}`, 'rarity must be 1..9');
      if (p.hex !== undefined && p.payload !== undefined) throw bad(`probe ${p.name}`, 'give payload or hex, not both');
      for (const port of [...(p.ports ?? []), ...(p.tlsPorts ?? [])]) if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad(`probe ${p.name}`, `port ${port} is not 1..65535`);
      const probe: Probe = { ...p, bytes: probeBytes(p), index: probes.length, fallback: p.fallback ?? [] };
      probes.push(probe);
      probeByName.set(p.name, probe);
    }
  }
  for (const p of probes) for (const fb of p.fallback) if (!probeByName.has(fb)) throw bad(`probe ${p.name}`, `fallback names unknown probe ${fb}`);
  const matchers: Matcher[] = [];
  const ids = new Set<string>();
  const matchersByProbe = new Map<string, Matcher[]>();
  const servicesByProbe = new Map<string, Set<string>>();
  for (const f of files) {
    for (const m of f.matchers) {
      if (ids.has(m.id)) throw bad(`matcher ${m.id}`, 'id used twice');
      ids.add(m.id);
      const flags = m.flags ?? '';
      if (!/^[ims]*$/.test(flags) || new Set(flags).size !== flags.length) throw bad(`matcher ${m.id}`, `flags "${flags}" must be distinct letters of i, m, s`);
      let regex: RegExp;
      try {
        regex = new RegExp(m.pattern, flags);
      } catch (err) {
        throw bad(`matcher ${m.id}`, `pattern does not compile: ${(err as Error).message}`);
      }
      const names = typeof m.probe === 'string' ? [m.probe] : [...m.probe];
      for (const n of names) if (!probeByName.has(n)) throw bad(`matcher ${m.id}`, `names unknown probe ${n}`);
      if (!/^[a-z0-9][a-z0-9-]*$/.test(m.service)) throw bad(`matcher ${m.id}`, `service "${m.service}" is not a lower-case IANA-style name`);
      const groups = new RegExp(`${m.pattern}|`, flags).exec('')!.length - 1;
      for (const field of [...TEMPLATE_FIELDS, 'extrainfo', 'cpe'] as const) {
        const raw = m[field];
        const list = raw === undefined ? [] : typeof raw === 'string' ? [raw] : raw;
        for (const tpl of list) {
          for (const ref of tpl.matchAll(/\$(\d)/g)) if (Number(ref[1]) > groups) throw bad(`matcher ${m.id}`, `${field} uses $${ref[1]} but the pattern has ${groups} groups`);
        }
      }
      const compiled: Matcher = { ...m, regex, probes: names, family: f.family };
      matchers.push(compiled);
      for (const n of names) {
        const list = matchersByProbe.get(n) ?? [];
        list.push(compiled);
        matchersByProbe.set(n, list);
        const svc = servicesByProbe.get(n) ?? new Set<string>();
        svc.add(m.service);
        servicesByProbe.set(n, svc);
      }
    }
  }
  return { probes, probeByName, matchers, matchersByProbe, servicesByProbe };
}
