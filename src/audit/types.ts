/**
 * The local audit's data model: sockets as the OS tables list them, the processes behind them,
 * and the listener records `portcullis audit` reports. Pure types, no I/O.
 */
import type { Bilingual } from '../core/errors.js';

/** Which table a socket came from: TCP, UDP, raw IP or packet (AF_PACKET). */
export type SocketKind = 'tcp' | 'udp' | 'raw' | 'packet';

/** One row of a socket table (/proc/net/tcp, udp6, raw, packet…), as parsed. */
export interface SocketEntry {
  readonly kind: SocketKind;
  /** 4 or 6 for IP sockets; undefined for packet sockets. */
  readonly family: 4 | 6 | undefined;
  /** Local address in canonical text form ('0.0.0.0', '::', '127.0.0.1', '::1', '::ffff:127.0.0.1'); '*' for packet sockets. */
  readonly address: string;
  /** Local port (TCP/UDP); the IP protocol number for raw sockets; the ethertype for packet sockets. */
  readonly port: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /**
   * TCP: the kernel state name in lower case ('listen', 'established', 'time_wait'…).
   * UDP and raw: 'unconn' when not connected (state 07, TCP_CLOSE), 'established' when connected.
   * Packet: 'unconn'.
   */
  readonly state: string;
  /** Socket inode, the key that links a table row to /proc/PID/fd/N -> socket:[inode]. 0 = none (TIME_WAIT). */
  readonly inode: number;
  /** Owner uid the table records (effective uid of the creator). */
  readonly uid: number;
  /** Packet sockets: the interface index bound to (0 = all). */
  readonly ifindex?: number;
}

/** A systemd unit or a container a process belongs to, read from /proc/PID/cgroup. */
export interface CgroupInfo {
  /** systemd unit ('redis-server.service', 'session-3.scope'), when the cgroup path names one. */
  readonly unit?: string;
  /** Container runtime and id, when the cgroup path shows one. */
  readonly container?: ContainerRef;
}

/** A container reference from a cgroup path or a platform source. */
export interface ContainerRef {
  readonly runtime: 'docker' | 'podman' | 'kubernetes' | 'containerd' | 'lxc' | 'systemd-nspawn';
  /** Full id when known (64 hex for docker/podman/containerd). */
  readonly id: string;
  /** Human name when it could be read (docker's config.v2.json Name, the pod name). */
  readonly name?: string;
  /** Kubernetes pod uid, when the path shows one. */
  readonly podUid?: string;
}

/** What the audit knows of one process. */
export interface ProcessInfo {
  readonly pid: number;
  readonly ppid?: number;
  /** Short name (comm, 15 characters on Linux). */
  readonly name: string;
  /** Executable path; ' (deleted)' suffix removed (see exeDeleted). Undefined when unreadable. */
  readonly exe?: string;
  readonly exeDeleted?: boolean;
  readonly cmdline: readonly string[];
  readonly uid?: number;
  readonly user?: string;
  /** Start time, ISO 8601. */
  readonly startTime?: string;
  readonly unit?: string;
  readonly container?: ContainerRef;
  /** Network namespace inode of the process (readlink /proc/PID/ns/net → net:[N]). */
  readonly netns?: number;
}

/** Bind scope of a listener's local address. */
export type BindScope = 'loopback' | 'interface' | 'all';

/** Whether a listener can be reached from other machines, as far as the audit can tell. */
export type Exposure = 'reachable' | 'local' | 'blocked' | 'unknown';

/** Severity of a finding (same ladder as the scanner's risk levels). */
export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

/** One thing that looks wrong with a listener, with the reason in both languages. */
export interface Finding {
  /** Stable id ('exe-deleted', 'exe-in-temp-dir', 'local-service-on-all-interfaces'…). */
  readonly id: string;
  readonly severity: Severity;
  readonly reason: Bilingual;
}

/** A network namespace the audit looked into. */
export interface NetnsRef {
  /** Namespace inode (net:[N]). */
  readonly inode: number;
  /** Name under /run/netns, when it has one. */
  readonly name?: string;
  /** True for the namespace the audit itself runs in. */
  readonly own: boolean;
}

/** One listening socket with everything the audit found about it. */
export interface Listener {
  readonly kind: SocketKind;
  readonly family: 4 | 6 | undefined;
  readonly address: string;
  readonly port: number;
  readonly scope: BindScope;
  readonly inode: number;
  /** Socket owner uid from the table (known even when the process is not). */
  readonly uid: number;
  readonly netns: NetnsRef;
  /** Every process holding the socket (forked servers share it); first = lowest pid. Empty when the owner is unknown. */
  readonly processes: readonly ProcessInfo[];
  /** Registered service name of the port, when it has one. */
  readonly service?: string;
  exposure: Exposure;
  exposureReason: Bilingual;
  findings: Finding[];
}
