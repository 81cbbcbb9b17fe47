/**
 * Turns socket-table rows, socket holders and processes into listener records. Pure: the same
 * function serves Linux (/proc) and the platform sources (lsof, netstat), and is tested with
 * tables of cases.
 */
import { t } from '../core/errors.js';
import { serviceName } from '../identify/services.js';
import { isListening } from './proc-net.js';
import type { BindScope, Listener, NetnsRef, ProcessInfo, SocketEntry } from './types.js';

/** Bind scope of a local address: loopback only, all interfaces (wildcard), or one interface's address. */
export function bindScope(address: string): BindScope {
  const a = address.toLowerCase().replace(/%.*$/, '');
  if (a === '0.0.0.0' || a === '::' || a === '*' || a === '::ffff:0.0.0.0') return 'all';
  if (/^127\./.test(a) || a === '::1' || /^::ffff:127\./.test(a)) return 'loopback';
  return 'interface';
}

/** What buildListeners needs: the rows of each namespace and who holds each socket inode. */
export interface ListenerInput {
  readonly namespaces: readonly NetnsRef[];
  readonly sockets: ReadonlyMap<number, readonly SocketEntry[]>;
  readonly holders: ReadonlyMap<number, readonly number[]>;
  readonly processes: ReadonlyMap<number, ProcessInfo>;
}

const KIND_ORDER = { tcp: 0, udp: 1, raw: 2, packet: 3 } as const;

/**
 * Every listening socket (TCP LISTEN, unconnected UDP, raw and packet sockets) with its holders,
 * bind scope and registered service name, sorted by namespace (own first), kind, port, address.
 */
export function buildListeners(input: ListenerInput): Listener[] {
  const out: Listener[] = [];
  const seen = new Set<string>();
  for (const ns of input.namespaces) {
    for (const e of input.sockets.get(ns.inode) ?? []) {
      if (!isListening(e)) continue;
      // One socket appears once per table read; the inode keeps duplicates out (0 = no inode).
      const key = e.inode !== 0 ? `i${e.inode}` : `${ns.inode}/${e.kind}/${e.address}/${e.port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const processes = (input.holders.get(e.inode) ?? [])
        .map((pid) => input.processes.get(pid))
        .filter((p): p is ProcessInfo => p !== undefined)
        .sort((a, b) => a.pid - b.pid);
      const service = e.kind === 'tcp' || e.kind === 'udp' ? serviceName(e.port, e.kind) : undefined;
      out.push({
        kind: e.kind,
        family: e.family,
        address: e.address,
        port: e.port,
        scope: e.kind === 'packet' ? (e.ifindex === 0 || e.ifindex === undefined ? 'all' : 'interface') : bindScope(e.address),
        inode: e.inode,
        uid: e.uid,
        netns: ns,
        processes,
        ...(service === undefined ? {} : { service }),
        exposure: 'unknown',
        exposureReason: t('not judged yet', 'aún sin evaluar'),
        findings: [],
      });
    }
  }
  const nsOrder = new Map(input.namespaces.map((n, i) => [n.inode, n.own ? -1 : i]));
  return out.sort(
    (a, b) =>
      (nsOrder.get(a.netns.inode) ?? 0) - (nsOrder.get(b.netns.inode) ?? 0) ||
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      a.port - b.port ||
      (a.family ?? 0) - (b.family ?? 0) ||
      a.address.localeCompare(b.address),
  );
}
