/** The command-line parser: pure, driven by the FLAGS table, tested with tables of cases. */
import { invalidOption, PortcullisError, t } from '../core/errors.js';
import { outputAll } from '../report/sinks.js';
import { parseDuration } from './duration.js';
import { FLAGS, type FlagSpec } from './flags.js';

/** An output request: format and destination ('-' = stdout). */
export interface OutputRequest {
  readonly format: 'normal' | 'xml' | 'ndjson' | 'csv';
  readonly dest: string;
}

/** What `portcullis scan` was asked, one field per flag; absent flags are undefined. */
export interface ScanCliOptions {
  inputList?: string;
  exclude?: string[];
  excludeFile?: string;
  resolveAll?: boolean;
  noResolve?: boolean;
  ports?: string;
  topPorts?: number;
  excludePorts?: string;
  sequential?: boolean;
  seed?: string;
  connectScan?: boolean;
  synScan?: boolean;
  udpScan?: boolean;
  udpFast?: boolean;
  verify?: boolean;
  serviceDetection?: boolean;
  versionIntensity?: number;
  versionTimeout?: number;
  explain?: boolean;
  noPing?: boolean;
  pingOnly?: boolean;
  timing?: number;
  minRate?: number;
  maxRate?: number;
  minParallelism?: number;
  maxParallelism?: number;
  maxRetries?: number;
  hostTimeout?: number;
  initialRttTimeout?: number;
  minRttTimeout?: number;
  maxRttTimeout?: number;
  scanDelay?: number;
  outputs?: OutputRequest[];
  reason?: boolean;
  open?: boolean;
  verbose?: number;
  progress?: boolean;
}

/** What `portcullis audit` was asked. */
export interface AuditCliOptions {
  policy?: string;
  baseline?: string;
  saveBaseline?: string;
  hiddenPorts?: boolean;
  outputs?: OutputRequest[];
  explain?: boolean;
  verbose?: number;
}

/** The subcommands of `portcullis firewall`. */
export const FIREWALL_ACTIONS = ['plan', 'apply', 'confirm', 'rollback', 'status', 'verify'] as const;

/** What `portcullis firewall` was asked. */
export interface FirewallCliOptions {
  policy?: string;
  fromAudit?: boolean;
  backend?: 'nftables' | 'iptables' | 'ufw' | 'firewalld' | 'pf' | 'windows';
  timeout?: number;
  noSshGuard?: boolean;
  stateDir?: string;
  ports?: string;
  outputs?: OutputRequest[];
  verbose?: number;
}

/** What the command line asks for. */
export type ParsedCommand =
  | { readonly kind: 'help'; readonly command?: string; readonly lang: 'en' | 'es' }
  | { readonly kind: 'version' }
  | { readonly kind: 'scan'; readonly targets: string[]; readonly options: ScanCliOptions; readonly lang: 'en' | 'es'; readonly color: boolean | undefined }
  | { readonly kind: 'audit'; readonly options: AuditCliOptions; readonly lang: 'en' | 'es'; readonly color: boolean | undefined }
  | { readonly kind: 'firewall'; readonly action: (typeof FIREWALL_ACTIONS)[number]; readonly targets: string[]; readonly options: FirewallCliOptions; readonly lang: 'en' | 'es'; readonly color: boolean | undefined };

const COMMANDS = ['scan', 'audit', 'firewall', 'help'] as const;
const NEEDS_VALUE = t('needs a value', 'necesita un valor');
const TIMING_NAMES = ['paranoid', 'sneaky', 'polite', 'normal', 'aggressive', 'insane'];

/** The language from --lang or the locale variables. */
export function langFromEnv(env: Readonly<Record<string, string | undefined>>): 'en' | 'es' {
  const loc = env['LC_ALL'] || env['LC_MESSAGES'] || env['LANG'] || '';
  return loc.toLowerCase().startsWith('es') ? 'es' : 'en';
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}

function unknown(token: string): PortcullisError {
  const name = token.split('=')[0]!;
  let best: string | undefined;
  let bestD = Infinity;
  for (const f of FLAGS)
    for (const n of f.names) {
      const dd = distance(name, n);
      if (dd < bestD) {
        bestD = dd;
        best = n;
      }
    }
  const hint = best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3)) ? ` (did you mean ${best}?)` : '';
  return new PortcullisError('PC_INVALID_OPTION', t(`unknown option ${name}${hint}`, `opción desconocida ${name}${hint.replace('did you mean', '¿quiso decir').replace('?)', '?)')}`), { subject: name });
}

const byName = new Map<string, FlagSpec>();
for (const f of FLAGS) for (const n of f.names) byName.set(n, f);
const attachedFlags = FLAGS.filter((f) => f.attached === true);

function takesValue(f: FlagSpec): boolean {
  return f.kind !== 'boolean' && f.kind !== 'count';
}

function convert(f: FlagSpec, flag: string, raw: string): unknown {
  switch (f.kind) {
    case 'int': {
      if (!/^\d+$/.test(raw)) throw invalidOption(flag, t(`"${raw}" is not a whole number`, `"${raw}" no es un número entero`));
      const n = Number(raw);
      if (f.min !== undefined && n < f.min) throw invalidOption(flag, t(`${n} is below the minimum ${f.min}`, `${n} está por debajo del mínimo ${f.min}`));
      if (f.max !== undefined && n > f.max) throw invalidOption(flag, t(`${n} is above the maximum ${f.max}`, `${n} está por encima del máximo ${f.max}`));
      return n;
    }
    case 'number': {
      if (!/^\d+(\.\d+)?$/.test(raw)) throw invalidOption(flag, t(`"${raw}" is not a non-negative number`, `"${raw}" no es un número no negativo`));
      return Number(raw);
    }
    case 'duration':
      return parseDuration(raw, flag);
    case 'timing': {
      if (/^[0-5]$/.test(raw)) return Number(raw);
      const i = TIMING_NAMES.indexOf(raw.toLowerCase());
      if (i >= 0) return i;
      throw invalidOption(flag, t(`"${raw}" is not a timing template (0-5 or ${TIMING_NAMES.join(', ')})`, `"${raw}" no es una plantilla de tiempos (0-5 o ${TIMING_NAMES.join(', ')})`));
    }
    case 'enum':
      if (!(f.choices ?? []).includes(raw)) throw invalidOption(flag, t(`"${raw}" is not one of ${(f.choices ?? []).join(', ')}`, `"${raw}" no es ninguno de ${(f.choices ?? []).join(', ')}`));
      return raw;
    default:
      return raw;
  }
}

/** Parses argv (without node and the script). Throws PortcullisError (PC_INVALID_OPTION) naming the bad part. */
export function parseArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ParsedCommand {
  const args = [...argv];
  let command: string | undefined;
  if (args[0] !== undefined && !args[0].startsWith('-')) {
    command = args.shift()!;
    if (!(COMMANDS as readonly string[]).includes(command)) {
      throw new PortcullisError('PC_INVALID_OPTION', t(`unknown command "${command}" (commands: ${COMMANDS.join(', ')})`, `orden desconocida "${command}" (órdenes: ${COMMANDS.join(', ')})`), { subject: command });
    }
  }
  const o: Record<string, unknown> = {};
  const targets: string[] = [];
  let lang: 'en' | 'es' = langFromEnv(env);
  let noColor = false;
  let help = false;
  let version = false;
  let endOfOptions = false;

  const apply = (f: FlagSpec, flag: string, raw: string | undefined): void => {
    switch (f.key) {
      case 'help':
        help = true;
        return;
      case 'version':
        version = true;
        return;
      case 'noColor':
        noColor = true;
        return;
      case 'lang':
        lang = convert(f, flag, raw!) as 'en' | 'es';
        return;
    }
    if (f.kind === 'count') o[f.key] = ((o[f.key] as number | undefined) ?? 0) + 1;
    else if (f.kind === 'boolean') o[f.key] = f.sets ?? true;
    else if (f.kind === 'list') o[f.key] = [...((o[f.key] as string[] | undefined) ?? []), ...raw!.split(',').filter((s) => s !== '')];
    else if (f.kind === 'output') {
      const list = (o[f.key] as OutputRequest[] | undefined) ?? [];
      if (f.format === 'all') {
        list.push(...outputAll(raw!));
      } else list.push({ format: f.format as OutputRequest['format'], dest: raw! });
      o[f.key] = list;
    } else o[f.key] = convert(f, flag, raw!);
  };

  for (let i = 0; i < args.length; i++) {
    const tok = args[i]!;
    if (endOfOptions || !tok.startsWith('-') || tok === '-') {
      if (tok === '-') throw invalidOption('-', t('a lone "-" is not a target (use -iL - to read targets from standard input)', 'un "-" suelto no es un objetivo (use -iL - para leer objetivos de la entrada estándar)'));
      targets.push(tok);
      continue;
    }
    if (tok === '--') {
      endOfOptions = true;
      continue;
    }
    const eq = tok.indexOf('=');
    const name = eq > 0 ? tok.slice(0, eq) : tok;
    let f = byName.get(name);
    let raw: string | undefined = eq > 0 ? tok.slice(eq + 1) : undefined;
    if (f === undefined && /^-v{2,}$/.test(tok)) {
      for (let k = 1; k < tok.length; k++) apply(byName.get('-v')!, '-v', undefined);
      continue;
    }
    if (f === undefined) {
      // Attached value: -p22, -p-, -T4.
      const a = attachedFlags.find((x) => x.names.some((n) => tok.startsWith(n) && tok.length > n.length));
      if (a !== undefined) {
        const n = a.names.find((x) => tok.startsWith(x))!;
        f = a;
        raw = tok.slice(n.length);
      }
    }
    if (f === undefined) throw unknown(tok);
    const flag = f.names.find((n) => tok.startsWith(n)) ?? name;
    if ((command === 'scan' || command === 'audit' || command === 'firewall') && !(f.commands ?? ['scan']).includes(command)) {
      throw invalidOption(flag, t(`does not apply to "portcullis ${command}"`, `no se aplica a «portcullis ${command}»`));
    }
    if (takesValue(f)) {
      if (raw === undefined) {
        const next = args[i + 1];
        if (next === undefined) throw invalidOption(flag, NEEDS_VALUE);
        raw = next;
        i++;
      }
      if (raw === '') throw invalidOption(flag, NEEDS_VALUE);
    } else if (raw !== undefined) {
      throw invalidOption(flag, t('takes no value', 'no lleva valor'));
    }
    apply(f, flag, raw);
  }

  if (version) return { kind: 'version' };
  if (help || command === undefined || command === 'help') {
    const topic = command === 'help' ? targets[0] : command;
    return topic === undefined ? { kind: 'help', lang } : { kind: 'help', command: topic, lang };
  }
  if (command === 'audit') {
    if (targets[0] !== undefined) throw invalidOption(targets[0], t('"portcullis audit" takes no targets: it looks at this machine', '«portcullis audit» no lleva objetivos: examina esta máquina'));
    const a = o as AuditCliOptions;
    return { kind: 'audit', options: a, lang, color: noColor ? false : undefined };
  }
  if (command === 'firewall') {
    const action = targets.shift();
    if (action === undefined || !(FIREWALL_ACTIONS as readonly string[]).includes(action)) {
      throw new PortcullisError('PC_INVALID_OPTION', t(`"portcullis firewall" needs one of: ${FIREWALL_ACTIONS.join(', ')}${action === undefined ? '' : ` (not "${action}")`}`, `«portcullis firewall» necesita una de: ${FIREWALL_ACTIONS.join(', ')}${action === undefined ? '' : ` (no "${action}")`}`), { subject: action ?? 'firewall' });
    }
    const f = o as FirewallCliOptions;
    if (action !== 'verify' && targets[0] !== undefined) throw invalidOption(targets[0], t(`"portcullis firewall ${action}" takes no targets`, `«portcullis firewall ${action}» no lleva objetivos`));
    if (f.policy !== undefined && f.fromAudit === true) throw invalidOption('--from-audit', t('choose --policy FILE or --from-audit, not both', 'elija --policy FICHERO o --from-audit, no ambos'));
    if ((action === 'plan' || action === 'apply' || action === 'verify') && f.policy === undefined && f.fromAudit !== true) {
      throw invalidOption('--policy', t(`"portcullis firewall ${action}" needs --policy FILE or --from-audit`, `«portcullis firewall ${action}» necesita --policy FICHERO o --from-audit`));
    }
    if (action === 'verify' && targets.length === 0) throw invalidOption('verify', t('name the addresses to check (scan them from another machine: from the host itself every port looks open)', 'indique las direcciones a comprobar (escanéelas desde otra máquina: desde el propio host todos los puertos parecen abiertos)'));
    return { kind: 'firewall', action: action as (typeof FIREWALL_ACTIONS)[number], targets, options: f, lang, color: noColor ? false : undefined };
  }
  const opts = o as ScanCliOptions;
  if (opts.minRate !== undefined && opts.maxRate !== undefined && opts.maxRate > 0 && opts.minRate > opts.maxRate) {
    throw invalidOption('--min-rate', t(`${opts.minRate} is above --max-rate ${opts.maxRate}`, `${opts.minRate} supera --max-rate ${opts.maxRate}`));
  }
  if (opts.ports !== undefined && opts.topPorts !== undefined) throw invalidOption('--top-ports', t('cannot be combined with -p', 'no se puede combinar con -p'));
  return { kind: 'scan', targets, options: opts, lang, color: noColor ? false : undefined };
}
