/**
 * `portcullis audit`: reads the policy and baseline first (a bad file stops everything before any
 * output exists), runs the audit, then writes every output whole — each file goes to a temporary
 * name and is renamed into place, so a file is either the complete report or untouched.
 */
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { PortcullisError, t } from '../core/errors.js';
import { runAudit } from '../audit/audit.js';
import { baselineKeyOf, createBaseline, diffBaseline, parseBaseline, serializeBaseline, type Baseline } from '../audit/baseline.js';
import type { Listener } from '../audit/types.js';
import { checkPolicy } from '../policy/check-policy.js';
import { parsePolicy } from '../policy/parse-policy.js';
import { auditRecords, renderAuditText, type AuditNote } from '../report/audit-report.js';
import { readInputFile } from './input-file.js';
import type { CliIo } from './main.js';
import type { AuditCliOptions } from './parse-args.js';

function writeWhole(dest: string, text: string, io: CliIo): void {
  if (dest === '-') {
    io.stdout.write(text);
    return;
  }
  const tmp = `${dest}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, dest);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      /* never created */
    }
    throw new PortcullisError('PC_OUTPUT_FILE', t(`cannot write "${dest}": ${(err as NodeJS.ErrnoException).code ?? String(err)}`, `no se puede escribir "${dest}": ${(err as NodeJS.ErrnoException).code ?? String(err)}`), { subject: dest, cause: err });
  }
}

/** Runs `portcullis audit`; resolves to the exit code (1 when the policy or the baseline found something). */
export async function runAuditCommand(o: AuditCliOptions, lang: 'en' | 'es', colorFlag: boolean | undefined, io: CliIo): Promise<number> {
  const policy = o.policy === undefined ? undefined : parsePolicy(readInputFile(o.policy, t('policy file', 'el fichero de política')), basename(o.policy));
  let baseline: Baseline | undefined;
  if (o.baseline !== undefined) baseline = parseBaseline(readInputFile(o.baseline, t('baseline file', 'el fichero de línea base')), o.baseline);
  const knownKeys = baseline === undefined ? undefined : new Set(baseline.listeners.map((b) => baselineKeyOf(b)));

  const report = await runAudit({
    signal: io.signal,
    hiddenPorts: o.hiddenPorts === true,
    known: knownKeys === undefined ? undefined : (l: Listener) => knownKeys.has(baselineKeyOf(l)),
  });

  const notes: AuditNote[] = [];
  if (policy !== undefined) {
    for (const d of checkPolicy(policy, report.listeners)) {
      notes.push({
        type: 'deviation',
        kind: d.kind,
        message: d.message,
        listener: 'listener' in d ? d.listener : undefined,
        data: { ...(d.entry === undefined ? {} : { policy_list: d.entry.list, policy_entry: d.entry.index, policy_line: d.entry.line }), ...(d.expected === undefined ? {} : { expected: d.expected }), ...('actual' in d && d.actual !== undefined ? { actual: d.actual } : {}) },
      });
    }
  }
  if (baseline !== undefined) {
    for (const c of diffBaseline(baseline, report.listeners)) {
      notes.push({ type: 'change', kind: c.kind, message: c.message, listener: 'listener' in c ? c.listener : undefined, data: { key: c.key, before: 'before' in c ? c.before : null, after: 'after' in c ? c.after : null } });
    }
  }

  const color = colorFlag ?? (io.stdout.isTTY === true && io.env['NO_COLOR'] === undefined);
  const outputs = o.outputs ?? [];
  const textOpts = { lang, explain: o.explain ?? false, verbose: o.verbose ?? 0 };
  if (!outputs.some((x) => x.dest === '-')) io.stdout.write(renderAuditText(report, notes, { ...textOpts, color }));
  for (const out of outputs) {
    const text = out.format === 'ndjson' ? auditRecords(report, notes, lang).map((r) => `${JSON.stringify(r)}\n`).join('') : renderAuditText(report, notes, { ...textOpts, color: false });
    writeWhole(out.dest, text, io);
  }
  if (o.saveBaseline !== undefined) {
    writeWhole(o.saveBaseline, serializeBaseline(createBaseline(report.listeners, report.startedAt, report.host)), io);
    if (o.saveBaseline !== '-') io.stderr.write(lang === 'es' ? `Línea base guardada en ${o.saveBaseline} (${report.listeners.length} oyentes).\n` : `Baseline saved to ${o.saveBaseline} (${report.listeners.length} listeners).\n`);
  }
  return notes.length > 0 ? 1 : 0;
}
