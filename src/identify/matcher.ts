/**
 * Applies the signature database to one answer: which matcher fits, and the service it
 * describes with its templates filled. The answer is hostile input: regexes see a bounded
 * Latin-1 view of it, and every capture is cut to printable characters and a short length
 * before it reaches a template. Pure.
 */
import type { ServiceInfo } from '../core/types.js';
import type { Matcher, SignatureDb } from './signature-db.js';

/** Bytes of an answer the regexes see; beyond this an answer is cut (the head identifies a service). */
export const MATCH_VIEW_BYTES = 32 * 1024;
/** Longest text a capture contributes to a field. */
export const MAX_CAPTURE = 80;

/** A matcher that fitted an answer, with the service it names. */
export interface MatchResult {
  readonly matcher: Matcher;
  readonly soft: boolean;
  readonly service: ServiceInfo;
}

/** The answer as the regexes see it: the first MATCH_VIEW_BYTES bytes, one character per byte. */
export function latin1View(answer: Buffer): string {
  return answer.subarray(0, MATCH_VIEW_BYTES).toString('latin1');
}

/**
 * A capture made safe for a field: printable ASCII and Latin-1 letters only (controls, escape
 * sequences and NULs are dropped, as nmap's $P()), whitespace collapsed, at most MAX_CAPTURE.
 */
export function sanitizeCapture(s: string | undefined): string {
  if (s === undefined) return '';
  // eslint-disable-next-line no-control-regex
  const printable = s.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/[^\x20-\x7e\xa0-\xff]/g, '');
  const out = printable.replace(/\s+/g, ' ').trim();
  return out.length > MAX_CAPTURE ? out.slice(0, MAX_CAPTURE) : out;
}

/** The parts of an HTTP answer templates can name: $status, $title, $location. */
function httpToken(view: string, name: string): string {
  switch (name) {
    case 'status':
      return /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(view)?.[1] ?? '';
    case 'title':
      return sanitizeCapture(/<title[^>]*>([^<]{0,400})<\/title>/i.exec(view)?.[1]?.trim());
    case 'location': {
      const head = view.split('\r\n\r\n', 1)[0] ?? '';
      return sanitizeCapture(/\r\nLocation:[ \t]*([^\r\n]{1,400})/i.exec(head)?.[1]);
    }
    default:
      return '';
  }
}

/** Fills one template, counting its tokens and how many of them were non-empty. */
function fill(tpl: string, groups: RegExpExecArray, view: string): { text: string; tokens: number; filled: number } {
  let tokens = 0;
  let filled = 0;
  const text = tpl.replace(/\$(\d|status|title|location)/g, (_, t: string) => {
    tokens++;
    const v = /^\d$/.test(t) ? sanitizeCapture(groups[Number(t)]) : httpToken(view, t);
    if (v !== '') filled++;
    return v;
  });
  return { text: text.trim(), tokens, filled };
}

function field(tpl: string | undefined, groups: RegExpExecArray, view: string): string | undefined {
  if (tpl === undefined) return undefined;
  const f = fill(tpl, groups, view);
  return f.text === '' || (f.tokens > 0 && f.filled === 0) ? undefined : f.text;
}

/** CPE components allow few characters: others become "_"; an empty trailing version is dropped. */
function cpe(tpl: string, groups: RegExpExecArray, view: string): string | undefined {
  const safe = fill(tpl, groups, view)
    .text.replace(/ /g, '_')
    .replace(/[^A-Za-z0-9._~:/%-]/g, '_')
    .toLowerCase()
    .replace(/:+$/, '');
  return safe === '' || safe === 'cpe:/a' ? undefined : safe;
}

/** The service a matcher describes, given its regex's match on `view`. */
export function describe(m: Matcher, groups: RegExpExecArray, view: string, confidence: number): ServiceInfo {
  const parts = m.extrainfo === undefined ? [] : typeof m.extrainfo === 'string' ? [m.extrainfo] : m.extrainfo;
  const extra = parts.map((p) => field(p, groups, view)).filter((x): x is string => x !== undefined);
  const cpes = (m.cpe ?? []).map((c) => cpe(c, groups, view)).filter((x): x is string => x !== undefined);
  const info: ServiceInfo = {
    name: m.service,
    method: 'probed',
    confidence,
    product: field(m.product, groups, view),
    version: field(m.version, groups, view),
    extrainfo: extra.length > 0 ? extra.join('; ') : undefined,
    os: field(m.os, groups, view),
    cpe: cpes.length > 0 ? cpes : undefined,
  };
  // Absent fields are left out, not set to undefined, so results compare and serialise cleanly.
  return Object.fromEntries(Object.entries(info).filter(([, v]) => v !== undefined)) as unknown as ServiceInfo;
}

/** Confidence of a hard match (nmap's conf="10") and of a soft one. */
export const HARD_CONFIDENCE = 10;
export const SOFT_CONFIDENCE = 8;

/**
 * The best matcher for the answer to `probe`: the first hard match among the probe's matchers
 * and then its fallbacks' (file order), else the first soft match; undefined when none fits.
 * `onlyService` narrows to one service (after a soft match, as nmap does).
 */
export function matchAnswer(db: SignatureDb, probe: string, answer: Buffer, onlyService?: string): MatchResult | undefined {
  if (answer.length === 0) return undefined;
  const view = latin1View(answer);
  const p = db.probeByName.get(probe);
  const names = [probe, ...(p?.fallback ?? [])];
  let soft: MatchResult | undefined;
  const seen = new Set<Matcher>();
  for (const name of names) {
    for (const m of db.matchersByProbe.get(name) ?? []) {
      if (seen.has(m)) continue;
      seen.add(m);
      if (onlyService !== undefined && m.service !== onlyService) continue;
      const g = m.regex.exec(view);
      if (g === null) continue;
      const isSoft = m.soft === true;
      if (!isSoft) return { matcher: m, soft: false, service: describe(m, g, view, HARD_CONFIDENCE) };
      soft ??= { matcher: m, soft: true, service: describe(m, g, view, SOFT_CONFIDENCE) };
    }
  }
  return soft;
}

/** Every matcher (of any probe) whose regex fits the answer: the negative-corpus test's tool. */
export function allMatching(db: SignatureDb, answer: Buffer): Matcher[] {
  const view = latin1View(answer);
  return db.matchers.filter((m) => m.regex.test(view));
}
