/**
 * The firewall's only edge: loads rendered rules for real and takes them back, like
 * iptables-apply. apply saves the current ruleset, loads the new one atomically and starts a
 * detached rollback timer; unless confirm comes before the deadline, the timer restores what was
 * saved, so a policy that locks the user out undoes itself even after the SSH session dropped.
 * Every tool runs through execFile (no shell) with a timeout and the caller's AbortSignal.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PortcullisError, t } from '../core/errors.js';
import { handWrittenNftTables, iptablesNftWarnings, isEmptyIptablesTable, parseIptablesSaveTables, parseIptablesVersion, splitNftTables, isIptablesNftTable, type IptablesTable } from './detect.js';
import { clearState, ensureStateDir, lastLogLine, logLine, readState, resolveStateDir, withStateLock, writeAtomic, writeState, type ApplyBackend, type ApplyState } from './state.js';

/** The part of a renderer's output apply needs (structurally `Rendered` of ./render). */
export interface RenderedRules {
  readonly backend: string;
  readonly files: readonly { readonly name: string; readonly content: string }[];
}

/** Options shared by confirm, rollback and status. */
export interface StateOptions {
  /** State dir; default PORTCULLIS_STATE_DIR or /var/lib/portcullis/firewall. */
  readonly stateDir?: string;
  readonly signal?: AbortSignal;
}

/** Options of applyRendered. */
export interface ApplyOptions extends StateOptions {
  /** Milliseconds until the automatic rollback; 0 = no rollback (confirmed at once). */
  readonly timeoutMs: number;
}

/** What applyRendered did. */
export interface ApplyResult {
  readonly id: string;
  readonly backend: ApplyBackend;
  readonly appliedAt: string;
  /** When the timer rolls back; null with timeoutMs 0. */
  readonly deadline: string | null;
  readonly confirmed: boolean;
  readonly timerPid?: number;
  readonly stateDir: string;
}

/** What rollback did. */
export interface RollbackResult {
  readonly id: string;
  readonly backend: ApplyBackend;
  /** When the apply that is undone ran (its saved ruleset is the one from just before). */
  readonly appliedAt: string;
  /** Whether a save taken afterwards equals the saved one (comments and counters aside). */
  readonly exact: boolean;
  /** Differences left, one line each (e.g. an iptables-legacy table that cannot be removed). */
  readonly notes: readonly string[];
}

/** What status found. */
export interface ApplyStatus {
  readonly state: 'none' | 'pending' | 'confirmed';
  readonly id?: string;
  readonly backend?: ApplyBackend;
  readonly appliedAt?: string;
  readonly deadline?: string | null;
  readonly timerPid?: number;
  readonly timerAlive?: boolean;
  /** Last line of the rollback log (what the timer or a rollback did last). */
  readonly lastEvent?: string;
}

/** The saved ruleset: `nft` for nftables, `v4` and `v6` for iptables. */
export type SavedRuleset = Readonly<Record<string, string>>;

const TOOL_TIMEOUT_MS = 30_000;

// ---- running the tools ---------------------------------------------------------------------

interface ToolOut {
  readonly stdout: string;
  readonly stderr: string;
}

/** execFile without a shell; PC_FIREWALL_APPLY quoting the tool's stderr, PC_ABORTED on abort. */
function tool(file: string, args: readonly string[], signal?: AbortSignal): Promise<ToolOut> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { encoding: 'utf8', timeout: TOOL_TIMEOUT_MS, maxBuffer: 64 << 20, windowsHide: true, ...(signal !== undefined && { signal }) }, (err, stdout, stderr) => {
      if (err === null) return resolve({ stdout, stderr });
      if (signal?.aborted === true) return reject(new PortcullisError('PC_ABORTED', t('firewall command interrupted', 'orden de cortafuegos interrumpida'), { cause: err }));
      const code = (err as { code?: unknown }).code;
      const text = code === 'ENOENT' ? 'not installed' : stderr.trim() || err.message;
      reject(new PortcullisError('PC_FIREWALL_APPLY', t(`${file} ${args.join(' ')} failed: ${text}`, `${file} ${args.join(' ')} falló: ${text}`), { subject: file, cause: err }));
    });
  });
}

/** The network namespace we run in, so state written in one namespace is not used in another. */
function currentNetns(): string | undefined {
  try {
    return process.platform === 'linux' ? readlinkSync('/proc/self/ns/net') : undefined;
  } catch {
    return undefined;
  }
}

function checkBackend(b: string): ApplyBackend {
  if (b === 'nftables' || b === 'iptables') return b;
  throw new PortcullisError('PC_INVALID_OPTION', t(`firewall apply loads nftables and iptables rules; ${b} rules are applied with ${b}'s own tools`, `firewall apply carga reglas de nftables e iptables; las reglas de ${b} se aplican con sus propias herramientas`), { subject: b });
}

// ---- saving and comparing --------------------------------------------------------------------

/** Saves the current ruleset: `nft list ruleset`, or `iptables-save` and `ip6tables-save`. */
export async function saveRuleset(backend: ApplyBackend, signal?: AbortSignal): Promise<SavedRuleset> {
  if (backend === 'nftables') {
    const r = await tool('nft', ['list', 'ruleset'], signal);
    // Newer nft warn on stderr which tables iptables-nft manages; kept as nft comments so
    // rollback knows them without guessing.
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('# Warning:'));
    return { nft: `${warnings.map((w) => `${w}\n`).join('')}${r.stdout}` };
  }
  // Without -c: counters change every second and are not part of the ruleset.
  const [v4, v6] = await Promise.all([tool('iptables-save', [], signal), tool('ip6tables-save', [], signal)]);
  return { v4: v4.stdout, v6: v6.stdout };
}

/** iptables-save text without comment lines and counters, for comparing two dumps. */
export function normalizeIptablesSave(text: string): string {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => l.replace(/\[\d+:\d+\]/g, '[0:0]'))
    .join('\n');
}

/** Dumps compared as rulesets: tables that hold nothing count as absent (legacy cannot remove them). */
function sameIptables(a: string, b: string): boolean {
  const keep = (s: string): string =>
    normalizeIptablesSave(
      parseIptablesSaveTables(s)
        .filter((tb) => !isEmptyIptablesTable(tb))
        .map((tb) => [`*${tb.name}`, ...[...tb.chains].map(([c, p]) => `:${c} ${p} [0:0]`), ...tb.rules, 'COMMIT'].join('\n'))
        .join('\n'),
    );
  return keep(a) === keep(b);
}

// ---- restoring -------------------------------------------------------------------------------

/** The `*name` … `COMMIT` blocks of a dump for the tables named, as written. */
function tablesOf(dump: string, names: ReadonlySet<string>): string {
  const out: string[] = [];
  let keep = false;
  for (const line of dump.split('\n')) {
    if (line.startsWith('*')) keep = names.has(line.slice(1).trim());
    if (keep && !line.startsWith('#')) out.push(line);
    if (line.trim() === 'COMMIT') keep = false;
  }
  return out.map((l) => `${l}\n`).join('');
}

/** Built-in chains of each iptables table, for emptying a table the save did not have. */
const BUILTIN_CHAINS: Readonly<Record<string, readonly string[]>> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING', 'OUTPUT'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
};

async function iptablesVariant(): Promise<'nf_tables' | 'legacy' | undefined> {
  try {
    return parseIptablesVersion((await tool('iptables', ['-V'])).stdout);
  } catch {
    return undefined;
  }
}

/**
 * Restores one family's iptables-save dump exactly. `iptables-restore` without --noflush
 * replaces the tables present in the dump (their rules, user chains — ours among them — and
 * policies); a table the dump lacks but that exists now (our apply created `filter` on a machine
 * without rules) is emptied in the same restore, then, with iptables-nft, deleted through nft so
 * that iptables-save no longer lists it. Legacy tables cannot be deleted; an empty one is left.
 */
async function restoreIptablesFamily(dir: string, id: string, family: 4 | 6, saved: string, notes: string[]): Promise<boolean> {
  const save = family === 4 ? 'iptables-save' : 'ip6tables-save';
  const restore = family === 4 ? 'iptables-restore' : 'ip6tables-restore';
  const now = (await tool(save, [])).stdout;
  if (normalizeIptablesSave(now) === normalizeIptablesSave(saved)) return true;
  const savedTables = parseIptablesSaveTables(saved);
  const nowTables = parseIptablesSaveTables(now);
  const savedNames = new Set(savedTables.map((tb) => tb.name));
  const extra = nowTables.filter((tb) => !savedNames.has(tb.name));
  const blocks = extra.map((tb) => [`*${tb.name}`, ...(BUILTIN_CHAINS[tb.name] ?? [...tb.chains].filter(([, p]) => p !== '-').map(([c]) => c)).map((c) => `:${c} ACCEPT [0:0]`), 'COMMIT'].join('\n'));
  // Only the tables that changed are restored: the others (nat, say) keep their counters, and
  // iptables-nft does not create the empty base chains it had not made yet.
  const text = (tb: IptablesTable): string => normalizeIptablesSave([`*${tb.name}`, ...[...tb.chains].map(([c, p]) => `:${c} ${p} [0:0]`), ...tb.rules, 'COMMIT'].join('\n'));
  const changed = new Set(savedTables.filter((tb) => { const cur = nowTables.find((x) => x.name === tb.name); return cur === undefined || text(cur) !== text(tb); }).map((tb) => tb.name));
  const savedPart = tablesOf(saved, changed);
  const input = `${savedPart}${blocks.map((b) => `${b}\n`).join('')}`;
  if (input.trim() !== '') {
    const file = writeAtomic(dir, `restore-${id}.v${family}`, input);
    try {
      await tool(restore, ['-w', '10', file]);
    } finally {
      rmSync(file, { force: true });
    }
  }
  if (extra.length > 0 && (await iptablesVariant()) === 'nf_tables') {
    const fam = family === 4 ? 'ip' : 'ip6';
    for (const tb of extra) {
      try {
        await tool('nft', ['delete', 'table', fam, tb.name]);
      } catch (err) {
        notes.push(`${save}: table ${tb.name} was emptied but not removed (${err instanceof Error ? err.message : String(err)})`);
      }
    }
  } else if (extra.length > 0) {
    notes.push(`${save}: legacy table(s) ${extra.map((tb) => tb.name).join(', ')} cannot be removed; left empty with ACCEPT policies`);
  }
  const after = (await tool(save, [])).stdout;
  if (normalizeIptablesSave(after) === normalizeIptablesSave(saved)) return true;
  if (!sameIptables(after, saved)) notes.push(`${save} after the rollback differs from the one saved before the apply`);
  return false;
}

/**
 * The nft transaction restoring a saved ruleset. Without iptables-nft tables it is `flush
 * ruleset` plus the saved text. iptables-nft tables cannot go through nft: it prints their xt
 * matches lossily (an iptables comment, `-m recent`), so reloading them would change them; our
 * apply never touches them anyway, so then only the other tables are replaced.
 */
export function nftRestoreScript(saved: string, current: string): string {
  const tables = (text: string): ReturnType<typeof splitNftTables> => {
    const warned = iptablesNftWarnings(text);
    return splitNftTables(text).filter((tb) => !isIptablesNftTable(tb, warned));
  };
  const hasIpt = (text: string): boolean => {
    const warned = iptablesNftWarnings(text);
    return splitNftTables(text).some((tb) => isIptablesNftTable(tb, warned));
  };
  if (!hasIpt(saved) && !hasIpt(current)) return `flush ruleset\n${saved.replace(/^# Warning:.*\n/gm, '')}`;
  // Only the tables that differ are replaced, so the unchanged ones keep their place in the listing.
  const was = new Map(tables(saved).map((tb) => [`${tb.family} ${tb.name}`, tb.text]));
  const is = new Map(tables(current).map((tb) => [`${tb.family} ${tb.name}`, tb.text]));
  const drop = [...is].filter(([k, v]) => was.get(k) !== v).map(([k]) => `delete table ${k}`);
  const add = [...was].filter(([k, v]) => is.get(k) !== v).map(([, v]) => v);
  return `${[...drop, ...add].join('\n')}\n`;
}

async function restoreNft(dir: string, id: string, saved: string, notes: string[]): Promise<boolean> {
  const cur = await tool('nft', ['list', 'ruleset']);
  const current = `${cur.stderr}\n${cur.stdout}`;
  const file = writeAtomic(dir, `restore-${id}.nft`, nftRestoreScript(saved, current));
  try {
    await tool('nft', ['-f', file]);
  } finally {
    rmSync(file, { force: true });
  }
  const after = (await tool('nft', ['list', 'ruleset'])).stdout;
  const exact = after === saved.replace(/^# Warning:.*\n/gm, '');
  const own = (text: string): string => handWrittenNftTables(text).map((tb) => tb.text).sort().join('\n');
  // A changed table re-added beside iptables-nft's ends up last: the same rules, listed later.
  if (!exact) notes.push(own(after) === own(saved) ? 'nft list ruleset after the rollback lists the same tables in another order' : 'nft list ruleset after the rollback differs from the one saved before the apply');
  return exact;
}

async function restoreSaved(dir: string, state: ApplyState, families: readonly ('nft' | 'v4' | 'v6')[]): Promise<RollbackResult> {
  const notes: string[] = [];
  let exact = true;
  for (const role of families) {
    const name = state.savedFiles[role];
    if (name === undefined) continue;
    const saved = readFileSync(join(dir, name), 'utf8');
    const ok = role === 'nft' ? await restoreNft(dir, state.id, saved, notes) : await restoreIptablesFamily(dir, state.id, role === 'v4' ? 4 : 6, saved, notes);
    exact &&= ok;
  }
  return { id: state.id, backend: state.backend, appliedAt: state.appliedAt, exact, notes };
}

/** The chain iptables rules live in; INPUT jumps to it. */
const IPTABLES_CHAIN = 'PORTCULLIS-INPUT';

/**
 * The iptables-restore input with the jump from INPUT added inside the same `*filter` commit,
 * unless the current dump already has it: one restore then loads the chain and hooks it, with
 * no moment where the chain is hooked half-filled or filled but unhooked.
 */
export function withInputJump(content: string, currentDump: string): string {
  const hooked = currentDump.split('\n').some((l) => l.trim() === `-A INPUT -j ${IPTABLES_CHAIN}`);
  if (hooked || !content.includes(`:${IPTABLES_CHAIN} `)) return content;
  const lines = content.split('\n');
  const filter = lines.findIndex((l) => l.trim() === '*filter');
  const commit = lines.findIndex((l, k) => k > filter && l.trim() === 'COMMIT');
  if (filter < 0 || commit < 0) return content;
  lines.splice(commit, 0, `-I INPUT 1 -j ${IPTABLES_CHAIN}`);
  return lines.join('\n');
}

// ---- the timer -------------------------------------------------------------------------------

/** The timer script beside this module: rollback-timer.js in dist/, rollback-timer.ts under tsx. */
function timerScript(): { path: string; execArgv: string[] } {
  // Flags of the test runner or the inspector must not follow the timer into its own process.
  const execArgv = process.execArgv.filter((a) => !/^--(test|inspect|watch|experimental-test)/.test(a));
  const js = fileURLToPath(new URL('./rollback-timer.js', import.meta.url));
  if (existsSync(js)) return { path: js, execArgv };
  // Under tsx, import.meta.url is the .ts source and there is no .js beside it.
  const ts = fileURLToPath(new URL('./rollback-timer.ts', import.meta.url));
  if (!existsSync(ts)) throw new PortcullisError('PC_INTERNAL', `rollback timer script not found beside ${fileURLToPath(import.meta.url)}`);
  const hasLoader = execArgv.some((a) => a.includes('tsx'));
  return { path: ts, execArgv: hasLoader ? execArgv : [...execArgv, '--import', 'tsx'] };
}

function startTimer(dir: string, id: string): number {
  const { path, execArgv } = timerScript();
  // detached: its own session, so the SIGHUP of a dropped SSH session does not reach it; it
  // stays in our network namespace, which is the one it must restore.
  const child = spawn(process.execPath, [...execArgv, path, '--state-dir', dir, '--id', id], { detached: true, stdio: 'ignore' });
  child.unref();
  if (child.pid === undefined) throw new PortcullisError('PC_FIREWALL_APPLY', t('could not start the rollback timer', 'no se pudo iniciar el temporizador de reversión'));
  return child.pid;
}

/** Whether `pid` is the timer of apply `id` (not a reused pid). */
function isOurTimer(pid: number, id: string): boolean {
  if (process.platform !== 'linux') {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmd.includes('rollback-timer') && cmd.includes(id);
  } catch {
    return false;
  }
}

function stopTimer(state: ApplyState): void {
  if (state.timerPid === undefined || !isOurTimer(state.timerPid, state.id)) return;
  try {
    process.kill(state.timerPid, 'SIGTERM');
  } catch {
    // Gone already; if it were not, it would still find the state confirmed or removed and exit.
  }
}

// ---- the API -------------------------------------------------------------------------------

function pending(dir: string): ApplyState {
  const s = readState(dir);
  if (s === undefined) throw new PortcullisError('PC_FIREWALL_STATE', t(`no firewall apply to act on (no state in ${dir})`, `no hay ninguna aplicación de cortafuegos pendiente (no hay estado en ${dir})`), { subject: dir });
  const ns = currentNetns();
  if (s.netns !== undefined && ns !== undefined && s.netns !== ns) {
    throw new PortcullisError('PC_FIREWALL_STATE', t(`the pending apply in ${dir} was made in network namespace ${s.netns}, this is ${ns}`, `la aplicación pendiente en ${dir} se hizo en el espacio de red ${s.netns}, este es ${ns}`), { subject: dir });
  }
  return s;
}

/** Restores the saved ruleset after a failed load; its own failure is logged, never hides the load's error. */
async function undoAfterFailure(dir: string, state: ApplyState, families: readonly ('nft' | 'v4' | 'v6')[]): Promise<boolean> {
  try {
    await restoreSaved(dir, state, families);
    return true;
  } catch (err) {
    logLine(dir, `apply ${state.id}: restoring the saved ruleset after the failure FAILED too (state kept for firewall rollback): ${err instanceof Error ? err.message : String(err)}`);
    return false;
  }
}

/** Applies rendered nftables or iptables rules atomically, saving what was there and arming the rollback timer. */
export async function applyRendered(rendered: RenderedRules, opts: ApplyOptions): Promise<ApplyResult> {
  const backend = checkBackend(rendered.backend);
  if (!Number.isFinite(opts.timeoutMs) || opts.timeoutMs < 0) throw new PortcullisError('PC_INVALID_OPTION', t(`invalid rollback timeout ${opts.timeoutMs} ms`, `tiempo de reversión no válido ${opts.timeoutMs} ms`), { subject: 'timeoutMs' });
  const roles = backend === 'nftables' ? ['nft'] : ['v4', 'v6'];
  const files = roles.map((r) => (backend === 'nftables' ? rendered.files[0] : rendered.files.find((f) => f.name === r)));
  if (files.some((f) => f === undefined)) throw new PortcullisError('PC_INTERNAL', `rendered ${backend} rules lack their ${roles.join('/')} file(s)`);
  const dir = ensureStateDir(resolveStateDir(opts.stateDir));
  return withStateLock(dir, async () => {
    const prev = readState(dir);
    if (prev !== undefined && !prev.confirmed) {
      throw new PortcullisError('PC_FIREWALL_STATE', t(`an apply (${prev.id}) is still waiting for confirm until ${prev.deadline ?? '?'}: run firewall confirm or firewall rollback first`, `una aplicación (${prev.id}) aún espera confirmación hasta ${prev.deadline ?? '?'}: ejecute firewall confirm o firewall rollback antes`), { subject: join(dir, 'state.json') });
    }
    const saved = await saveRuleset(backend, opts.signal);
    // The previous (confirmed) apply's saved files are superseded: this save contains its rules.
    clearState(dir, prev);
    const id = randomBytes(8).toString('hex');
    const savedFiles: Record<string, string> = {};
    for (const role of roles) {
      savedFiles[role] = `saved-${id}.${role}`;
      writeAtomic(dir, savedFiles[role], saved[role] ?? '');
    }
    const ns = currentNetns();
    const base = { version: 1 as const, id, backend, savedFiles, ...(ns !== undefined ? { netns: ns } : {}) };
    // Written before loading: if we die halfway, `firewall rollback` still finds the saved rules.
    writeState(dir, { ...base, appliedAt: new Date().toISOString(), deadline: new Date(Date.now() + Math.max(opts.timeoutMs, 0)).toISOString(), confirmed: false });
    // iptables: the renderer's v4/v6 fill our chain; the jump from INPUT goes in the same restore.
    const inputs = roles.map((role, k) => writeAtomic(dir, `apply-${id}.${role}`, backend === 'iptables' ? withInputJump(files[k]!.content, saved[role] ?? '') : files[k]!.content));
    const state = readState(dir)!;
    // Set when a failed load could not be undone: the state then stays, so rollback can retry.
    let undone = true;
    try {
      if (opts.signal?.aborted === true) throw new PortcullisError('PC_ABORTED', t('firewall apply interrupted', 'aplicación de cortafuegos interrumpida'));
      if (backend === 'nftables') await tool('nft', ['-f', inputs[0]!], opts.signal);
      else {
        try {
          await tool('iptables-restore', ['-w', '10', '--noflush', inputs[0]!], opts.signal);
        } catch (err) {
          // Atomic per table, but a multi-table input may have committed its first tables.
          undone = await undoAfterFailure(dir, state, ['v4']);
          throw err;
        }
        try {
          await tool('ip6tables-restore', ['-w', '10', '--noflush', inputs[1]!], opts.signal);
        } catch (err) {
          // The IPv4 half is in: take it out before reporting, so nothing is left changed.
          undone = await undoAfterFailure(dir, state, ['v4', 'v6']);
          throw err;
        }
      }
    } catch (err) {
      // nft -f is one transaction; only an interrupted one may have committed before it was killed.
      if (backend === 'nftables' && !(err instanceof PortcullisError && err.code === 'PC_FIREWALL_APPLY')) undone = await undoAfterFailure(dir, state, ['nft']);
      if (undone) clearState(dir, state);
      logLine(dir, `apply ${id} (${backend}) failed${undone ? ', nothing changed' : ''}: ${err instanceof Error ? err.message : String(err)}`);
      throw err;
    } finally {
      for (const f of inputs) rmSync(f, { force: true });
    }
    const appliedAt = new Date().toISOString();
    if (opts.timeoutMs === 0) {
      writeState(dir, { ...base, appliedAt, deadline: null, confirmed: true });
      logLine(dir, `apply ${id} (${backend}) loaded with no rollback timer (confirmed)`);
      return { id, backend, appliedAt, deadline: null, confirmed: true, stateDir: dir };
    }
    const deadline = new Date(Date.now() + opts.timeoutMs).toISOString();
    writeState(dir, { ...base, appliedAt, deadline, confirmed: false });
    let timerPid: number;
    try {
      timerPid = startTimer(dir, id);
    } catch (err) {
      // No timer means no safety net: take the rules back rather than leave them unguarded.
      if (await undoAfterFailure(dir, state, backend === 'nftables' ? ['nft'] : ['v4', 'v6'])) clearState(dir, state);
      throw err;
    }
    writeState(dir, { ...base, appliedAt, deadline, confirmed: false, timerPid });
    logLine(dir, `apply ${id} (${backend}) loaded; rollback at ${deadline} unless confirmed (timer pid ${timerPid})`);
    return { id, backend, appliedAt, deadline, confirmed: false, timerPid, stateDir: dir };
  });
}

/** Confirms the pending apply: the timer is stopped and the rules stay. */
export async function confirm(opts: StateOptions = {}): Promise<ApplyStatus> {
  const dir = resolveStateDir(opts.stateDir);
  return withStateLock(dir, () => {
    const s = pending(dir);
    if (s.confirmed) throw new PortcullisError('PC_FIREWALL_STATE', t(`nothing to confirm: apply ${s.id} was already confirmed`, `nada que confirmar: la aplicación ${s.id} ya estaba confirmada`), { subject: dir });
    // Confirmed first: a timer that wakes before the kill lands reads it and stands down.
    const { timerPid: _timer, ...rest } = s;
    writeState(dir, { ...rest, deadline: null, confirmed: true });
    stopTimer(s);
    logLine(dir, `apply ${s.id} confirmed`);
    return Promise.resolve({ state: 'confirmed' as const, id: s.id, backend: s.backend, appliedAt: s.appliedAt, deadline: null });
  });
}

/** Restores the ruleset saved by the last apply (confirmed or not) and stops the timer. */
export async function rollback(opts: StateOptions = {}): Promise<RollbackResult> {
  const dir = resolveStateDir(opts.stateDir);
  return withStateLock(dir, async () => {
    const s = pending(dir);
    stopTimer(s);
    return doRollback(dir, s, 'rollback requested');
  });
}

async function doRollback(dir: string, s: ApplyState, why: string): Promise<RollbackResult> {
  let r: RollbackResult;
  try {
    r = await restoreSaved(dir, s, s.backend === 'nftables' ? ['nft'] : ['v4', 'v6']);
  } catch (err) {
    // State and saved files stay, so the rollback can be retried.
    logLine(dir, `${why}: rollback of ${s.id} (${s.backend}) FAILED: ${err instanceof Error ? err.message : String(err)}`);
    throw err;
  }
  clearState(dir, s);
  logLine(dir, `${why}: rolled back ${s.id} (${s.backend})${r.exact ? ', ruleset identical to the saved one' : `: ${r.notes.join('; ')}`}`);
  return r;
}

/** The timer's rollback: acts only if apply `id` is still pending and its deadline has passed. */
export async function timedRollback(opts: { stateDir: string; id: string }): Promise<'rolled-back' | 'confirmed' | 'gone' | 'early'> {
  const dir = opts.stateDir;
  return withStateLock(dir, async () => {
    const s = readState(dir);
    if (s === undefined || s.id !== opts.id) return 'gone';
    if (s.confirmed) return 'confirmed';
    if (s.deadline !== null && Date.parse(s.deadline) > Date.now()) return 'early';
    await doRollback(dir, s, 'timer: no confirm before the deadline');
    return 'rolled-back';
  }, 60_000);
}

/** What is pending: none, an unconfirmed apply with its deadline, or a confirmed one. */
export function status(opts: StateOptions = {}): Promise<ApplyStatus> {
  // Async like the rest of the API, though it only reads two small files.
  return Promise.resolve().then(() => statusNow(opts));
}

function statusNow(opts: StateOptions): ApplyStatus {
  const dir = resolveStateDir(opts.stateDir);
  const s = readState(dir);
  const lastEvent = lastLogLine(dir);
  if (s === undefined) return { state: 'none', ...(lastEvent !== undefined ? { lastEvent } : {}) };
  return {
    state: s.confirmed ? 'confirmed' : 'pending',
    id: s.id,
    backend: s.backend,
    appliedAt: s.appliedAt,
    deadline: s.deadline,
    ...(s.timerPid !== undefined ? { timerPid: s.timerPid, timerAlive: isOurTimer(s.timerPid, s.id) } : {}),
    ...(lastEvent !== undefined ? { lastEvent } : {}),
  };
}
