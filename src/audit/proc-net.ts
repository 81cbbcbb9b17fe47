/**
 * Parsers of Linux's socket tables (/proc/net/tcp, tcp6, udp, udp6, raw, raw6, packet) and of
 * the per-process files the audit reads (/proc/PID/stat, status, cmdline, /proc/stat, passwd).
 * Pure: the text goes in, records come out; the reading is in linux-source.ts.
 */
import { formatIp } from '../core/ip.js';
import type { SocketEntry, SocketKind } from './types.js';

/** Byte order of the machine that wrote the table: the kernel prints addresses as host-order words. */
export type Endianness = 'LE' | 'BE';

const TCP_STATES: Readonly<Record<number, string>> = {
  1: 'established',
  2: 'syn_sent',
  3: 'syn_recv',
  4: 'fin_wait1',
  5: 'fin_wait2',
  6: 'time_wait',
  7: 'close',
  8: 'close_wait',
  9: 'last_ack',
  10: 'listen',
  11: 'closing',
  12: 'new_syn_recv',
};

function word(hex: string, endian: Endianness): number[] {
  const b = [0, 2, 4, 6].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return endian === 'LE' ? b.reverse() : b;
}

/** Decodes a table address: 8 hex digits (IPv4) or 32 (IPv6, four host-order words). */
export function decodeProcAddress(hex: string, endian: Endianness = 'LE'): string {
  if (hex.length !== 8 && hex.length !== 32) throw new Error(`bad address "${hex}"`);
  const bytes: number[] = [];
  for (let i = 0; i < hex.length; i += 8) bytes.push(...word(hex.slice(i, i + 8), endian));
  if (bytes.length === 4) return formatIp({ family: 4, value: ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0 });
  // RFC 5952 text (and ::ffff:a.b.c.d for mapped addresses, as ss prints them) from the core formatter.
  return formatIp({ family: 6, value: bytes.reduce((v, b) => (v << 8n) | BigInt(b), 0n) });
}

/**
 * Parses /proc/net/{tcp,tcp6,udp,udp6,raw,raw6}. Malformed lines are skipped (the kernel writes
 * these tables, but a truncated read must not throw away the rest).
 */
export function parseProcNetTable(text: string, kind: Exclude<SocketKind, 'packet'>, family: 4 | 6, endian: Endianness = 'LE'): SocketEntry[] {
  const out: SocketEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || !/^\d+:$/.test(f[0]!)) continue;
    const [la, lp] = f[1]!.split(':');
    const [ra, rp] = f[2]!.split(':');
    if (la === undefined || lp === undefined || ra === undefined || rp === undefined) continue;
    const st = parseInt(f[3]!, 16);
    let address: string;
    let remoteAddress: string;
    try {
      address = decodeProcAddress(la, endian);
      remoteAddress = decodeProcAddress(ra, endian);
    } catch {
      continue;
    }
    if ((family === 4) !== (la.length === 8)) continue;
    const state = kind === 'tcp' ? (TCP_STATES[st] ?? `state-${st}`) : st === 7 ? 'unconn' : st === 1 ? 'established' : `state-${st}`;
    out.push({ kind, family, address, port: parseInt(lp, 16), remoteAddress, remotePort: parseInt(rp, 16), state, uid: Number(f[7]), inode: Number(f[9]) });
  }
  return out;
}

/** Parses /proc/net/packet (AF_PACKET sockets: sniffers, DHCP clients, and portless backdoors). */
export function parseProcNetPacket(text: string): SocketEntry[] {
  const out: SocketEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    // sk RefCnt Type Proto Iface R Rmem User Inode
    if (f.length < 9 || !/^[0-9a-f]+$/i.test(f[0]!) || !/^\d+$/.test(f[8]!)) continue;
    out.push({ kind: 'packet', family: undefined, address: '*', port: parseInt(f[3]!, 16), remoteAddress: '*', remotePort: 0, state: 'unconn', uid: Number(f[7]), inode: Number(f[8]), ifindex: Number(f[4]) });
  }
  return out;
}

/** True for the rows `ss -l` shows: TCP in LISTEN, unconnected UDP, every raw and packet socket. */
export function isListening(e: SocketEntry): boolean {
  if (e.kind === 'tcp') return e.state === 'listen';
  if (e.kind === 'udp') return e.state === 'unconn';
  return true;
}

/** The fields of /proc/PID/stat the audit needs. */
export interface ProcStat {
  readonly pid: number;
  readonly comm: string;
  readonly state: string;
  readonly ppid: number;
  /** Start time in clock ticks since boot. */
  readonly startTicks: number;
}

/** Parses /proc/PID/stat; the command name may hold spaces and parentheses, so fields are counted from the last ')'. */
export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const rest = text.slice(close + 2).trim().split(/\s+/);
  // rest[0] is field 3 (state); field 22 (starttime) is rest[19].
  const startTicks = Number(rest[19]);
  const ppid = Number(rest[1]);
  const pid = Number(text.slice(0, open).trim());
  if (!Number.isInteger(pid) || !Number.isFinite(startTicks) || !Number.isInteger(ppid)) return undefined;
  return { pid, comm: text.slice(open + 1, close), state: rest[0] ?? '?', ppid, startTicks };
}

/** The real uid from /proc/PID/status ("Uid:\treal\teffective\tsaved\tfs"). */
export function parseStatusUid(text: string): number | undefined {
  const m = /^Uid:\s+(\d+)/m.exec(text);
  return m === null ? undefined : Number(m[1]);
}

/** Boot time (seconds since the epoch) from /proc/stat's btime line. */
export function parseBootTime(text: string): number | undefined {
  const m = /^btime\s+(\d+)/m.exec(text);
  return m === null ? undefined : Number(m[1]);
}

/** /proc/PID/cmdline: NUL-separated arguments (a trailing NUL, or none for processes that rewrote it). */
export function parseCmdline(buf: string): string[] {
  const parts = buf.split('\0');
  if (parts.at(-1) === '') parts.pop();
  // Some daemons rewrite argv into one space-separated string (postgres: "postgres: 15/main: ...").
  return parts;
}

/** uid → user name from /etc/passwd text. */
export function parsePasswd(text: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 7 || line.startsWith('#')) continue;
    const uid = Number(f[2]);
    if (Number.isInteger(uid) && !out.has(uid)) out.set(uid, f[0]!);
  }
  return out;
}

/** readlink of /proc/PID/exe: the path, and whether the file was deleted (or replaced) after start. */
export function parseExeLink(link: string): { exe: string; deleted: boolean } {
  return link.endsWith(' (deleted)') ? { exe: link.slice(0, -' (deleted)'.length), deleted: true } : { exe: link, deleted: false };
}

/** readlink of /proc/PID/fd/N: the socket inode for "socket:[N]", else undefined. */
export function socketInode(link: string): number | undefined {
  const m = /^socket:\[(\d+)\]$/.exec(link);
  return m === null ? undefined : Number(m[1]);
}

/** readlink of /proc/PID/ns/net: "net:[4026531840]" → 4026531840. */
export function netnsInode(link: string): number | undefined {
  const m = /^net:\[(\d+)\]$/.exec(link);
  return m === null ? undefined : Number(m[1]);
}
