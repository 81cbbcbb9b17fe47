/** Normal output (-oN and the terminal): nmap's familiar per-host table, in English or Spanish. */
import { createRequire } from 'node:module';
import type { createColors as CreateColors } from 'picocolors';

// Loaded through require, not import: see src/core/ip.ts for why.
const { createColors } = createRequire(import.meta.url)('picocolors') as { createColors: typeof CreateColors };
import type { HostReport, PortResult, PortState, ScanHeader, ScanSummary, ScanWarning } from '../core/types.js';
import { escapeTerminal } from './escape.js';
import { messages } from './messages.js';
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
    const cells = rows.map(
      (p) =>
        [
          `${p.port}/${p.proto}`,
          p.verified === false ? m.unverified(m.state(p.state)) : m.state(p.state),
          escapeTerminal(p.service?.name ?? 'unknown'),
          // As nmap --reason: "syn-ack ttl 64"; an unverified port says why.
          `${p.reason}${p.reasonTtl !== undefined ? ` ttl ${p.reasonTtl}` : ''}${p.verified === false && p.verifyReason !== undefined ? `, ${p.verifyReason}` : ''}`,
        ] as const,
    );
    // As nmap: each column as wide as its longest cell, then one space.
    const w0 = Math.max(m.colPort().length, ...cells.map((x) => x[0].length));
    const w1 = Math.max(m.colState().length, ...cells.map((x) => x[1].length));
    const w2 = Math.max(m.colService().length, ...cells.map((x) => x[2].length));
    const head = [m.colPort().padEnd(w0), m.colState().padEnd(w1), opts.reason === true ? m.colService().padEnd(w2) : m.colService()];
    if (opts.reason === true) head.push(m.colReason());
    lines.push(head.join(' ').trimEnd());
    const paint = (state: PortState, s: string): string => (state === 'open' ? c.green(s) : state === 'closed' ? c.red(s) : c.yellow(s));
    rows.forEach((p, i) => {
      const [port, state, svc, reason] = cells[i]!;
      const parts = [port.padEnd(w0), paint(p.state, state.padEnd(w1)), opts.reason === true ? svc.padEnd(w2) : svc];
      if (opts.reason === true) parts.push(reason);
      lines.push(parts.join(' ').trimEnd());
    });
  }
  return lines.join('\n');
}

/** Writes normal output as the scan goes: header line, one block per host, the final line. */
export class NormalSink implements ReportSink {
  private ended = false;
  constructor(
    private readonly out: Output,
    private readonly opts: SinkOptions,
  ) {}

  begin(header: ScanHeader): void {
    this.out.write(`${messages(this.opts.lang ?? 'en').starting(header.version, formatStart(header.startedAt))}\n`);
  }

  port(): void {}

  host(h: HostReport): void {
    // As nmap: down hosts are listed only with -v.
    if (h.status === 'down' && (this.opts.verbose ?? 0) === 0) return;
    this.out.write(`${renderHost(h, this.opts)}\n\n`);
  }

  warning(w: ScanWarning): void {
    if ((this.opts.verbose ?? 0) > 0 || this.out.seekable) this.out.write(`${messages(this.opts.lang ?? 'en').warning(escapeTerminal(w.message))}\n`);
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
