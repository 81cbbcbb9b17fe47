/**
 * The hidden-port check (unhide-tcp, OSSEC's check_rc_ports): try to bind every port that no
 * socket table lists; a port that cannot be bound although nothing lists it is in use by a
 * socket somebody hides from /proc — the mark of a kernel rootkit. A candidate is bound a second
 * time after the tables are read again, so a socket that appeared in between is not reported.
 *
 * Why opt-in (--hidden-ports): binding means every free port is briefly taken (a few µs each,
 * ~1 s per protocol and family), so a service starting at that very moment could fail to bind.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { PortcullisError, t } from '../core/errors.js';

/** Result of one bind attempt. */
export type BindResult = 'free' | 'in-use' | 'denied' | 'error';

function tryTcp(port: number, host: string): Promise<BindResult> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'EADDRINUSE' ? 'in-use' : e.code === 'EACCES' ? 'denied' : 'error'));
    // backlog 1 and an immediate close: the port listens for microseconds at most.
    s.listen({ port, host, backlog: 1, exclusive: true, ipv6Only: host.includes(':') }, () => s.close(() => resolve('free')));
  });
}

function tryUdp(port: number, host: string): Promise<BindResult> {
  return new Promise((resolve) => {
    const s = dgram.createSocket({ type: host.includes(':') ? 'udp6' : 'udp4', ipv6Only: host.includes(':') });
    s.once('error', (e: NodeJS.ErrnoException) => {
      s.close();
      resolve(e.code === 'EADDRINUSE' ? 'in-use' : e.code === 'EACCES' ? 'denied' : 'error');
    });
    s.bind({ port, address: host, exclusive: true }, () => s.close(() => resolve('free')));
  });
}

/** Tries to bind one port on the wildcard address of a family. */
export function tryBind(proto: 'tcp' | 'udp', family: 4 | 6, port: number): Promise<BindResult> {
  const host = family === 4 ? '0.0.0.0' : '::';
  return proto === 'tcp' ? tryTcp(port, host) : tryUdp(port, host);
}

/** Options of findHiddenPorts. */
export interface HiddenPortOptions {
  readonly proto: 'tcp' | 'udp';
  readonly family: 4 | 6;
  /** Ports some table lists (any state, any address) in this namespace: they are not tried. */
  readonly listed: ReadonlySet<number>;
  /** Reads the tables again: the ports listed now. */
  readonly relist: () => ReadonlySet<number>;
  readonly signal?: AbortSignal | undefined;
  readonly concurrency?: number;
}

/** Ports in use that no table lists, after a second look. */
export async function findHiddenPorts(o: HiddenPortOptions): Promise<number[]> {
  const candidates: number[] = [];
  let next = 1;
  const worker = async (): Promise<void> => {
    while (next <= 65535) {
      if (o.signal?.aborted === true) throw new PortcullisError('PC_ABORTED', t('audit interrupted', 'auditoría interrumpida'));
      const port = next++;
      if (o.listed.has(port)) continue;
      if ((await tryBind(o.proto, o.family, port)) === 'in-use') candidates.push(port);
    }
  };
  await Promise.all(Array.from({ length: o.concurrency ?? 128 }, worker));
  if (candidates.length === 0) return [];
  const again = o.relist();
  const hidden: number[] = [];
  for (const port of candidates.sort((a, b) => a - b)) {
    if (again.has(port)) continue;
    if ((await tryBind(o.proto, o.family, port)) === 'in-use' && !o.relist().has(port)) hidden.push(port);
  }
  return hidden;
}
