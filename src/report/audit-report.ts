/**
 * Output of `portcullis audit`: NDJSON records (one per listener, schema in
 * docs/reference/audit.schema.json) and the terminal report, grouped by exposure. Pure: a report
 * goes in, text comes out. Process names, command lines and paths are written by whoever started
 * the process, so everything printed to a terminal is escaped.
 */
import { createRequire } from 'node:module';
import type { createColors as CreateColors } from 'picocolors';
import type { Bilingual } from '../core/errors.js';
import type { AuditReport } from '../audit/audit.js';
import type { Exposure, Finding, Listener, Severity } from '../audit/types.js';
import { riskFor, type RiskInfo } from '../identify/risk.js';
import { escapeTerminal } from './escape.js';
import type { Lang } from './messages.js';

// Loaded through require, not import: see src/core/ip.ts for why.
const { createColors } = createRequire(import.meta.url)('picocolors') as { createColors: typeof CreateColors };

/** A policy deviation or baseline change, as the report prints it. */
export interface AuditNote {
  readonly type: 'deviation' | 'change';
  readonly kind: string;
  readonly message: Bilingual;
  readonly listener?: Listener | undefined;
  /** Extra fields for the NDJSON record (entry line, before/after…). */
  readonly data?: Readonly<Record<string, unknown>> | undefined;
}

/** Format version of the audit NDJSON records. */
export const AUDIT_FORMAT_VERSION = 1;

function risk(l: Listener, lang: Lang): RiskInfo | undefined {
  if ((l.kind !== 'tcp' && l.kind !== 'udp') || l.scope === 'loopback') return undefined;
  return riskFor({ name: l.service ?? 'unknown', port: l.port, proto: l.kind, method: 'table' }, lang);
}

function netnsLabel(l: Listener): string {
  return l.netns.own ? 'host' : l.netns.name ?? `net:[${l.netns.inode}]`;
}

function findingRecord(f: Finding, lang: Lang): Record<string, unknown> {
  return { id: f.id, severity: f.severity, reason: f.reason[lang] };
}

/** The NDJSON record of one listener. */
export function listenerRecord(l: Listener, lang: Lang): Record<string, unknown> {
  const p = l.processes[0];
  const r = risk(l, lang);
  return {
    type: 'listener',
    proto: l.kind,
    family: l.family ?? null,
    address: l.address,
    port: l.port,
    scope: l.scope,
    netns: { inode: l.netns.inode, name: l.netns.name ?? null, own: l.netns.own },
    pid: p?.pid ?? null,
    process: p?.name ?? null,
    exe: p?.exe ?? null,
    exe_deleted: p?.exeDeleted ?? false,
    cmdline: p?.cmdline ?? [],
    user: p?.user ?? null,
    uid: p?.uid ?? (l.uid >= 0 ? l.uid : null),
    start_time: p?.startTime ?? null,
    unit: p?.unit ?? null,
    container: p?.container ?? null,
    pids: l.processes.map((x) => x.pid),
    service: l.service ?? null,
    exposure: l.exposure,
    exposure_reason: l.exposureReason[lang],
    findings: l.findings.map((f) => findingRecord(f, lang)),
    ...(r === undefined ? {} : { risk: { service: r.service, level: r.level, summary: r.summary, why: r.why, fix: r.fix, sources: r.sources } }),
  };
}

const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

function severityCounts(report: AuditReport): Record<Severity, number> {
  const c = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const l of report.listeners) for (const f of l.findings) c[f.severity]++;
  for (const h of report.hidden) c[h.finding.severity]++;
  return c;
}

function exposureCounts(report: AuditReport): Record<Exposure, number> {
  const c = { reachable: 0, local: 0, blocked: 0, unknown: 0 };
  for (const l of report.listeners) c[l.exposure]++;
  return c;
}

/** Every NDJSON record of an audit, in order: header, listeners, hidden ports, notes, summary. */
export function auditRecords(report: AuditReport, notes: readonly AuditNote[], lang: Lang): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  out.push({
    type: 'audit',
    format_version: AUDIT_FORMAT_VERSION,
    host: report.host,
    platform: report.platform,
    started: report.startedAt.toISOString(),
    root: report.root,
    namespaces: report.namespaces.map((n) => ({ inode: n.inode, name: n.name ?? null, own: n.own })),
  });
  for (const l of report.listeners) out.push(listenerRecord(l, lang));
  for (const h of report.hidden) out.push({ type: 'hidden-port', proto: h.proto, family: h.family, port: h.port, finding: findingRecord(h.finding, lang) });
  for (const n of notes) {
    const l = n.listener;
    out.push({
      type: n.type,
      kind: n.kind,
      message: n.message[lang],
      ...(l === undefined ? {} : { listener: { proto: l.kind, family: l.family ?? null, address: l.address, port: l.port, netns: netnsLabel(l), pid: l.processes[0]?.pid ?? null, exe: l.processes[0]?.exe ?? null } }),
      ...(n.data ?? {}),
    });
  }
  out.push({
    type: 'audit-summary',
    finished: report.finishedAt.toISOString(),
    elapsed_ms: report.finishedAt.getTime() - report.startedAt.getTime(),
    listeners: report.listeners.length,
    exposure: exposureCounts(report),
    findings: severityCounts(report),
    unknown_owner: report.unknownOwner,
    unreadable_processes: report.unreadableProcesses,
    hidden_checked: report.hiddenChecked,
    deviations: notes.filter((n) => n.type === 'deviation').length,
    changes: notes.filter((n) => n.type === 'change').length,
    firewall_notes: report.firewallNotes,
  });
  return out;
}

/** Options of the terminal report. */
export interface AuditTextOptions {
  readonly lang: Lang;
  readonly color: boolean;
  readonly explain: boolean;
  readonly verbose: number;
}

const TITLES: Record<Exposure, Bilingual> = {
  reachable: { en: 'Reachable from other machines', es: 'Accesibles desde otras máquinas' },
  unknown: { en: 'Exposure unknown', es: 'Exposición desconocida' },
  blocked: { en: 'Blocked by the firewall', es: 'Bloqueados por el cortafuegos' },
  local: { en: 'Local only', es: 'Solo locales' },
};

function endpoint(l: Listener): string {
  if (l.kind === 'packet') return `* ethertype 0x${l.port.toString(16).padStart(4, '0')}`;
  if (l.kind === 'raw') return `${l.family === 6 ? `[${l.address}]` : l.address} proto ${l.port}`;
  return `${l.family === 6 ? `[${l.address}]` : l.address}:${l.port}`;
}

function table(rows: string[][]): string[] {
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]! + 2))).join('').trimEnd());
}

/** The terminal report. */
export function renderAuditText(report: AuditReport, notes: readonly AuditNote[], o: AuditTextOptions): string {
  const c = createColors(o.color);
  const es = o.lang === 'es';
  const sev = (s: Severity): string => {
    const label = s.toUpperCase();
    return s === 'critical' || s === 'high' ? c.red(c.bold(label)) : s === 'medium' ? c.yellow(label) : c.dim(label);
  };
  const lines: string[] = [];
  lines.push(es ? `Auditoría de Portcullis de ${escapeTerminal(report.host)} (${report.platform}) a las ${report.startedAt.toISOString().replace('T', ' ').slice(0, 16)} UTC` : `Portcullis audit of ${escapeTerminal(report.host)} (${report.platform}) at ${report.startedAt.toISOString().replace('T', ' ').slice(0, 16)} UTC`);
  const multiNs = new Set(report.listeners.map((l) => l.netns.inode)).size > 1;
  const header = [es ? 'PROTO' : 'PROTO', es ? 'DIRECCIÓN' : 'ADDRESS', ...(multiNs ? [es ? 'RED' : 'NETNS'] : []), es ? 'PID/PROCESO' : 'PID/PROCESS', es ? 'USUARIO' : 'USER', es ? 'EJECUTABLE' : 'EXECUTABLE', es ? 'HALLAZGOS' : 'FINDINGS'];
  for (const exp of ['reachable', 'unknown', 'blocked', 'local'] as const) {
    const group = report.listeners.filter((l) => l.exposure === exp);
    if (group.length === 0) continue;
    lines.push('', c.bold(`${TITLES[exp][o.lang]} (${group.length})`));
    const rows = [header];
    for (const l of group) {
      const p = l.processes[0];
      const more = l.processes.length > 1 ? ` +${l.processes.length - 1}` : '';
      rows.push([
        l.family === 6 && (l.kind === 'tcp' || l.kind === 'udp') ? `${l.kind}6` : l.kind,
        escapeTerminal(endpoint(l)),
        ...(multiNs ? [escapeTerminal(netnsLabel(l))] : []),
        p === undefined ? '-' : `${p.pid}/${escapeTerminal(p.name)}${more}`,
        escapeTerminal(p?.user ?? (l.uid >= 0 ? String(l.uid) : '-')),
        escapeTerminal(p === undefined ? '-' : `${p.exe ?? '?'}${p.exeDeleted === true ? (es ? ' (borrado)' : ' (deleted)') : ''}`),
        l.findings.filter((f) => f.severity !== 'info' || o.verbose > 0).map((f) => f.id).join(',') || '-',
      ]);
    }
    const [head, ...body] = table(rows);
    lines.push(c.dim(head), ...body);
    if (o.verbose > 0 || exp === 'unknown') {
      const reasons = new Map<string, number>();
      for (const l of group) reasons.set(l.exposureReason[o.lang], (reasons.get(l.exposureReason[o.lang]) ?? 0) + 1);
      for (const [r, n] of reasons) lines.push(c.dim(`  ${n} × ${escapeTerminal(r)}`));
    }
  }

  const shown = report.listeners.flatMap((l) => l.findings.filter((f) => f.severity !== 'info' || o.verbose > 0).map((f) => ({ l, f })));
  if (shown.length > 0 || report.hidden.length > 0) {
    lines.push('', c.bold(es ? 'Hallazgos:' : 'Findings:'));
    const order = (s: Severity): number => SEVERITIES.indexOf(s);
    for (const { l, f } of shown.sort((a, b) => order(a.f.severity) - order(b.f.severity))) {
      const p = l.processes[0];
      lines.push(`  ${sev(f.severity)} ${f.id} — ${l.kind} ${escapeTerminal(endpoint(l))}${p === undefined ? '' : ` ${escapeTerminal(p.name)} (pid ${p.pid})`}${l.netns.own ? '' : ` [${escapeTerminal(netnsLabel(l))}]`}`);
      lines.push(`      ${escapeTerminal(f.reason[o.lang])}`);
    }
    for (const h of report.hidden) lines.push(`  ${sev(h.finding.severity)} ${h.finding.id} — ${h.proto}${h.family === 6 ? '6' : ''} ${h.port}`, `      ${escapeTerminal(h.finding.reason[o.lang])}`);
  }

  if (o.explain) {
    const seen = new Set<string>();
    const explained: string[] = [];
    for (const l of report.listeners) {
      if (l.exposure !== 'reachable' && l.exposure !== 'unknown') continue;
      const r = risk(l, o.lang);
      if (r === undefined || seen.has(r.service)) continue;
      seen.add(r.service);
      explained.push(`  ${c.bold(r.service)} (${l.port}/${l.kind}, ${r.level}): ${r.summary}`, `      ${r.why}`, ...r.fix.map((f) => `      - ${f}`));
    }
    if (explained.length > 0) lines.push('', c.bold(es ? 'Riesgos de lo que es accesible:' : 'Risks of what is reachable:'), ...explained);
  }

  if (notes.length > 0) {
    const dev = notes.filter((n) => n.type === 'deviation');
    const chg = notes.filter((n) => n.type === 'change');
    if (dev.length > 0) lines.push('', c.bold(es ? `Desviaciones de la política (${dev.length}):` : `Policy deviations (${dev.length}):`), ...dev.map((n) => `  ${c.yellow(n.kind)}: ${escapeTerminal(n.message[o.lang])}`));
    if (chg.length > 0) lines.push('', c.bold(es ? `Cambios desde la línea base (${chg.length}):` : `Changes since the baseline (${chg.length}):`), ...chg.map((n) => `  ${c.yellow(n.kind)}: ${escapeTerminal(n.message[o.lang])}`));
  }

  const x = exposureCounts(report);
  lines.push('');
  lines.push(
    es
      ? `${report.listeners.length} sockets a la escucha: ${x.reachable} accesibles, ${x.local} locales, ${x.blocked} bloqueados, ${x.unknown} de exposición desconocida.`
      : `${report.listeners.length} listening sockets: ${x.reachable} reachable, ${x.local} local only, ${x.blocked} blocked, ${x.unknown} exposure unknown.`,
  );
  if (report.unknownOwner > 0) {
    lines.push(
      report.root
        ? es
          ? `${report.unknownOwner} sin proceso conocido (del núcleo o de procesos de otro espacio de PID).`
          : `${report.unknownOwner} without a known process (kernel sockets, or processes in another PID namespace).`
        : es
          ? `${report.unknownOwner} sin proceso conocido: sin privilegios no se ven los descriptores de ${report.unreadableProcesses} procesos de otros usuarios; ejecútelo como root para verlos.`
          : `${report.unknownOwner} without a known process: without privilege the open files of ${report.unreadableProcesses} other users' processes cannot be read; run as root to see them.`,
    );
  }
  if (!report.hiddenChecked && o.verbose > 0) lines.push(es ? 'Comprobación de puertos ocultos no realizada (--hidden-ports).' : 'Hidden-port check not run (--hidden-ports).');
  for (const n of report.firewallNotes) lines.push(c.dim(`${es ? 'Cortafuegos' : 'Firewall'}: ${escapeTerminal(n)}`));
  return `${lines.join('\n')}\n`;
}
