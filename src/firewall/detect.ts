/**
 * Which firewall manager is in charge of this machine. Pure parsers of each tool's output
 * (ufw status, firewall-cmd --state, nft list ruleset, iptables-save, iptables -V, pfctl -s info,
 * netsh advfirewall) plus one edge, detectBackend, that runs the ones this platform has. A tool
 * that is missing or fails means "not active": a machine without ufw does not run ufw.
 */
import { execFile } from 'node:child_process';
import { t, type Bilingual } from '../core/errors.js';
import type { Backend } from './render/types.js';

export type { Backend } from './render/types.js';

/** One top-level table of `nft list ruleset`. */
export interface NftTable {
  readonly family: string;
  readonly name: string;
  /** The table's text, `table F N {` to its closing brace, as nft printed it. */
  readonly text: string;
}

/** Names iptables-nft gives the tables it keeps in nftables (ebtables-nft and arptables-nft use `filter`/`nat`/`broute`). */
const IPTABLES_NFT_NAMES = new Set(['filter', 'nat', 'mangle', 'raw', 'security', 'broute']);
const IPTABLES_NFT_FAMILIES = new Set(['ip', 'ip6', 'arp', 'bridge']);
/** Tables firewalld keeps in nftables (its nftables backend; `firewalld_policy_drop` while it starts). */
const FIREWALLD_TABLES = new Set(['firewalld', 'firewalld_policy_drop']);

/** Splits `nft list ruleset` into its top-level tables. */
export function splitNftTables(text: string): NftTable[] {
  const out: NftTable[] = [];
  let cur: { family: string; name: string; lines: string[] } | undefined;
  for (const line of text.split('\n')) {
    if (cur === undefined) {
      const m = /^table\s+(\S+)\s+(\S+)\s*\{\s*$/.exec(line);
      if (m !== null) cur = { family: m[1]!, name: m[2]!, lines: [line] };
      continue;
    }
    cur.lines.push(line);
    // nft indents everything inside a table, so the table ends at the first '}' in column 0.
    if (line.startsWith('}')) {
      out.push({ family: cur.family, name: cur.name, text: cur.lines.join('\n') });
      cur = undefined;
    }
  }
  return out;
}

/** Tables nft warns are managed by iptables-nft ("# Warning: table ip filter is managed by iptables-nft"), as "family name". */
export function iptablesNftWarnings(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/table (\S+) (\S+) is managed by iptables-nft/g)) out.add(`${m[1]} ${m[2]}`);
  return out;
}

/**
 * Whether a table belongs to iptables-nft (or ebtables/arptables-nft). Newer nft say so in a
 * warning; older ones (1.0.6 here) do not, so the names and the upper-case base chains iptables
 * gives them are the fallback.
 */
export function isIptablesNftTable(tb: NftTable, warnings: ReadonlySet<string> = new Set()): boolean {
  if (warnings.has(`${tb.family} ${tb.name}`)) return true;
  return IPTABLES_NFT_FAMILIES.has(tb.family) && IPTABLES_NFT_NAMES.has(tb.name) && /^\s*chain (INPUT|OUTPUT|FORWARD|PREROUTING|POSTROUTING|BROUTING) \{/m.test(tb.text);
}

/** The nft tables nobody else manages: not iptables-nft's, not firewalld's. */
export function handWrittenNftTables(rulesetText: string, warnings: string = rulesetText): NftTable[] {
  const warned = iptablesNftWarnings(warnings);
  return splitNftTables(rulesetText).filter((tb) => !isIptablesNftTable(tb, warned) && !FIREWALLD_TABLES.has(tb.name));
}

/** `ufw status`: true when it says "Status: active". */
export function parseUfwStatus(text: string): boolean {
  return /^Status:\s*active\s*$/m.test(text);
}

/** `firewall-cmd --state`: true when it says "running". */
export function parseFirewalldState(text: string): boolean {
  return text.trim() === 'running';
}

/** `iptables -V`: which iptables this is. */
export function parseIptablesVersion(text: string): 'nf_tables' | 'legacy' | undefined {
  if (text.includes('(nf_tables)')) return 'nf_tables';
  if (text.includes('(legacy)')) return 'legacy';
  // iptables before 1.8 had only the legacy kernel interface and printed no variant.
  return /^iptables v1\.[0-7]\./m.test(text) ? 'legacy' : undefined;
}

/** One table of an iptables-save dump. */
export interface IptablesTable {
  readonly name: string;
  /** Chain name → policy ('-' for user chains). */
  readonly chains: ReadonlyMap<string, string>;
  /** `-A` lines, as written. */
  readonly rules: readonly string[];
}

/** Splits an iptables-save dump into tables (comment lines ignored). */
export function parseIptablesSaveTables(text: string): IptablesTable[] {
  const out: IptablesTable[] = [];
  let cur: { name: string; chains: Map<string, string>; rules: string[] } | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('*')) cur = { name: line.slice(1), chains: new Map(), rules: [] };
    else if (line === 'COMMIT') {
      if (cur !== undefined) out.push(cur);
      cur = undefined;
    } else if (cur !== undefined && line.startsWith(':')) {
      const [name, policy] = line.slice(1).split(/\s+/);
      if (name !== undefined) cur.chains.set(name, policy ?? '-');
    } else if (cur !== undefined && line.startsWith('-')) cur.rules.push(line);
  }
  return out;
}

/** True when a table holds nothing: no rules, no user chains, every built-in chain ACCEPT. */
export function isEmptyIptablesTable(tb: IptablesTable): boolean {
  return tb.rules.length === 0 && [...tb.chains.values()].every((p) => p === 'ACCEPT');
}

/** `iptables-save`: true when it holds rules, a user chain or a non-ACCEPT policy. */
export function parseIptablesActive(text: string): boolean {
  return parseIptablesSaveTables(text).some((tb) => !isEmptyIptablesTable(tb));
}

/** `iptables-save`: whether every rule and user chain is ufw's (ufw-*, ufw6-*), i.e. ufw wrote them. */
function onlyUfwRules(text: string): boolean {
  return parseIptablesSaveTables(text).every((tb) => tb.rules.every((r) => /(^-A ufw6?-|-j ufw6?-)/.test(r)) && [...tb.chains].every(([c, p]) => p !== '-' || /^ufw6?-/.test(c)));
}

/** `pfctl -s info`: true when it says "Status: Enabled". */
export function parsePfInfo(text: string): boolean {
  return /^Status:\s*Enabled\b/m.test(text);
}

/** `netsh advfirewall show allprofiles state`: true when any profile's State is ON. */
export function parseNetshState(text: string): boolean {
  return /^State\s+ON\s*$/im.test(text);
}

/** What each tool said; undefined when it is missing or failed. */
export interface DetectInputs {
  readonly platform: NodeJS.Platform;
  readonly ufw?: string | undefined;
  readonly firewalld?: string | undefined;
  /** `nft list ruleset` stdout (+ stderr, where newer nft print their iptables-nft warnings). */
  readonly nft?: string | undefined;
  readonly iptablesSave?: string | undefined;
  readonly ip6tablesSave?: string | undefined;
  readonly iptablesVersion?: string | undefined;
  readonly pf?: string | undefined;
  readonly netsh?: string | undefined;
}

/** The result of detectBackend. */
export interface Detection {
  /** The backend to render for. */
  readonly backend: Backend;
  /** Every manager that is active now. */
  readonly active: readonly Backend[];
  /** Two managers that would fight; reported, not fatal. */
  readonly conflict?: Bilingual;
  /** Why `backend` was chosen. */
  readonly reason: Bilingual;
  /** iptables variant, when `iptables -V` answered. */
  readonly iptablesVariant?: 'nf_tables' | 'legacy';
}

/** Decides the backend from what the tools said (pure). */
export function decideBackend(inp: DetectInputs): Detection {
  const active: Backend[] = [];
  const ufw = inp.ufw !== undefined && parseUfwStatus(inp.ufw);
  const firewalld = inp.firewalld !== undefined && parseFirewalldState(inp.firewalld);
  const variant = inp.iptablesVersion === undefined ? undefined : parseIptablesVersion(inp.iptablesVersion);
  const nftTables = inp.nft === undefined ? [] : handWrittenNftTables(inp.nft);
  const nft = nftTables.length > 0;
  const iptDumps = [inp.iptablesSave, inp.ip6tablesSave].filter((x): x is string => x !== undefined);
  const ipt = iptDumps.some(parseIptablesActive);
  // ufw and firewalld write iptables rules (or nft tables) themselves: those do not make iptables
  // a second manager. Rules outside ufw's chains on a ufw machine do.
  const handIpt = ipt && !(ufw && iptDumps.every(onlyUfwRules)) && !firewalld;
  if (ufw) active.push('ufw');
  if (firewalld) active.push('firewalld');
  if (nft) active.push('nftables');
  if (handIpt || (ipt && firewalld)) active.push('iptables');
  if (inp.pf !== undefined && parsePfInfo(inp.pf)) active.push('pf');
  if (inp.netsh !== undefined && parseNetshState(inp.netsh)) active.push('windows');

  const names = nftTables.map((tb) => `${tb.family} ${tb.name}`).join(', ');
  let conflict: Bilingual | undefined;
  if (ufw && firewalld) conflict = t('ufw and firewalld are both active: each rewrites the firewall its own way; disable one (systemctl disable --now ufw or firewalld)', 'ufw y firewalld están activos a la vez: cada uno reescribe el cortafuegos a su manera; desactive uno (systemctl disable --now ufw o firewalld)');
  else if (firewalld && nft) conflict = t(`firewalld is running beside hand-written nftables tables (${names}): a packet must pass both, and firewalld does not know them`, `firewalld se ejecuta junto a tablas nftables escritas a mano (${names}): un paquete debe pasar ambas, y firewalld no las conoce`);
  else if (firewalld && ipt) conflict = t('firewalld is running beside iptables rules it did not write: a packet must pass both', 'firewalld se ejecuta junto a reglas de iptables que no escribió: un paquete debe pasar ambas');
  else if (ufw && nft) conflict = t(`ufw is active beside hand-written nftables tables (${names}): a packet must pass both, and ufw does not know them`, `ufw está activo junto a tablas nftables escritas a mano (${names}): un paquete debe pasar ambas, y ufw no las conoce`);
  else if (ufw && handIpt) conflict = t('ufw is active beside iptables rules outside its own chains: ufw reload keeps them, but ufw status does not show them', 'ufw está activo junto a reglas de iptables fuera de sus cadenas: ufw reload las conserva, pero ufw status no las muestra');
  else if (nft && handIpt) conflict = t(`hand-written nftables tables (${names}) and iptables rules are both loaded: a packet must pass both, and each tool shows only its own`, `hay tablas nftables escritas a mano (${names}) y reglas de iptables cargadas a la vez: un paquete debe pasar ambas, y cada herramienta muestra solo las suyas`);

  let backend: Backend;
  let reason: Bilingual;
  if (inp.platform === 'win32') {
    backend = 'windows';
    reason = t('Windows: Windows Defender Firewall (netsh advfirewall)', 'Windows: Firewall de Windows Defender (netsh advfirewall)');
  } else if (inp.platform === 'darwin' || inp.platform === 'freebsd' || inp.platform === 'openbsd') {
    backend = 'pf';
    reason = t(`${inp.platform}: pf`, `${inp.platform}: pf`);
  } else if (firewalld) {
    backend = 'firewalld';
    reason = t('firewalld is running (firewall-cmd --state): rules go through it, or it would undo them on reload', 'firewalld se está ejecutando (firewall-cmd --state): las reglas pasan por él, o las desharía al recargar');
  } else if (ufw) {
    backend = 'ufw';
    reason = t('ufw is active (ufw status): rules go through it, or it would undo them on reload', 'ufw está activo (ufw status): las reglas pasan por él, o las desharía al recargar');
  } else if (nft) {
    backend = 'nftables';
    reason = t(`nftables tables are loaded (${names})`, `hay tablas nftables cargadas (${names})`);
  } else if (ipt && variant === 'legacy') {
    backend = 'iptables';
    reason = t('iptables-legacy rules are loaded (iptables-save)', 'hay reglas de iptables-legacy cargadas (iptables-save)');
  } else if (ipt) {
    backend = 'iptables';
    reason = t('iptables rules are loaded (iptables-save); they are kept beside ours', 'hay reglas de iptables cargadas (iptables-save); se conservan junto a las nuestras');
  } else if (inp.nft !== undefined) {
    backend = 'nftables';
    reason = t('no firewall is active; nft is installed', 'no hay cortafuegos activo; nft está instalado');
  } else {
    backend = 'iptables';
    reason = t('no firewall is active and nft is not installed', 'no hay cortafuegos activo y nft no está instalado');
  }
  return { backend, active, ...(conflict !== undefined ? { conflict } : {}), reason, ...(variant !== undefined ? { iptablesVariant: variant } : {}) };
}

/** Runs a tool; its stdout+stderr, or undefined when missing, failing or too slow. */
function ask(file: string, args: readonly string[], signal?: AbortSignal, okExit: readonly number[] = [0]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(file, args, { encoding: 'utf8', timeout: 5000, maxBuffer: 32 << 20, windowsHide: true, ...(signal !== undefined && { signal }) }, (err, stdout, stderr) => {
      const code = (err as { code?: unknown } | null)?.code;
      // firewall-cmd --state exits 252 with "not running": still an answer.
      if (err === null || (typeof code === 'number' && okExit.includes(code))) resolve(`${stdout}${stderr}`);
      else resolve(undefined);
    });
  });
}

/** Detects the active firewall manager(s) of this machine (runs the platform's tools). */
export async function detectBackend(opts: { signal?: AbortSignal } = {}): Promise<Detection> {
  const s = opts.signal;
  const platform = process.platform;
  if (platform === 'win32') return decideBackend({ platform, netsh: await ask('netsh', ['advfirewall', 'show', 'allprofiles', 'state'], s) });
  if (platform !== 'linux') return decideBackend({ platform, pf: await ask('pfctl', ['-s', 'info'], s, [0, 1]) });
  const [ufw, firewalld, nftOut, iptablesSave, ip6tablesSave, iptablesVersion] = await Promise.all([
    ask('ufw', ['status'], s),
    ask('firewall-cmd', ['--state'], s, [252]),
    ask('nft', ['list', 'ruleset'], s),
    ask('iptables-save', [], s),
    ask('ip6tables-save', [], s),
    ask('iptables', ['-V'], s),
  ]);
  return decideBackend({ platform, ufw, firewalld, nft: nftOut, iptablesSave, ip6tablesSave, iptablesVersion });
}
