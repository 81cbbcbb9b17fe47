/** Normal output (-oN and the terminal): nmap's familiar per-host table, in English or Spanish. */
import { createRequire } from 'node:module';
import type { createColors as CreateColors } from 'picocolors';

// Loaded through require, not import: see src/core/ip.ts for why.
const { createColors } = createRequire(import.meta.url)('picocolors') as { createColors: typeof CreateColors };
import type { HostReport, PortResult, PortState, ScanHeader, ScanSummary, ScanWarning, ServiceInfo, TlsInfo } from '../core/types.js';
import { escapeTerminal } from './escape.js';
import { messages } from './messages.js';
import type { RiskInfo } from '../identify/risk.js';
import { closeOutput, type Output } from './output-file.js';
import type { ReportSink, SinkOptions } from './sink.js';

/** "2026-11-24 04:20 UTC", as nmap prints its start time. */
export function formatStart(ms: number): string {
  const d = new Date(ms);
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}

/** A reason's plural as nmap's reason table has it: resets, host-unreaches, but conn-refused. */
function pluralReason(r: string): string {
  if (r.startsWith('conn-')) return r;
  return r.endsWith('ch') ? `${r}es` : `${r}s`;
}

/** Reasons as nmap prints them: "conn-refused" or "12 no-responses, 3 host-unreaches". */
export function formatReasons(reasons: Readonly<Record<string, number>>): string {
  const entries = Object.entries(reasons).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (entries.length === 1) return entries[0]![0];
  return entries.map(([r, n]) => `${n} ${n === 1 ? r : pluralReason(r)}`).join(', ');
}

/**
 * A latency in seconds with two significant digits, as nmap prints it: 0.42 ms → "0.00042",
 * 12.3 ms → "0.012", 1.5 s → "1.5".
 */
export function formatLatency(ms: number): string {
  const s = ms / 1000;
  if (!(s > 0) || !Number.isFinite(s)) return '0.0';
  return s.toFixed(Math.min(20, Math.max(0, 1 - Math.floor(Math.log10(s)))));
}

/** The VERSION cell of a probed service, as nmap prints it: product version (extra info). */
export function formatVersion(s: ServiceInfo | undefined): string {
  if (s === undefined || s.method !== 'probed') return '';
  const parts = [s.product, s.version].filter((x): x is string => x !== undefined && x !== '');
  if (s.extrainfo !== undefined && s.extrainfo !== '') parts.push(`(${s.extrainfo})`);
  return parts.join(' ');
}

/** The line under a TLS port: session, certificate names, validity and key. */
export function formatTls(t: TlsInfo): string {
  const session = [t.protocol, t.cipher, t.alpn === undefined ? undefined : `ALPN ${t.alpn}`, t.via === 'starttls' ? 'STARTTLS' : undefined].filter((x) => x !== undefined).join(' ');
  const c = t.cert;
  if (c === undefined) return `tls: ${session}; no certificate`;
  const names = [c.commonName === undefined ? c.subject : `CN=${c.commonName}`, ...c.altNames.slice(0, 4)].join(', ');
  const validity = c.expired ? `EXPIRED ${c.notAfter.slice(0, 10)}` : `valid until ${c.notAfter.slice(0, 10)} (${c.daysLeft} days${c.expiringSoon ? ', expiring soon' : ''})`;
  const key = `${c.keyType}${c.keyBits === undefined ? '' : ` ${c.keyBits}`}`;
  return `tls: ${session}; ${names}; ${c.selfSigned ? 'self-signed' : `issuer ${c.issuer}`}; ${validity}; ${key}`;
}

/** The lines --explain adds under an open port. */
function formatRisk(r: RiskInfo, m: ReturnType<typeof messages>): string[] {
  const out = [`| ${m.risk(r.level)}: ${escapeTerminal(r.summary)}`, `| ${escapeTerminal(r.why)}`];
  r.fix.forEach((f, i) => out.push(`${i === r.fix.length - 1 ? '|_' : '|'} ${m.fix()}: ${escapeTerminal(f)}`));
  return out;
}

/** Renders one host's block of normal output (no trailing blank line). */
export function renderHost(h: HostReport, opts: SinkOptions): string {
  const m = messages(opts.lang ?? 'en');
  const c = createColors(opts.color ?? false);
  const lines: string[] = [];
  const who = h.hostname !== undefined ? `${escapeTerminal(h.hostname)} (${h.host})` : h.host;
  lines.push(m.reportFor(who));
  if (h.status === 'up') lines.push(h.srttMs !== null ? m.hostUp(formatLatency(h.srttMs)) : m.hostUpNoLatency());
  else if (h.status === 'down') lines.push(m.hostDown(h.statusReason ?? 'no-response'));
  else lines.push(m.hostSilent());
  if (h.timedOut) lines.push(m.hostTimedOut());
  // Host discovery only (-sn), or a down host: no port table.
  if (h.status === 'down' || (Object.keys(h.counts).length === 0 && h.ports.length === 0)) return lines.join('\n');

  // States not listed, with their reasons; --open moves every listed non-open port here too.
  const hidden = new Map<PortState, { count: number; reasons: Record<string, number> }>();
  for (const n of h.notShown) hidden.set(n.state, { count: n.count, reasons: { ...n.reasons } });
  let rows: PortResult[] = [...h.ports];
  if (opts.openOnly === true) {
    for (const p of rows) {
      if (p.state === 'open') continue;
      const e = hidden.get(p.state) ?? { count: 0, reasons: {} };
      e.count++;
      e.reasons[p.reason] = (e.reasons[p.reason] ?? 0) + 1;
      hidden.set(p.state, e);
    }
    rows = rows.filter((p) => p.state === 'open');
  }
  const proto = h.proto;
  const total = Object.values(h.counts).reduce((a, b) => a + (b ?? 0), 0);
  if (rows.length === 0 && hidden.size === 1) {
    const [state, e] = [...hidden][0]!;
    lines.push(m.allSame(total, m.statePlural(state), proto, formatReasons(e.reasons)));
    return lines.join('\n');
  }
  if (hidden.size > 0) {
    lines.push(m.notShown([...hidden].map(([state, e]) => m.notShownPart(e.count, m.statePlural(state), proto, formatReasons(e.reasons))).join(', ')));
  }
  if (rows.length > 0) {
    const withVersion = opts.versionColumn === true;
    const table = rows.map((p) => {
      const cols = [
        `${p.port}/${p.proto}`,
        p.verified === false ? m.unverified(m.state(p.state)) : m.state(p.state),
        // As nmap: a service found inside TLS reads "ssl/http".
        escapeTerminal(`${p.tls !== undefined && p.tls.via !== 'starttls' && p.service !== undefined && p.service.name !== 'ssl' ? 'ssl/' : ''}${p.service?.name ?? 'unknown'}`),
      ];
      // As nmap --reason: "syn-ack ttl 64"; an unverified port says why.
      if (opts.reason === true) cols.push(`${p.reason}${p.reasonTtl !== undefined ? ` ttl ${p.reasonTtl}` : ''}${p.verified === false && p.verifyReason !== undefined ? `, ${p.verifyReason}` : ''}`);
      if (withVersion) cols.push(escapeTerminal(formatVersion(p.service)));
      return cols;
    });
    const head = [m.colPort(), m.colState(), m.colService()];
    if (opts.reason === true) head.push(m.colReason());
    if (withVersion) head.push(m.colVersion());
    // As nmap: each column as wide as its longest cell, then one space; the last is not padded.
    const widths = head.map((h, i) => Math.max(h.length, ...table.map((cols) => cols[i]!.length)));
    const pad = (cols: readonly string[]): string[] => cols.map((c, i) => (i === cols.length - 1 ? c : c.padEnd(widths[i]!)));
    lines.push(pad(head).join(' ').trimEnd());
    const paint = (state: PortState, s: string): string => (state === 'open' ? c.green(s) : state === 'closed' ? c.red(s) : c.yellow(s));
    rows.forEach((p, i) => {
      const cols = pad(table[i]!);
      cols[1] = paint(p.state, cols[1]!);
      lines.push(cols.join(' ').trimEnd());
      const risk = opts.explain === true && p.state === 'open' ? opts.risk?.(p, opts.lang ?? 'en') : undefined;
      if (p.tls !== undefined) lines.push(`${risk !== undefined ? '|' : '|_'}${escapeTerminal(formatTls(p.tls))}`);
      if (risk !== undefined) lines.push(...formatRisk(risk, m));
    });
    const oses = [...new Set(rows.map((p) => p.service?.os).filter((x): x is string => x !== undefined && x !== ''))];
    if (withVersion && oses.length > 0) lines.push(m.serviceInfo(escapeTerminal(oses.join(', '))));
  }
  return lines.join('\n');
}

/** Writes normal output as the scan goes: header line, one block per host, the final line. */
export class NormalSink implements ReportSink {
  private ended = false;
  constructor(
    private readonly out: Output,
    private opts: SinkOptions,
  ) {
    if (opts.explain === true && opts.risk === undefined) throw new TypeError('NormalSink: explain needs the risk lookup (opts.risk)');
  }

  begin(header: ScanHeader): void {
    // As nmap: the VERSION column appears when -sV ran, even where nothing was found.
    if (header.serviceDetection === true) this.opts = { ...this.opts, versionColumn: true };
    this.out.write(`${messages(this.opts.lang ?? 'en').starting(header.version, formatStart(header.startedAt))}\n`);
  }

  port(): void {}

  host(h: HostReport): void {
    // As nmap: down hosts are listed only with -v.
    if (h.status === 'down' && (this.opts.verbose ?? 0) === 0) return;
    this.out.write(`${renderHost(h, this.opts)}\n\n`);
  }

  warning(w: ScanWarning): void {
    if ((this.opts.verbose ?? 0) > 0 || this.out.named) this.out.write(`${messages(this.opts.lang ?? 'en').warning(escapeTerminal(w.message))}\n`);
  }

  end(s: ScanSummary): Promise<void> {
    if (this.ended) return Promise.resolve();
    this.ended = true;
    const m = messages(this.opts.lang ?? 'en');
    if (s.interrupted) this.out.write(`${m.interrupted()}\n`);
    this.out.write(`${m.done(s.hostsTotal, s.hostsUp, (s.elapsedMs / 1000).toFixed(2))}\n`);
    return closeOutput(this.out);
  }
}
