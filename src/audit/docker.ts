/**
 * Docker's side of the audit: which container a published port or a docker-proxy process
 * belongs to. Docker keeps each container's state in /var/lib/docker/containers/<id>/config.v2.json
 * (root-only); reading it needs no daemon socket, so the audit works even when dockerd is down.
 * Everything here is pure except readDockerContainers.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerRef } from './types.js';

/** A host port Docker published for a container port. */
export interface DockerPort {
  readonly containerPort: number;
  readonly proto: 'tcp' | 'udp' | 'sctp';
  /** Host address the port is bound to ('0.0.0.0', '::', '127.0.0.1'). */
  readonly hostIp: string;
  readonly hostPort: number;
}

/** What the audit needs from one container's config.v2.json. */
export interface DockerContainer {
  readonly id: string;
  /** Container name without Docker's leading '/'. */
  readonly name: string;
  /** The container's addresses on each network it joined (IPv4 and global IPv6). */
  readonly ipAddresses: string[];
  readonly ports: DockerPort[];
}

/** docker-proxy's forwarding, from its command line. */
export interface DockerProxy {
  readonly proto: 'tcp' | 'udp' | 'sctp';
  readonly hostIp: string;
  readonly hostPort: number;
  readonly containerIp: string;
  readonly containerPort: number;
}

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function proto(text: string | undefined): DockerPort['proto'] | undefined {
  return text === 'tcp' || text === 'udp' || text === 'sctp' ? text : undefined;
}

function portNumber(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,5}$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n >= 0 && n <= 65535 ? n : undefined;
}

/** Parses a container's config.v2.json; null when the text is not JSON or has no container ID. */
export function parseDockerConfig(json: string): DockerContainer | null {
  let doc: Record<string, unknown> | undefined;
  try {
    doc = record(JSON.parse(json));
  } catch {
    return null;
  }
  const id = doc?.ID;
  if (doc === undefined || typeof id !== 'string' || id === '') return null;
  const name = typeof doc.Name === 'string' ? doc.Name.replace(/^\//, '') : '';
  const net = record(doc.NetworkSettings);
  const ipAddresses: string[] = [];
  for (const endpoint of Object.values(record(net?.Networks) ?? {})) {
    const e = record(endpoint);
    for (const key of ['IPAddress', 'GlobalIPv6Address']) {
      const ip = e?.[key];
      if (typeof ip === 'string' && ip !== '' && !ipAddresses.includes(ip)) ipAddresses.push(ip);
    }
  }
  const ports: DockerPort[] = [];
  for (const [spec, bindings] of Object.entries(record(net?.Ports) ?? {})) {
    const m = /^(\d+)\/(\w+)$/.exec(spec);
    const containerPort = portNumber(m?.[1]);
    const p = proto(m?.[2]);
    // Exposed but not published ports map to null: nothing listens on the host for them.
    if (containerPort === undefined || p === undefined || !Array.isArray(bindings)) continue;
    for (const b of bindings) {
      const r = record(b);
      const hostPort = portNumber(r?.HostPort);
      if (hostPort === undefined) continue;
      // Older engines wrote "" for "all addresses".
      const hostIp = typeof r?.HostIp === 'string' && r.HostIp !== '' ? r.HostIp : '0.0.0.0';
      ports.push({ containerPort, proto: p, hostIp, hostPort });
    }
  }
  return { id, name, ipAddresses, ports };
}

/**
 * Parses docker-proxy's argv ('-proto tcp -host-ip 0.0.0.0 -host-port 8080 -container-ip
 * 172.17.0.2 -container-port 80'); argv[0] may be the program path. Go's flag package also
 * takes '--flag' and '-flag=value', so those are accepted. Null when a field is missing.
 */
export function parseDockerProxyCmdline(argv: readonly string[]): DockerProxy | null {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const m = /^--?([a-z-]+)(?:=(.*))?$/.exec(argv[i] ?? '');
    if (m?.[1] === undefined) continue;
    if (m[2] !== undefined) flags.set(m[1], m[2]);
    else if (argv[i + 1] !== undefined && !(argv[i + 1] ?? '').startsWith('-')) flags.set(m[1], argv[++i] ?? '');
    // Boolean flags (-use-listen-fd, newer engines) take no value and are not needed here.
  }
  const p = proto(flags.get('proto'));
  const hostPort = portNumber(flags.get('host-port'));
  const containerPort = portNumber(flags.get('container-port'));
  const hostIp = flags.get('host-ip');
  const containerIp = flags.get('container-ip');
  if (p === undefined || hostPort === undefined || containerPort === undefined || hostIp === undefined || containerIp === undefined) return null;
  return { proto: p, hostIp, hostPort, containerIp, containerPort };
}

/**
 * The container a docker-proxy forwards to: the one with the proxy's container address that
 * publishes the same port mapping; failing that, the one with the address alone (a container
 * started before its config was last written). Undefined when none matches.
 */
export function resolveDockerProxy(proxy: DockerProxy, containers: readonly DockerContainer[]): ContainerRef | undefined {
  const byIp = containers.filter((c) => c.ipAddresses.includes(proxy.containerIp));
  const exact = byIp.find((c) => c.ports.some((p) => p.proto === proxy.proto && p.hostPort === proxy.hostPort && p.containerPort === proxy.containerPort));
  // Two stopped containers can keep the same address in their configs; only an exact match settles that.
  const hit = exact ?? (byIp.length === 1 ? byIp[0] : undefined);
  return hit === undefined ? undefined : { runtime: 'docker', id: hit.id, ...(hit.name !== '' && { name: hit.name }) };
}

/** Reads every container's config.v2.json under Docker's state directory; [] when it cannot be read (not root, no Docker). */
export async function readDockerContainers(root = '/var/lib/docker/containers'): Promise<DockerContainer[]> {
  let ids: string[];
  try {
    ids = await readdir(root);
  } catch {
    return [];
  }
  const found = await Promise.all(
    ids.map(async (id) => {
      try {
        return parseDockerConfig(await readFile(join(root, id, 'config.v2.json'), 'utf8'));
      } catch {
        // A container removed between readdir and readFile, or a half-written file.
        return null;
      }
    }),
  );
  return found.filter((c): c is DockerContainer => c !== null);
}
