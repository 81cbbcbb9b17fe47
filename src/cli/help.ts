/** --help text, generated from the FLAGS table, in English or Spanish. */
import { VERSION } from '../version.js';
import { FLAGS, GROUPS, type FlagSpec } from './flags.js';

function label(f: FlagSpec): string {
  const names = f.names.join(', ');
  if (f.value === undefined) return names;
  return f.attached === true ? `${names}${f.value === '0-5' ? '<0-5>' : ` ${f.value}`}` : `${names} ${f.value}`;
}

function firewallHelp(lang: 'en' | 'es'): string {
  const es = lang === 'es';
  const out: string[] = [`Portcullis ${VERSION}`];
  out.push(es ? 'Uso: portcullis firewall plan|apply|confirm|rollback|status|verify [opciones] [OBJETIVO...]' : 'Usage: portcullis firewall plan|apply|confirm|rollback|status|verify [options] [TARGET...]');
  out.push(
    ...(es
      ? [
          '  plan      imprime las reglas exactas de una política para el cortafuegos elegido',
          '  apply     guarda las reglas actuales, aplica las nuevas de forma atómica y las deshace si no llega confirm',
          '  confirm   mantiene las reglas aplicadas',
          '  rollback  restaura las reglas guardadas',
          '  status    dice si hay una aplicación pendiente de confirmar',
          '  verify    escanea OBJETIVO (desde otra máquina) y compara cada puerto con la política',
        ]
      : [
          '  plan      print the exact rules of a policy for the chosen firewall',
          '  apply     save the current rules, apply the new ones atomically, roll back unless confirmed',
          '  confirm   keep the applied rules',
          '  rollback  restore the saved rules',
          '  status    say whether an apply awaits confirmation',
          '  verify    scan TARGET (from another machine) and check every port against the policy',
        ]),
  );
  for (const [g, title] of Object.entries(GROUPS)) {
    const flags = FLAGS.filter((f) => f.group === g && (f.commands ?? ['scan']).includes('firewall'));
    if (flags.length === 0) continue;
    out.push('', `${title[lang]}:`);
    const w = Math.max(...flags.map((f) => label(f).length)) + 2;
    for (const f of flags) out.push(`  ${label(f).padEnd(w)}${f.help[lang]}`);
  }
  out.push('', es ? 'EJEMPLOS:' : 'EXAMPLES:', '  portcullis firewall plan --policy policy.yaml --backend nftables', '  sudo portcullis firewall apply --policy policy.yaml --timeout 60', '  sudo portcullis firewall confirm', '  portcullis firewall verify --policy policy.yaml 198.18.0.1', '');
  return out.join('\n');
}

function auditHelp(lang: 'en' | 'es'): string {
  const es = lang === 'es';
  const out: string[] = [`Portcullis ${VERSION}`];
  out.push(es ? 'Uso: portcullis audit [opciones]' : 'Usage: portcullis audit [options]');
  out.push(
    es
      ? 'Lista cada socket a la escucha de esta máquina (TCP, UDP, en bruto, de paquetes; en todos los espacios de red), su proceso, ejecutable y usuario, si es accesible desde fuera según el cortafuegos, y lo que parece malware.'
      : "Lists every listening socket of this machine (TCP, UDP, raw, packet; in every network namespace), its process, executable and user, whether the firewall lets other machines reach it, and what looks like malware.",
  );
  for (const [g, title] of Object.entries(GROUPS)) {
    const flags = FLAGS.filter((f) => f.group === g && (f.commands ?? ['scan']).includes('audit'));
    if (flags.length === 0) continue;
    out.push('', `${title[lang]}:`);
    const w = Math.max(...flags.map((f) => label(f).length)) + 2;
    for (const f of flags) out.push(`  ${label(f).padEnd(w)}${f.help[lang]}`);
  }
  out.push('', es ? 'CÓDIGOS DE SALIDA: 0 sin desviaciones, 1 desviaciones de la política o cambios desde la línea base, 2 error de uso o de entrada.' : 'EXIT CODES: 0 no deviations, 1 policy deviations or changes since the baseline, 2 usage or input error.');
  out.push('', es ? 'EJEMPLOS:' : 'EXAMPLES:', '  portcullis audit', '  portcullis audit --policy policy.yaml', '  portcullis audit --save-baseline base.json', '  portcullis audit --baseline base.json -oJ audit.ndjson', '');
  return out.join('\n');
}

/** The help page of a command (scan when none is named). */
export function renderHelp(lang: 'en' | 'es', command?: string): string {
  if (command === 'audit') return auditHelp(lang);
  if (command === 'firewall') return firewallHelp(lang);
  const es = lang === 'es';
  const out: string[] = [];
  out.push(`Portcullis ${VERSION}`);
  out.push(es ? 'Uso: portcullis scan [opciones] OBJETIVO...' : 'Usage: portcullis scan [options] TARGET...');
  out.push(es ? '     portcullis audit [opciones]   (los oyentes de esta máquina; portcullis audit --help)' : '     portcullis audit [options]    (this machine\'s listeners; portcullis audit --help)');
  out.push(es ? '     portcullis firewall ACCIÓN    (de la política a reglas de cortafuegos; portcullis firewall --help)' : '     portcullis firewall ACTION    (policy to firewall rules; portcullis firewall --help)');
  out.push(es ? 'Objetivos: direcciones, CIDR, rangos (198.18.0-3.1-254), IPv6, nombres de host.' : 'Targets: addresses, CIDR, ranges (198.18.0-3.1-254), IPv6, hostnames.');
  for (const [g, title] of Object.entries(GROUPS)) {
    const flags = FLAGS.filter((f) => f.group === g && (f.commands ?? ['scan']).includes('scan'));
    if (flags.length === 0) continue;
    out.push('', `${title[lang]}:`);
    const w = Math.max(...flags.map((f) => label(f).length)) + 2;
    for (const f of flags) out.push(`  ${label(f).padEnd(w)}${f.help[lang]}`);
  }
  out.push('', es ? 'EJEMPLOS:' : 'EXAMPLES:');
  out.push('  portcullis scan 127.0.0.1', '  portcullis scan -p- --reason ::1', '  portcullis scan -p 1-1024 -oA loopback 127.0.0.1', '  portcullis scan -T4 --top-ports 100 198.18.0.0/24');
  out.push('', es ? 'Escanee solo lo que tiene permiso para escanear.' : 'Scan only what you are allowed to scan.', '');
  return out.join('\n');
}
