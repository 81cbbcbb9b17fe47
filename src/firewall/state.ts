/**
 * Where `firewall apply` keeps what it needs to undo itself: a state directory (0700, default
 * /var/lib/portcullis/firewall, or PORTCULLIS_STATE_DIR, or the caller's option) holding one JSON
 * state file, the saved rulesets it names, a lock and the rollback timer's log. The state file is
 * written to a temporary name and renamed, so a reader (the timer, another command, a crash
 * later) sees the old file or the new one, never half of one. parseState is pure.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync, chmodSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { PortcullisError, t } from '../core/errors.js';

/** Backends apply.ts can load and restore for real. */
export type ApplyBackend = 'nftables' | 'iptables';

/** The state of the last apply. */
export interface ApplyState {
  readonly version: 1;
  /** Random id of this apply; the timer only acts on the apply it was started for. */
  readonly id: string;
  readonly backend: ApplyBackend;
  /** ISO time the new rules were loaded (or were about to be). */
  readonly appliedAt: string;
  /** ISO time the timer rolls back at; null when applied with no rollback (timeout 0). */
  readonly deadline: string | null;
  readonly confirmed: boolean;
  /** Saved ruleset files in the state dir, by role: `nft`, or `v4` and `v6`. */
  readonly savedFiles: Readonly<Record<string, string>>;
  /** Network namespace the apply ran in (`net:[4026531840]`); rollback must run in the same. */
  readonly netns?: string;
  /** Pid of the rollback timer, so confirm and rollback can stop it. */
  readonly timerPid?: number;
}

/** Name of the state file inside the state dir. */
export const STATE_FILE = 'state.json';
/** Name of the rollback timer's log inside the state dir. */
export const LOG_FILE = 'rollback.log';
const LOCK_FILE = 'lock';
const DEFAULT_DIR = '/var/lib/portcullis/firewall';

/** The state dir: the option, else PORTCULLIS_STATE_DIR, else /var/lib/portcullis/firewall. */
export function resolveStateDir(option?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (option !== undefined && option !== '') return option;
  const fromEnv = env.PORTCULLIS_STATE_DIR;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_DIR;
}

/** Creates the state dir (0700: saved rulesets tell an attacker what is open) and returns it. */
export function ensureStateDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode is masked by the umask and ignored for an existing dir.
  chmodSync(dir, 0o700);
  return dir;
}

function corrupt(file: string, why: string, es: string): PortcullisError {
  return new PortcullisError('PC_FIREWALL_STATE', t(`firewall state file ${file} is corrupt: ${why}`, `el archivo de estado del cortafuegos ${file} está dañado: ${es}`), { subject: file });
}

const SAFE_NAME = /^[A-Za-z0-9._-]+$/;

function isoOk(v: unknown): v is string {
  return typeof v === 'string' && !Number.isNaN(Date.parse(v));
}

/** Parses and validates the state JSON; PC_FIREWALL_STATE naming `file` and the bad field. */
export function parseState(text: string, file = STATE_FILE): ApplyState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw corrupt(file, `not JSON (${err instanceof Error ? err.message : String(err)})`, `no es JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw corrupt(file, 'not a JSON object', 'no es un objeto JSON');
  const o = raw as Record<string, unknown>;
  const bad = (field: string): PortcullisError => corrupt(file, `bad or missing field "${field}"`, `campo "${field}" ausente o no válido`);
  if (o.version !== 1) throw bad('version');
  if (typeof o.id !== 'string' || !/^[a-f0-9]{8,64}$/.test(o.id)) throw bad('id');
  if (o.backend !== 'nftables' && o.backend !== 'iptables') throw bad('backend');
  if (!isoOk(o.appliedAt)) throw bad('appliedAt');
  if (o.deadline !== null && !isoOk(o.deadline)) throw bad('deadline');
  if (typeof o.confirmed !== 'boolean') throw bad('confirmed');
  const sf = o.savedFiles;
  if (typeof sf !== 'object' || sf === null || Array.isArray(sf)) throw bad('savedFiles');
  const savedFiles: Record<string, string> = {};
  // Only plain names: a tampered file must not make rollback read a path outside the state dir.
  for (const [k, v] of Object.entries(sf)) {
    if (typeof v !== 'string' || !SAFE_NAME.test(v) || !SAFE_NAME.test(k)) throw bad(`savedFiles.${k}`);
    savedFiles[k] = v;
  }
  const need = o.backend === 'nftables' ? ['nft'] : ['v4', 'v6'];
  for (const k of need) if (savedFiles[k] === undefined) throw bad(`savedFiles.${k}`);
  if (o.netns !== undefined && typeof o.netns !== 'string') throw bad('netns');
  if (o.timerPid !== undefined && (typeof o.timerPid !== 'number' || !Number.isInteger(o.timerPid) || o.timerPid <= 0)) throw bad('timerPid');
  return Object.freeze({
    version: 1,
    id: o.id,
    backend: o.backend,
    appliedAt: o.appliedAt,
    deadline: o.deadline,
    confirmed: o.confirmed,
    savedFiles: Object.freeze(savedFiles),
    ...(typeof o.netns === 'string' ? { netns: o.netns } : {}),
    ...(typeof o.timerPid === 'number' ? { timerPid: o.timerPid } : {}),
  });
}

/** Reads the state file; undefined when there is none, PC_FIREWALL_STATE when it is corrupt. */
export function readState(dir: string): ApplyState | undefined {
  const file = join(dir, STATE_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return parseState(text, file);
}

/** Writes a file in the state dir atomically (temp + fsync + rename), mode 0600. */
export function writeAtomic(dir: string, name: string, content: string): string {
  const file = join(dir, name);
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  return file;
}

/** Writes the state file atomically. */
export function writeState(dir: string, state: ApplyState): void {
  writeAtomic(dir, STATE_FILE, `${JSON.stringify(state, null, 2)}\n`);
}

/** Removes the state file and the saved files it names. */
export function clearState(dir: string, state: ApplyState | undefined): void {
  rmSync(join(dir, STATE_FILE), { force: true });
  for (const f of Object.values(state?.savedFiles ?? {})) rmSync(join(dir, f), { force: true });
}

/** Appends one timestamped line to the rollback log in the state dir (never throws). */
export function logLine(dir: string, line: string): void {
  try {
    // One event per line, so the last line is the last event even when a tool's error had several.
    appendFileSync(join(dir, LOG_FILE), `${new Date().toISOString()} [${process.pid}] ${line.replace(/\s*\n\s*/g, ' | ')}\n`, { mode: 0o600 });
  } catch {
    // The log is for people after the fact; failing to write it must not stop a rollback.
  }
}

/** The last line of the rollback log, if any. */
export function lastLogLine(dir: string): string | undefined {
  try {
    const lines = readFileSync(join(dir, LOG_FILE), 'utf8').trimEnd().split('\n');
    return lines[lines.length - 1] || undefined;
  } catch {
    return undefined;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the state dir's lock (an O_EXCL file holding our pid), waiting up to `waitMs` for a live
 * holder; a holder that died is taken over. apply, confirm, rollback and the timer all hold it,
 * so a confirm cannot slip in while the timer is halfway through a rollback.
 */
export async function withStateLock<T>(dir: string, fn: () => Promise<T>, waitMs = 15_000): Promise<T> {
  const file = join(dir, LOCK_FILE);
  const until = Date.now() + waitMs;
  for (;;) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder = Number.NaN;
      try {
        holder = Number(readFileSync(file, 'utf8').trim());
      } catch {
        continue; // removed between our open and our read: try again
      }
      if (!(holder > 0) || !pidAlive(holder)) {
        rmSync(file, { force: true });
        continue;
      }
      if (Date.now() > until) {
        throw new PortcullisError('PC_FIREWALL_STATE', t(`another portcullis firewall command (pid ${holder}) holds ${file}`, `otra orden portcullis firewall (pid ${holder}) tiene ${file}`), { subject: file });
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(file, { force: true });
  }
}

/** True when the state dir has a state file. */
export function hasState(dir: string): boolean {
  return existsSync(join(dir, STATE_FILE));
}
