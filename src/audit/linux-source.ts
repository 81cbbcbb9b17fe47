/**
 * Linux socket source: the only audit file that reads /proc. It finds every process, the socket
 * inodes each one holds, the network namespace each lives in, and reads the socket tables of
 * every namespace through a process inside it (/proc/PID/net/* shows the tables of PID's
 * namespace, which is how sockets in containers and `ip netns` namespaces become visible without
 * entering them — osquery's process_open_sockets does the same). Everything it reads is parsed by
 * the pure functions in proc-net.ts and cgroup.ts.
 */
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { endianness } from 'node:os';
import { PortcullisError, t } from '../core/errors.js';
import { parseCgroup } from './cgroup.js';
import {
  netnsInode,
  parseBootTime,
  parseCmdline,
  parseExeLink,
  parsePasswd,
  parseProcNetPacket,
  parseProcNetTable,
  parseProcStat,
  parseStatusUid,
  socketInode,
} from './proc-net.js';
import type { NetnsRef, ProcessInfo, SocketEntry } from './types.js';

/** Everything read from /proc in one pass. */
export interface LinuxSnapshot {
  readonly ownNetns: number;
  readonly namespaces: readonly NetnsRef[];
  /** A process inside each namespace (by inode), used to read its tables and its firewall. */
  readonly nsPid: ReadonlyMap<number, number>;
  /** Socket table rows per namespace inode. */
  readonly sockets: ReadonlyMap<number, readonly SocketEntry[]>;
  /** Socket inode → pids holding it (socket inodes are unique system-wide). */
  readonly holders: ReadonlyMap<number, readonly number[]>;
  /** Processes that hold at least one socket. */
  readonly processes: ReadonlyMap<number, ProcessInfo>;
  /** Processes whose descriptors could not be read (other users' processes when not root). */
  readonly hiddenProcesses: number;
  readonly root: boolean;
}

/** Options of readLinuxSnapshot. */
export interface LinuxSourceOptions {
  readonly signal?: AbortSignal | undefined;
  /** Root of procfs (tests may point it elsewhere). */
  readonly proc?: string;
  /** Directory of named network namespaces. */
  readonly netnsDir?: string;
}

// Linux reports /proc/PID/stat times in USER_HZ, which is 100 on every architecture Linux
// supports today (sysconf(_SC_CLK_TCK)); Node cannot call sysconf.
const USER_HZ = 100;

function tryRead(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
}

function tryLink(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}

function namedNamespaces(dir: string): Map<number, string> {
  const out = new Map<number, string>();
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const n of names) {
    try {
      // A named namespace is a bind mount of its nsfs file: its inode is the namespace's.
      out.set(statSync(`${dir}/${n}`).ino, n);
    } catch {
      /* vanished or unreadable */
    }
  }
  return out;
}

function readTables(base: string): SocketEntry[] {
  const endian = endianness();
  const out: SocketEntry[] = [];
  const table = (name: string, kind: 'tcp' | 'udp' | 'raw', family: 4 | 6): void => {
    const text = tryRead(`${base}/${name}`);
    if (text !== undefined) out.push(...parseProcNetTable(text, kind, family, endian));
  };
  table('tcp', 'tcp', 4);
  table('tcp6', 'tcp', 6);
  table('udp', 'udp', 4);
  table('udp6', 'udp', 6);
  table('raw', 'raw', 4);
  table('raw6', 'raw', 6);
  const packet = tryRead(`${base}/packet`);
  if (packet !== undefined) out.push(...parseProcNetPacket(packet));
  return out;
}

/** Reads every process, namespace and socket table. Throws PC_AUDIT_SOURCE when /proc/net cannot be read. */
export function readLinuxSnapshot(opts: LinuxSourceOptions = {}): LinuxSnapshot {
  const proc = opts.proc ?? '/proc';
  const ownNetns = netnsInode(tryLink(`${proc}/self/ns/net`) ?? '') ?? 0;
  if (tryRead(`${proc}/net/tcp`) === undefined) {
    throw new PortcullisError('PC_AUDIT_SOURCE', t(`cannot read ${proc}/net/tcp: is /proc mounted?`, `no se puede leer ${proc}/net/tcp: ¿está montado /proc?`), { subject: `${proc}/net/tcp` });
  }
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const names = namedNamespaces(opts.netnsDir ?? '/run/netns');
  const holders = new Map<number, number[]>();
  const pidNetns = new Map<number, number>();
  const nsPid = new Map<number, number>();
  let hiddenProcesses = 0;
  let pids: number[] = [];
  try {
    pids = readdirSync(proc)
      .filter((d) => /^\d+$/.test(d))
      .map(Number)
      .sort((a, b) => a - b);
  } catch {
    /* handled by the tcp check above */
  }
  for (const pid of pids) {
    if (opts.signal?.aborted === true) throw new PortcullisError('PC_ABORTED', t('audit interrupted', 'auditoría interrumpida'));
    const ns = netnsInode(tryLink(`${proc}/${pid}/ns/net`) ?? '');
    if (ns !== undefined) {
      pidNetns.set(pid, ns);
      if (!nsPid.has(ns)) nsPid.set(ns, pid);
    }
    let fds: string[];
    try {
      fds = readdirSync(`${proc}/${pid}/fd`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EACCES') hiddenProcesses++;
      continue;
    }
    for (const fd of fds) {
      const inode = socketInode(tryLink(`${proc}/${pid}/fd/${fd}`) ?? '');
      if (inode === undefined) continue;
      const list = holders.get(inode);
      if (list === undefined) holders.set(inode, [pid]);
      else if (list.at(-1) !== pid) list.push(pid);
    }
  }
  if (ownNetns !== 0) nsPid.set(ownNetns, process.pid);

  const sockets = new Map<number, SocketEntry[]>();
  sockets.set(ownNetns, readTables(`${proc}/self/net`));
  for (const [ns, pid] of nsPid) {
    if (ns === ownNetns) continue;
    const rows = readTables(`${proc}/${pid}/net`);
    if (rows.length > 0) sockets.set(ns, rows);
  }

  const bootTime = parseBootTime(tryRead(`${proc}/stat`) ?? '');
  const users = parsePasswd(tryRead('/etc/passwd') ?? '');
  const processes = new Map<number, ProcessInfo>();
  const needed = new Set<number>();
  for (const list of holders.values()) for (const p of list) needed.add(p);
  for (const pid of needed) {
    const stat = parseProcStat(tryRead(`${proc}/${pid}/stat`) ?? '');
    if (stat === undefined) continue;
    const link = tryLink(`${proc}/${pid}/exe`);
    const exe = link === undefined ? undefined : parseExeLink(link);
    const uid = parseStatusUid(tryRead(`${proc}/${pid}/status`) ?? '');
    const cg = parseCgroup(tryRead(`${proc}/${pid}/cgroup`) ?? '');
    const comm = (tryRead(`${proc}/${pid}/comm`) ?? stat.comm).replace(/\n$/, '');
    const start = bootTime === undefined ? undefined : new Date((bootTime + stat.startTicks / USER_HZ) * 1000).toISOString();
    const user = uid === undefined ? undefined : users.get(uid) ?? String(uid);
    const ns = pidNetns.get(pid);
    processes.set(pid, {
      pid,
      ppid: stat.ppid,
      name: comm,
      ...(exe === undefined ? {} : { exe: exe.exe, exeDeleted: exe.deleted }),
      cmdline: parseCmdline(tryRead(`${proc}/${pid}/cmdline`) ?? ''),
      ...(uid === undefined ? {} : { uid }),
      ...(user === undefined ? {} : { user }),
      ...(start === undefined ? {} : { startTime: start }),
      ...(cg.unit === undefined ? {} : { unit: cg.unit }),
      ...(cg.container === undefined ? {} : { container: cg.container }),
      ...(ns === undefined ? {} : { netns: ns }),
    });
  }

  const namespaces: NetnsRef[] = [...sockets.keys()].map((inode) => {
    const name = names.get(inode);
    return { inode, own: inode === ownNetns, ...(name === undefined ? {} : { name }) };
  });
  return { ownNetns, namespaces, nsPid, sockets, holders, processes, hiddenProcesses, root };
}

/** uid → user name, for socket owners whose process is unknown. */
export function readUserNames(): Map<number, string> {
  return parsePasswd(tryRead('/etc/passwd') ?? '');
}
