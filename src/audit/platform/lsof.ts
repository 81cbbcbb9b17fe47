/**
 * Pure parsers of lsof output (macOS first, but lsof prints the same on Linux and the BSDs).
 *
 * The source runs one invocation, field output (lsof(8) "OUTPUT FOR OTHER PROGRAMS"):
 *   lsof +c 0 -n -P -iTCP -sTCP:LISTEN -iUDP -FpcuLftPnT
 * Field output is chosen because the column layout shifts between lsof versions and platforms
 * (TID/TASKCMD columns, empty SIZE/OFF cells), while every field line starts with its letter.
 * The column layout is still accepted because that is what users paste into bug reports.
 */
import { canonicalAddress, splitHostPort } from './address.js';
import type { PlatformSocket } from './types.js';

/** The lsof arguments the darwin source runs; exported so the docs and the source cannot drift. */
export const LSOF_ARGS: readonly string[] = ['+c', '0', '-n', '-P', '-iTCP', '-sTCP:LISTEN', '-iUDP', '-FpcuLftPnT'];

interface Proc {
  pid?: number;
  command?: string;
  uid?: number;
  login?: string;
}

interface File {
  type?: string;
  proto?: string;
  name?: string;
  state?: string;
}

const C_ESCAPES: Readonly<Record<string, number>> = { b: 8, f: 12, n: 10, r: 13, t: 9 };

/**
 * Undoes lsof's escaping of unprintable bytes in names: '\x20' for a space (so columns stay
 * aligned), '\xNN' for each byte of a non-ASCII character, '\t'-style C escapes. Bytes are
 * gathered first so a multi-byte UTF-8 name comes back whole.
 */
export function unescapeLsof(text: string): string {
  if (!text.includes('\\')) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (ch === '\\') {
      const hex = /^x([0-9a-fA-F]{2})/.exec(text.slice(i + 1, i + 4));
      if (hex?.[1] !== undefined) {
        bytes.push(parseInt(hex[1], 16));
        i += 3;
        continue;
      }
      const c = C_ESCAPES[text[i + 1] ?? ''];
      if (c !== undefined) {
        bytes.push(c);
        i += 1;
        continue;
      }
    }
    bytes.push(...Buffer.from(ch, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

function familyOf(type: string | undefined): 4 | 6 | undefined {
  if (type === 'IPv4') return 4;
  if (type === 'IPv6') return 6;
  return undefined;
}

/** Turns one (process, file) pair into a socket row, or null when it is not a listener. */
function toSocket(p: Proc, f: File): PlatformSocket | null {
  const proto = f.proto === 'TCP' ? 'tcp' : f.proto === 'UDP' ? 'udp' : undefined;
  if (proto === undefined || f.name === undefined) return null;
  // A '->' means a connected socket: an accepted TCP connection or a UDP client, not a listener.
  if (f.name.includes('->')) return null;
  if (proto === 'tcp' && f.state !== undefined && f.state !== 'LISTEN') return null;
  const hp = splitHostPort(f.name);
  if (hp === null) return null;
  // TYPE is the only thing that tells '*:22' on IPv4 from '*:22' on IPv6; without it, skip rather than guess.
  const family = familyOf(f.type) ?? hp.family;
  if (family === undefined) return null;
  const address = canonicalAddress(hp.host, family);
  if (address === null) return null;
  return {
    proto,
    family,
    address,
    port: hp.port,
    ...(p.pid !== undefined && { pid: p.pid }),
    ...(p.command !== undefined && { process: p.command }),
    ...(p.login !== undefined && { user: p.login }),
    ...(p.uid !== undefined && { uid: p.uid }),
  };
}

function key(s: PlatformSocket): string {
  return `${s.pid ?? ''}|${s.proto}|${s.family}|${s.address}|${s.port}`;
}

/** Drops repeats of the same (pid, socket): dup()ed descriptors and IPv4+IPv6 pairs seen twice. */
function dedupe(rows: PlatformSocket[]): PlatformSocket[] {
  const seen = new Set<string>();
  return rows.filter((s) => {
    const k = key(s);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function intOrUndefined(text: string): number | undefined {
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

/** Parses lsof -F field output (newline- or NUL-terminated fields) into socket rows. */
export function parseLsofFields(text: string): PlatformSocket[] {
  const out: PlatformSocket[] = [];
  let proc: Proc = {};
  let file: File | undefined;
  const flush = (): void => {
    if (file === undefined) return;
    const s = toSocket(proc, file);
    if (s !== null) out.push(s);
    file = undefined;
  };
  for (const field of text.split(/[\0\n]/)) {
    const line = field.replace(/\r$/, '');
    if (line === '') continue;
    const tag = line[0];
    const value = line.slice(1);
    switch (tag) {
      case 'p': {
        flush();
        const pid = intOrUndefined(value);
        proc = pid === undefined ? {} : { pid };
        break;
      }
      case 'c':
        proc.command = unescapeLsof(value);
        break;
      case 'u': {
        // lsof prints uid_t as a signed int, so macOS's nobody (4294967294) comes out as -2.
        const uid = /^-\d+$/.test(value) ? Number(value) >>> 0 : intOrUndefined(value);
        if (uid !== undefined) proc.uid = uid;
        break;
      }
      case 'L':
        proc.login = unescapeLsof(value);
        break;
      case 'f':
        flush();
        file = {};
        break;
      default:
        // Fields before the first 'f' belong to the process set; 'g', 'R' and the like are ignored.
        if (file === undefined) break;
        if (tag === 't') file.type = value;
        else if (tag === 'P') file.proto = value;
        else if (tag === 'n') file.name = value;
        else if (tag === 'T' && value.startsWith('ST=')) file.state = value.slice(3);
    }
  }
  flush();
  return dedupe(out);
}

/** Parses lsof's default column output (COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME), as users paste it. */
export function parseLsofColumns(text: string): PlatformSocket[] {
  const out: PlatformSocket[] = [];
  for (const raw of text.split('\n')) {
    const tokens = raw.trim().split(/\s+/);
    if (tokens.length < 6 || tokens[0] === 'COMMAND') continue;
    // lsof writes spaces in a command as '\x20', but a hand-edited paste may not: the pid is the first number.
    const pidAt = tokens.findIndex((t, i) => i > 0 && /^\d+$/.test(t));
    const typeAt = tokens.findIndex((t, i) => i > pidAt + 1 && (t === 'IPv4' || t === 'IPv6'));
    if (pidAt < 1 || typeAt < 0) continue;
    // NODE is the protocol; DEVICE and SIZE/OFF sit between it and TYPE but SIZE/OFF may be blank.
    const nodeAt = tokens.findIndex((t, i) => i > typeAt && (t === 'TCP' || t === 'UDP'));
    if (nodeAt < 0) continue;
    const rest = tokens.slice(nodeAt + 1).join(' ');
    const m = /^(\S+)(?:\s+\(([A-Z_0-9]+)\))?$/.exec(rest);
    if (m?.[1] === undefined) continue;
    // USER sits just before FD, which sits just before TYPE, whatever TID/TASKCMD columns Linux lsof adds.
    const user = tokens[typeAt - 2] ?? '';
    const uid = intOrUndefined(user);
    const proc: Proc = {
      pid: Number(tokens[pidAt]),
      command: unescapeLsof(tokens.slice(0, pidAt).join(' ')),
      ...(uid !== undefined ? { uid } : typeAt - 2 > pidAt ? { login: unescapeLsof(user) } : {}),
    };
    const s = toSocket(proc, { type: tokens[typeAt], proto: tokens[nodeAt], name: m[1], ...(m[2] !== undefined && { state: m[2] }) });
    if (s !== null) out.push(s);
  }
  return dedupe(out);
}

/** Parses lsof output of either kind: field output when the text starts with a 'p<pid>' field, columns otherwise. */
export function parseLsof(text: string): PlatformSocket[] {
  const first = text.split(/[\0\n]/).find((l) => l.trim() !== '') ?? '';
  return /^p\d+\r?$/.test(first) ? parseLsofFields(text) : parseLsofColumns(text);
}

/**
 * Parses `lsof -n -P -a -p PID,... -d txt -Fpn` into pid → executable path. On macOS the first
 * 'txt' file of a process is its executable (then dyld and the shared libraries), so only the
 * first name after each 'p' field counts.
 */
export function parseLsofTxt(text: string): Map<number, string> {
  const out = new Map<number, string>();
  let pid: number | undefined;
  for (const field of text.split(/[\0\n]/)) {
    const line = field.replace(/\r$/, '');
    if (line.startsWith('p')) pid = intOrUndefined(line.slice(1));
    else if (line.startsWith('n') && pid !== undefined && !out.has(pid)) {
      const name = unescapeLsof(line.slice(1));
      if (name.startsWith('/')) out.set(pid, name);
    }
  }
  return out;
}

/** Returns the rows with `exe` filled in from a pid → path map (rows without a pid, or an unknown one, are kept as they are). */
export function withExe(rows: readonly PlatformSocket[], exes: ReadonlyMap<number, string>): PlatformSocket[] {
  return rows.map((s) => {
    const exe = s.pid === undefined ? undefined : exes.get(s.pid);
    return exe === undefined ? s : { ...s, exe };
  });
}
