/**
 * Reading what a scanner said about the service corpus (Portcullis NDJSON, nmap XML) and
 * judging it against the corpus's ground truth: service name, product (where the server names
 * it) and version (where the server reveals it), per entry and in total, and how often two
 * scanners agree on the name. Shared by test/netns/service-corpus.test.ts and
 * bench/service-bench.ts.
 */
import { XMLParser } from 'fast-xml-parser';
import type { CorpusEntry } from './service-corpus.js';

/** What a scanner reported for one port. */
export interface Observed {
  readonly state: string;
  readonly name?: string;
  readonly product?: string;
  readonly version?: string;
  /** TLS was found on the port (Portcullis `tls`, nmap `tunnel="ssl"`). */
  readonly tls: boolean;
  /** Portcullis `service.method` / nmap `method`: "probed" or "table". */
  readonly method?: string;
}

/** host|proto|port → what was reported. */
export type Observations = Map<string, Observed>;

/** The key of an entry (or a reported port) in Observations. */
export function keyOf(host: string, proto: string, port: number): string {
  return `${host}|${proto}|${port}`;
}

const str = (x: unknown): string | undefined => (typeof x === 'string' && x !== '' ? x : typeof x === 'number' ? String(x) : undefined);

/** Port records of Portcullis NDJSON (`-oJ`). */
export function parsePortcullis(ndjson: string, into: Observations = new Map()): Observations {
  for (const line of ndjson.split('\n')) {
    if (line.trim() === '') continue;
    const r = JSON.parse(line) as { type?: string; host?: string; port?: number; proto?: string; state?: string; service?: Record<string, unknown>; tls?: unknown };
    if (r.type !== 'port' || r.host === undefined || r.port === undefined || r.proto === undefined) continue;
    const s = r.service ?? {};
    const name = str(s['name']);
    const product = str(s['product']);
    const version = str(s['version']);
    const method = str(s['method']);
    into.set(keyOf(r.host, r.proto, r.port), {
      state: r.state ?? '',
      tls: r.tls !== undefined && r.tls !== null,
      ...(name !== undefined ? { name } : {}),
      ...(product !== undefined ? { product } : {}),
      ...(version !== undefined ? { version } : {}),
      ...(method !== undefined ? { method } : {}),
    });
  }
  return into;
}

/** Ports of nmap's XML output (`-oX`). */
export function parseNmapXml(xml: string, into: Observations = new Map()): Observations {
  type Port = { protocol: string; portid: string; state: { state: string }; service?: Record<string, unknown> };
  type Host = { address?: { addr: string } | { addr: string }[]; ports?: { port?: Port[] } };
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => ['host', 'port'].includes(n) }).parse(xml) as { nmaprun: { host?: Host[] } };
  for (const h of doc.nmaprun.host ?? []) {
    const addrs = Array.isArray(h.address) ? h.address : h.address !== undefined ? [h.address] : [];
    const host = addrs[0]?.addr;
    if (host === undefined) continue;
    for (const p of h.ports?.port ?? []) {
      const s = p.service ?? {};
      const name = str(s['name']);
      const product = str(s['product']);
      const version = str(s['version']);
      const method = str(s['method']);
      into.set(keyOf(host, p.protocol, Number(p.portid)), {
        state: p.state.state,
        tls: s['tunnel'] === 'ssl',
        ...(name !== undefined ? { name } : {}),
        ...(product !== undefined ? { product } : {}),
        ...(version !== undefined ? { version } : {}),
        ...(method !== undefined ? { method } : {}),
      });
    }
  }
  return into;
}

/** The judgement of one entry; product and version are undefined where the server hides them. */
export interface Verdict {
  readonly entry: CorpusEntry;
  readonly got: Observed | undefined;
  readonly name: boolean;
  readonly product: boolean | undefined;
  readonly version: boolean | undefined;
}

/** Right out of how many. */
export interface Tally {
  readonly ok: number;
  readonly total: number;
}

/** A scanner's verdicts and totals over the corpus. */
export interface Score {
  readonly verdicts: readonly Verdict[];
  readonly name: Tally;
  readonly product: Tally;
  readonly version: Tally;
}

/**
 * Whether a reported name is right: the truth's name, or one of its aliases ("http" for HTTPS
 * only when TLS was seen, so a scanner that missed the TLS layer is not credited).
 */
export function nameRight(e: CorpusEntry, got: Observed | undefined): boolean {
  const name = got?.name?.toLowerCase().replace(/\?$/, '');
  if (name === undefined) return false;
  if (name === e.name) return true;
  return e.aliases.includes(name) && (!e.tls || got?.tls === true);
}

/** Judges one scanner's observations against the corpus. */
export function judge(entries: readonly CorpusEntry[], seen: Observations): Score {
  const verdicts = entries.map((entry): Verdict => {
    const got = seen.get(keyOf(entry.host, entry.proto, entry.port));
    return {
      entry,
      got,
      name: nameRight(entry, got),
      product: entry.productRevealed ? entry.productPattern.test(got?.product ?? '') : undefined,
      version: entry.versionRevealed ? (got?.version ?? '').includes(entry.version) : undefined,
    };
  });
  const tally = (k: 'name' | 'product' | 'version'): Tally => {
    const judged = verdicts.filter((v) => v[k] !== undefined);
    return { ok: judged.filter((v) => v[k] === true).length, total: judged.length };
  };
  return { verdicts, name: tally('name'), product: tally('product'), version: tally('version') };
}

/** A name as compared between scanners: the truth's name when right, else what was said (+TLS). */
function canonicalName(v: Verdict): string {
  if (v.name) return v.entry.name;
  return `${v.got?.name ?? '(none)'}${v.got?.tls === true ? '+tls' : ''}`;
}

/** On how many entries two scanners report the same service (right or wrong alike). */
export function agreement(a: Score, b: Score): Tally & { readonly differing: readonly string[] } {
  const differing: string[] = [];
  a.verdicts.forEach((va, i) => {
    const vb = b.verdicts[i];
    if (vb === undefined || canonicalName(va) !== canonicalName(vb)) differing.push(`${va.entry.id} (${canonicalName(va)} vs ${vb === undefined ? '?' : canonicalName(vb)})`);
  });
  return { ok: a.verdicts.length - differing.length, total: a.verdicts.length, differing };
}

/** "43/44 (97.7%)". */
export function pct(t: Tally): string {
  return `${t.ok}/${t.total} (${t.total === 0 ? 'n/a' : `${((100 * t.ok) / t.total).toFixed(1)}%`})`;
}

/** Share right, 0..1 (1 when nothing was judged). */
export function rate(t: Tally): number {
  return t.total === 0 ? 1 : t.ok / t.total;
}

/** A field for a markdown cell: pipes escaped, whitespace collapsed, at most 40 characters. */
const cell = (s: string | undefined): string => {
  const t = (s ?? '–').replace(/\s+/g, ' ').replace(/\|/g, '\\|');
  return t.length > 40 ? `${t.slice(0, 39)}…` : t;
};
const mark = (b: boolean | undefined): string => (b === undefined ? '' : b ? ' ✓' : ' ✗');

/** What one scanner said, marked right or wrong, for a table cell. */
function said(v: Verdict): string {
  if (v.got === undefined) return 'not reported';
  const name = `${cell(v.got.name)}${v.got.tls ? ' (TLS)' : ''}${mark(v.name)}`;
  const product = v.got.product !== undefined || v.product !== undefined ? `; ${cell(v.got.product)}${mark(v.product)}` : '';
  const version = v.got.version !== undefined || v.version !== undefined ? `; ${cell(v.got.version)}${mark(v.version)}` : '';
  return `${name}${product}${version}`;
}

/** A markdown table: each entry's truth and what each scanner said about it. */
export function entryTable(scores: readonly { readonly label: string; readonly score: Score }[]): string {
  const first = scores[0];
  if (first === undefined) return '';
  const head = `| entry | port | truth: name; product; version | ${scores.map((s) => s.label).join(' | ')} |`;
  const rule = `|---|---|---|${scores.map(() => '---|').join('')}`;
  const rows = first.score.verdicts.map((v, i) => {
    const e = v.entry;
    const truth = `${e.name}${e.tls ? ' (TLS)' : ''}; ${e.product}${e.productRevealed ? '' : ' (hidden)'}; ${e.version}${e.versionRevealed ? '' : ' (hidden)'}`;
    return `| ${e.id.split(':')[0] ?? e.id} | ${e.port}/${e.proto}${e.standard ? '' : ' (alt)'} | ${truth} | ${scores.map((s) => (s.score.verdicts[i] !== undefined ? said(s.score.verdicts[i]) : '')).join(' | ')} |`;
  });
  return [head, rule, ...rows].join('\n');
}
