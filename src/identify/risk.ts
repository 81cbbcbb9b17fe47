/**
 * Risk knowledge: for a service found on an open port, what it is, why exposing it is risky
 * and how to close or restrict it, in English and Spanish, with the public sources behind it.
 * Pure data and lookups: no I/O. The entries live in risk/*.ts, grouped by kind of service;
 * their sources are in risk/sources.ts and docs/reference/risk-sources.md.
 */
import type { Proto } from '../core/types.js';
import { DATABASES } from './risk/databases.js';
import { DEVELOPMENT } from './risk/development.js';
import { FILE_SHARING } from './risk/file-sharing.js';
import { INDUSTRIAL } from './risk/industrial.js';
import { INFRASTRUCTURE } from './risk/infrastructure.js';
import { MAIL } from './risk/mail.js';
import { MESSAGING } from './risk/messaging.js';
import { MONITORING } from './risk/monitoring.js';
import { NETWORK } from './risk/network.js';
import { REMOTE_ACCESS } from './risk/remote-access.js';
import { RISK_SOURCES, type RiskSource, type RiskSourceId } from './risk/sources.js';
import type { RiskEntry, RiskLang, RiskLevel } from './risk/types.js';
import { WEB } from './risk/web.js';

export type { RiskEntry, RiskLang, RiskLevel, RiskText } from './risk/types.js';
export type { RiskSource, RiskSourceId } from './risk/sources.js';

/** The languages every entry is written in. */
export const riskLanguages: readonly RiskLang[] = Object.freeze(['en', 'es'] as const);

/** Every risk level, from least to most serious. */
export const RISK_LEVELS: readonly RiskLevel[] = Object.freeze(['info', 'low', 'medium', 'high', 'critical'] as const);

/** What Portcullis says about the risk of one service, in one language. */
export interface RiskInfo {
  /** The entry's service name (IANA/nmap convention), which may differ from the name asked for. */
  readonly service: string;
  readonly level: RiskLevel;
  /** What the service is, in one sentence. */
  readonly summary: string;
  /** Why exposing it is risky. */
  readonly why: string;
  /** How to close or restrict it, one step per item. */
  readonly fix: readonly string[];
  /** Source ids, as listed in docs/reference/risk-sources.md. */
  readonly sources: readonly string[];
  /** The same sources with their titles and URLs, for outputs that link to them. */
  readonly references: readonly (RiskSource & { readonly id: string })[];
  /** The language of the text. */
  readonly lang: RiskLang;
  /** name: the service name matched an entry; port: the entry was chosen by the well-known port. */
  readonly matchedBy: 'name' | 'port';
}

/** What riskFor needs to know about a port's service. */
export interface RiskQuery {
  /** Service name as reported (`redis`, `ssl/http`, `unknown`...). */
  readonly name: string;
  readonly port: number;
  readonly proto: Proto;
  /**
   * How the name was found. A name confirmed by probing is trusted: when it has no entry, the
   * port is not used instead (a probed web server on 6379 is not Redis). A table name, or no
   * method at all, falls back to the port.
   */
  readonly method?: 'table' | 'probed' | undefined;
}

/** Every entry, in a stable order (by group, then as written). */
const ENTRIES: readonly RiskEntry[] = Object.freeze([...REMOTE_ACCESS, ...WEB, ...MAIL, ...NETWORK, ...FILE_SHARING, ...DATABASES, ...MESSAGING, ...INFRASTRUCTURE, ...MONITORING, ...DEVELOPMENT, ...INDUSTRIAL].map(deepFreeze));

/** Names that say "nothing identified here", so the port decides even for a probed result. */
const UNKNOWN_NAMES = new Set(['', 'unknown', 'tcpwrapped']);

interface Index {
  readonly byName: ReadonlyMap<string, RiskEntry>;
  readonly byPort: ReadonlyMap<string, RiskEntry>;
}

let index: Index | undefined;

function load(): Index {
  if (index !== undefined) return index;
  const byName = new Map<string, RiskEntry>();
  const byPort = new Map<string, RiskEntry>();
  // First entry wins on a clash; test/unit/risk.test.ts checks there are none.
  for (const e of ENTRIES) {
    for (const n of [e.service, ...(e.aliases ?? [])]) if (!byName.has(n)) byName.set(n, e);
    for (const p of e.ports) if (!byPort.has(p)) byPort.set(p, e);
  }
  index = { byName, byPort };
  return index;
}

function deepFreeze<T>(o: T): T {
  if (typeof o === 'object' && o !== null && !Object.isFrozen(o)) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/**
 * The entry for a service name: exact (case-insensitive), then without nmap's trailing "?"
 * (a guess) and without a "ssl/" or "tls/" prefix (the service inside TLS).
 */
function byName(name: string): RiskEntry | undefined {
  const names = load().byName;
  let n = name.trim().toLowerCase();
  const direct = names.get(n);
  if (direct !== undefined) return direct;
  n = n.replace(/\?+$/, '');
  const unsure = names.get(n);
  if (unsure !== undefined) return unsure;
  const inner = /^(?:ssl|tls)\/(.+)$/.exec(n)?.[1];
  return inner === undefined ? undefined : names.get(inner);
}

/** The entry for a service, by name or, failing that, by its well-known port. Language-neutral. */
export function riskEntryFor(s: RiskQuery): { entry: RiskEntry; matchedBy: 'name' | 'port' } | undefined {
  const named = byName(s.name);
  if (named !== undefined) return { entry: named, matchedBy: 'name' };
  if (s.method === 'probed' && !UNKNOWN_NAMES.has(s.name.trim().toLowerCase().replace(/\?+$/, ''))) return undefined;
  const ported = load().byPort.get(`${s.port}/${s.proto}`);
  return ported === undefined ? undefined : { entry: ported, matchedBy: 'port' };
}

/**
 * What is risky about a service and how to restrict it, in the given language; undefined when
 * Portcullis knows nothing about that name or port.
 */
export function riskFor(s: RiskQuery, lang: RiskLang): RiskInfo | undefined {
  const found = riskEntryFor(s);
  if (found === undefined) return undefined;
  const { entry, matchedBy } = found;
  const text = entry[lang];
  return {
    service: entry.service,
    level: entry.level,
    summary: text.summary,
    why: text.why,
    fix: text.fix,
    sources: entry.sources,
    references: entry.sources.map((id: RiskSourceId) => ({ id, ...RISK_SOURCES[id] })),
    lang,
    matchedBy,
  };
}

/** Every entry, for tests, documentation and tools that list what Portcullis can explain. */
export function riskEntries(): readonly RiskEntry[] {
  return ENTRIES;
}

/** Every source, by id. */
export function riskSources(): Readonly<Record<RiskSourceId, RiskSource>> {
  return RISK_SOURCES;
}
