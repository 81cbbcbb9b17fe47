/** --help text, generated from the FLAGS table, in English or Spanish. */
import { VERSION } from '../version.js';
import { FLAGS, GROUPS, type FlagSpec } from './flags.js';

function label(f: FlagSpec): string {
  const names = f.names.join(', ');
  if (f.value === undefined) return names;
  return f.attached === true ? `${names}${f.value === '0-5' ? '<0-5>' : ` ${f.value}`}` : `${names} ${f.value}`;
}

/** The help page. */
export function renderHelp(lang: 'en' | 'es', _command?: string): string {
  const es = lang === 'es';
  const out: string[] = [];
  out.push(`Portcullis ${VERSION}`);
  out.push(es ? 'Uso: portcullis scan [opciones] OBJETIVO...' : 'Usage: portcullis scan [options] TARGET...');
  out.push(es ? 'Objetivos: direcciones, CIDR, rangos (198.18.0-3.1-254), IPv6, nombres de host.' : 'Targets: addresses, CIDR, ranges (198.18.0-3.1-254), IPv6, hostnames.');
  for (const [g, title] of Object.entries(GROUPS)) {
    out.push('', `${title[lang]}:`);
    const flags = FLAGS.filter((f) => f.group === g);
    const w = Math.max(...flags.map((f) => label(f).length)) + 2;
    for (const f of flags) out.push(`  ${label(f).padEnd(w)}${f.help[lang]}`);
  }
  out.push('', es ? 'EJEMPLOS:' : 'EXAMPLES:');
  out.push('  portcullis scan 127.0.0.1', '  portcullis scan -p- --reason ::1', '  portcullis scan -p 1-1024 -oA loopback 127.0.0.1', '  portcullis scan -T4 --top-ports 100 198.18.0.0/24');
  out.push('', es ? 'Escanee solo lo que tiene permiso para escanear.' : 'Scan only what you are allowed to scan.', '');
  return out.join('\n');
}
