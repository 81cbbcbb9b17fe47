/**
 * `portcullis firewall plan|apply|confirm|rollback|status|verify`. The policy (or the audit, with
 * --from-audit) is read and validated before anything else, so a bad file changes nothing.
 */
import { basename } from 'node:path';
import { execFile } from 'node:child_process';
import { PortcullisError, t, type Bilingual } from '../core/errors.js';
import { runAudit } from '../audit/audit.js';
import { judgeExposure, dockerPublished } from '../audit/exposure/judge.js';
import { readFirewall } from '../audit/exposure/read-firewall.js';
import type { FirewallSnapshot } from '../audit/exposure/types.js';
import type { Listener } from '../audit/types.js';
import { applyRendered, confirm, rollback, status } from '../firewall/apply.js';
import { detectBackend } from '../firewall/detect.js';
import { buildRuleModel, sshSession, type RuleModel } from '../firewall/model.js';
import { render } from '../firewall/render/index.js';
import type { Backend, Rendered } from '../firewall/render/types.js';
import { policyFromListeners, runVerify } from '../firewall/verify.js';
import { parsePolicy } from '../policy/parse-policy.js';
import type { Policy } from '../policy/policy.js';
import { parsePortSpec } from '../core/port-spec.js';
import { serviceLookup } from '../identify/services.js';
import { escapeTerminal } from '../report/escape.js';
import { readInputFile } from './input-file.js';
import type { CliIo } from './main.js';
import type { FirewallCliOptions, FIREWALL_ACTIONS } from './parse-args.js';

type Lang = 'en' | 'es';

function say(io: CliIo, lang: Lang, text: Bilingual): void {
  io.stdout.write(`${text[lang]}\n`);
}

function warn(io: CliIo, lang: Lang, text: Bilingual): void {
  io.stderr.write(`${lang === 'es' ? 'Aviso' : 'Warning'}: ${escapeTerminal(text[lang])}\n`);
}

async function loadPolicy(o: FirewallCliOptions, io: CliIo, lang: Lang): Promise<{ policy: Policy; listeners: readonly Listener[] | undefined }> {
  if (o.policy !== undefined) {
    const policy = parsePolicy(readInputFile(o.policy, t('policy file', 'el fichero de política')), basename(o.policy));
    let listeners: readonly Listener[] | undefined;
    if (process.platform === 'linux') {
      try {
        listeners = (await runAudit({ signal: io.signal })).listeners;
      } catch {
        listeners = undefined; // advice only: the plan does not depend on it
      }
    }
    return { policy, listeners };
  }
  const report = await runAudit({ signal: io.signal });
  const { policy, skipped } = policyFromListeners(report.listeners);
  for (const s of skipped) warn(io, lang, t(`${s.listener.port}/${s.listener.kind} ${s.why.en}`, `${s.listener.port}/${s.listener.kind} ${s.why.es}`));
  return { policy, listeners: report.listeners };
}

function defaultBackend(): Backend {
  return process.platform === 'darwin' || process.platform.endsWith('bsd') ? 'pf' : process.platform === 'win32' ? 'windows' : 'nftables';
}

/** Warnings about the machine as it is now: Docker-published ports and IPv6 left open where IPv4 is closed. */
export function currentStateWarnings(fw: FirewallSnapshot, listeners: readonly Listener[]): Bilingual[] {
  const out: Bilingual[] = [];
  for (const p of dockerPublished(fw)) {
    out.push(t(`Docker publishes ${p.hostAddress ?? '*'}:${p.hostPort}/${p.proto} → ${p.containerAddress}:${p.containerPort}: DNAT happens before INPUT, so these rules do not cover it; filter it in the DOCKER-USER chain or publish it on 127.0.0.1`, `Docker publica ${p.hostAddress ?? '*'}:${p.hostPort}/${p.proto} → ${p.containerAddress}:${p.containerPort}: el DNAT ocurre antes de INPUT, así que estas reglas no lo cubren; fíltrelo en la cadena DOCKER-USER o publíquelo en 127.0.0.1`));
  }
  const seen = new Set<string>();
  for (const l of listeners) {
    if ((l.kind !== 'tcp' && l.kind !== 'udp') || l.scope === 'loopback' || !l.netns.own) continue;
    const key = `${l.kind}/${l.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const v4 = judgeExposure(fw, { family: 4, proto: l.kind, address: '0.0.0.0', port: l.port });
    const v6 = judgeExposure(fw, { family: 6, proto: l.kind, address: '::', port: l.port });
    if (v4.exposure === 'blocked' && v6.exposure === 'reachable' && (l.family === 6 || l.address === '::')) {
      out.push(t(`${l.port}/${l.kind} is closed for IPv4 but open for IPv6 (${v6.reason.en}); the rules below close both`, `${l.port}/${l.kind} está cerrado para IPv4 pero abierto para IPv6 (${v6.reason.es}); las reglas de abajo cierran ambos`));
    }
  }
  return out;
}

function planHeader(model: RuleModel, r: Rendered, lang: Lang): string {
  const lines: string[] = [];
  const es = lang === 'es';
  lines.push(es ? `# Plan de cortafuegos de Portcullis para ${r.backend}, a partir de ${model.source}` : `# Portcullis firewall plan for ${r.backend}, from ${model.source}`);
  const allow = model.rules.filter((x) => x.action === 'accept').length;
  const deny = model.rules.filter((x) => x.action === 'drop').length;
  lines.push(es ? `# Entrada denegada por defecto; ${allow} reglas de permiso, ${deny} de denegación; IPv4 e IPv6.` : `# Default deny inbound; ${allow} allow rules, ${deny} deny rules; IPv4 and IPv6.`);
  for (const n of model.notes) lines.push(`# ${n.kind === 'ssh-guard' || n.kind === 'no-guard' ? '!' : '*'} ${n.text[lang]}`);
  return `${lines.join('\n')}\n`;
}

function run(cmd: readonly string[], signal: AbortSignal | undefined): Promise<{ ok: boolean; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd[0]!, cmd.slice(1), { timeout: 60_000, ...(signal === undefined ? {} : { signal }) }, (err, stdout, stderr) => resolve({ ok: err === null, out: `${String(stdout)}${String(stderr)}`.trim() }));
  });
}

/** Runs `portcullis firewall ACTION`; resolves to the exit code. */
export async function runFirewallCommand(action: (typeof FIREWALL_ACTIONS)[number], targets: readonly string[], o: FirewallCliOptions, lang: Lang, io: CliIo): Promise<number> {
  const stateOpts = { ...(o.stateDir === undefined ? {} : { stateDir: o.stateDir }), signal: io.signal };
  switch (action) {
    case 'confirm': {
      await confirm(stateOpts);
      say(io, lang, t('Confirmed: the new rules stay.', 'Confirmado: las reglas nuevas se mantienen.'));
      return 0;
    }
    case 'rollback': {
      const r = await rollback(stateOpts);
      say(io, lang, t(`Rolled back: the ${r.backend} ruleset saved at ${r.appliedAt} is restored.`, `Deshecho: se restauró el conjunto de reglas de ${r.backend} guardado a las ${r.appliedAt}.`));
      return 0;
    }
    case 'status': {
      const s = await status(stateOpts);
      if (s.state === 'none') say(io, lang, t('No apply is recorded.', 'No consta ninguna aplicación.'));
      else if (s.state === 'pending') say(io, lang, t(`Pending: ${s.backend} rules applied at ${s.appliedAt}; rolled back at ${s.deadline} unless confirmed (portcullis firewall confirm).`, `Pendiente: reglas de ${s.backend} aplicadas a las ${s.appliedAt}; se desharán a las ${s.deadline} salvo confirmación (portcullis firewall confirm).`));
      else say(io, lang, t(`Confirmed: ${s.backend} rules applied at ${s.appliedAt}.`, `Confirmado: reglas de ${s.backend} aplicadas a las ${s.appliedAt}.`));
      return 0;
    }
    case 'verify': {
      const { policy } = await loadPolicy(o, io, lang);
      const guard = o.noSshGuard === true ? undefined : sshSession(io.env['SSH_CONNECTION'])?.port;
      const extra = o.ports === undefined ? undefined : parsePortSpec(o.ports, serviceLookup, ['tcp', 'udp']);
      const hosts = await runVerify({ policy, targets, guardPort: guard, ports: extra, signal: io.signal });
      let bad = 0;
      const json = o.outputs?.some((x) => x.format === 'ndjson' && x.dest === '-') === true;
      for (const h of hosts) {
        if (!json) io.stdout.write(`${lang === 'es' ? 'Verificación de' : 'Verification of'} ${h.host}${h.source === undefined ? '' : ` (${lang === 'es' ? 'desde' : 'from'} ${h.source})`}\n${lang === 'es' ? 'PUERTO     POLÍTICA  ESPERADO  ESTADO         ' : 'PORT       POLICY    EXPECTED  STATE          '}\n`);
        for (const p of h.ports) {
          if (!p.ok) bad++;
          if (json) io.stdout.write(`${JSON.stringify({ type: 'verify', host: h.host, proto: p.proto, port: p.port, policy: p.verdict.action, policy_line: p.verdict.line ?? null, expected: p.expected, state: p.state, ok: p.ok, why: p.why[lang] })}\n`);
          else io.stdout.write(`${`${p.port}/${p.proto}`.padEnd(11)}${p.verdict.action.padEnd(10)}${p.expected.padEnd(10)}${p.state.padEnd(15)}${p.ok ? 'ok' : `${lang === 'es' ? 'DIFERENCIA' : 'MISMATCH'}: ${p.why[lang]}`}\n`);
        }
      }
      if (!json) say(io, lang, bad === 0 ? t('Every port agrees with the policy.', 'Todos los puertos coinciden con la política.') : t(`${bad} port(s) disagree with the policy.`, `${bad} puerto(s) no coinciden con la política.`));
      return bad === 0 && hosts.length > 0 ? 0 : 1;
    }
    case 'plan':
    case 'apply': {
      const { policy, listeners } = await loadPolicy(o, io, lang);
      let backend: Backend;
      if (o.backend !== undefined) backend = o.backend;
      else {
        const d = await detectBackend({ signal: io.signal });
        backend = d.backend ?? defaultBackend();
        if (d.conflict !== undefined) warn(io, lang, d.conflict);
      }
      const model = buildRuleModel(policy, { sshConnection: io.env['SSH_CONNECTION'], noGuard: o.noSshGuard === true, listeners });
      const rendered = render(model, backend);
      if (process.platform === 'linux') {
        try {
          for (const w of currentStateWarnings(await readFirewall({ signal: io.signal }), listeners ?? [])) warn(io, lang, w);
        } catch {
          /* advice only */
        }
      }
      if (action === 'plan') {
        io.stdout.write(planHeader(model, rendered, lang));
        io.stdout.write(rendered.text.endsWith('\n') ? rendered.text : `${rendered.text}\n`);
        return 0;
      }
      if (backend === 'nftables' || backend === 'iptables') {
        const timeoutMs = o.timeout ?? 30_000;
        const r = await applyRendered(rendered, { timeoutMs, ...stateOpts });
        say(
          io,
          lang,
          timeoutMs === 0
            ? t(`Applied the ${backend} rules (no automatic rollback). "portcullis firewall rollback" restores the previous ruleset.`, `Reglas de ${backend} aplicadas (sin vuelta atrás automática). «portcullis firewall rollback» restaura las anteriores.`)
            : t(`Applied the ${backend} rules. They are rolled back at ${r.deadline ?? '?'} unless you run "portcullis firewall confirm" (check first that you can still connect).`, `Reglas de ${backend} aplicadas. Se desharán a las ${r.deadline ?? '?'} salvo que ejecute «portcullis firewall confirm» (compruebe antes que aún puede conectarse).`),
        );
        for (const n of model.notes) if (n.kind === 'ssh-guard' || n.kind === 'no-guard') warn(io, lang, n.text);
        return 0;
      }
      // ufw, firewalld, pf and Windows are driven by their own commands; run them where the tool is.
      const tool = rendered.commands[0]?.[0];
      const here = tool !== undefined && (await run(['sh', '-c', `command -v ${tool.replace(/[^\w.-]/g, '')}`], io.signal)).ok;
      if (!here) {
        io.stdout.write(planHeader(model, rendered, lang) + rendered.text);
        throw new PortcullisError('PC_FIREWALL_APPLY', t(`${backend} is not available on this machine: the commands above were printed, not run`, `${backend} no está disponible en esta máquina: las órdenes de arriba se imprimieron, no se ejecutaron`), { subject: backend });
      }
      warn(io, lang, t(`${backend} has no atomic load: the commands run one by one and there is no automatic rollback`, `${backend} no tiene carga atómica: las órdenes se ejecutan una a una y no hay vuelta atrás automática`));
      for (const cmd of rendered.commands) {
        const res = await run(cmd, io.signal);
        if (!res.ok) throw new PortcullisError('PC_FIREWALL_APPLY', t(`"${cmd.join(' ')}" failed: ${res.out}`, `«${cmd.join(' ')}» falló: ${res.out}`), { subject: backend });
      }
      say(io, lang, t(`Applied ${rendered.commands.length} ${backend} commands.`, `Aplicadas ${rendered.commands.length} órdenes de ${backend}.`));
      return 0;
    }
  }
}
