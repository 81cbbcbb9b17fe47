/**
 * The routing snapshot discovery decides paths from (core/discovery/routes.ts): read once per
 * run from `ip -j` (netlink, so every table and route type is there, which /proc/net/route
 * lacks). Without iproute2 the snapshot falls back to the interface addresses Node knows:
 * loopback and this machine's own addresses are local, everything else routed, so the probes
 * decide and no neighbour table is consulted.
 */
import { execFile } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import { promisify } from 'node:util';
import { formatIp, isLoopback, parseIp, type IpAddress } from '../../core/ip.js';
import { parseIpLinkJson, parseIpRouteJson, pathTo, type Path } from '../../core/discovery/routes.js';

const run = promisify(execFile);

/** Answers where packets to an address go. */
export interface PathFinder {
  pathTo(a: IpAddress): Path;
  /** Whether the answers come from the routing table (false: the fallback described above). */
  readonly fromRoutingTable: boolean;
}

async function ipJson(args: readonly string[]): Promise<string> {
  const { stdout } = await run('ip', ['-j', ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return stdout;
}

/** Reads the routing table and links once. */
export async function loadPaths(): Promise<PathFinder> {
  try {
    const [r4, r6, links] = await Promise.all([ipJson(['-4', 'route', 'show', 'table', 'all']), ipJson(['-6', 'route', 'show', 'table', 'all']).catch(() => '[]'), ipJson(['link', 'show'])]);
    const routes = [...parseIpRouteJson(r4, 4), ...parseIpRouteJson(r6, 6)];
    const linkMap = parseIpLinkJson(links);
    return { fromRoutingTable: true, pathTo: (a) => pathTo(a, routes, linkMap) };
  } catch {
    return fallbackPaths();
  }
}

function fallbackPaths(): PathFinder {
  const own = new Set<string>();
  for (const list of Object.values(networkInterfaces())) {
    for (const i of list ?? []) {
      const ip = parseIp(i.address);
      if (ip !== null) own.add(formatIp(ip.family === 6 ? { family: 6, value: ip.value } : ip));
    }
  }
  return {
    fromRoutingTable: false,
    pathTo: (a) => (isLoopback(a) || own.has(formatIp(a.family === 6 ? { family: 6, value: a.value } : a)) ? { kind: 'local' } : { kind: 'routed' }),
  };
}
