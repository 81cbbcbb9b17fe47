/**
 * Where our SYNs come from: a small block of source ports for the whole scan. Raw sockets leave
 * it to us because the port is how replies find their way back to the scan. (The source
 * address comes from the routing table through the addon's sourceFor.)
 */
import { readFileSync } from 'node:fs';
import type { RawSockApi } from './rawsock.js';

/**
 * Picks a source port like nmap does, at random, but outside the kernel's ephemeral range
 * (so no connect() of this machine is handed the same port mid-scan) and not used by any TCP
 * socket now. With `span` > 1, the first of `span` consecutive ports that all qualify.
 * `random` returns [0, 1); `inUse` tells whether a port is taken.
 */
export function chooseSourcePort(random: () => number, ephemeral: readonly [number, number], inUse: (port: number) => boolean, span = 1): number {
  const free = (p: number): boolean => (p < ephemeral[0] || p > ephemeral[1]) && !inUse(p);
  const block = (p: number): boolean => {
    if (p + span - 1 > 65535) return false;
    for (let q = p; q < p + span; q++) if (!free(q)) return false;
    return true;
  };
  const first = 1024;
  const count = 65536 - span + 1 - first;
  for (let i = 0; i < 64; i++) {
    const p = first + Math.floor(random() * count);
    if (block(p)) return p;
  }
  // Nearly everything is taken: walk the range from a random start.
  const start = Math.floor(random() * count);
  for (let i = 0; i < count; i++) {
    const p = first + ((start + i) % count);
    if (block(p)) return p;
  }
  throw new Error('no free source port for the SYN scan');
}

function readOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}

/**
 * Picks this scan's first source port (of `span`) from the live system (see chooseSourcePort):
 * a port is taken when the addon's tcpPortFree says so (a bind to it fails: a few syscalls,
 * where reading /proc/net/tcp walks the kernel's whole connection table, ~9 ms here).
 */
export function pickSourcePort(api: Pick<RawSockApi, 'tcpPortFree'>, random: () => number = Math.random, span = 1): number {
  const range = readOr('/proc/sys/net/ipv4/ip_local_port_range', '32768 60999').trim().split(/\s+/).map(Number);
  const ephemeral: [number, number] = [range[0] ?? 32768, range[1] ?? 60999];
  return chooseSourcePort(random, ephemeral, (port) => !api.tcpPortFree(port), span);
}
