/**
 * `portcullis audit` as a library call: list this machine's listeners from the platform's source,
 * judge each one's exposure against its namespace's firewall, attach findings. The pieces it
 * calls are pure (listeners.ts, findings.ts, exposure/judge.ts) except the sources, the firewall
 * reader, the package lookup and the optional hidden-port check.
 */
import { hostname } from 'node:os';
import { PortcullisError, t, type Bilingual } from '../core/errors.js';
import { judgeExposure } from './exposure/judge.js';
import { readFirewall } from './exposure/read-firewall.js';
import type { FirewallSnapshot } from './exposure/types.js';
import { parseDockerProxyCmdline, readDockerContainers, resolveDockerProxy, type DockerContainer } from './docker.js';
import { findHiddenPorts } from './hidden-ports.js';
import { findingsFor, hiddenPortFinding } from './findings.js';
import { readLinuxSnapshot } from './linux-source.js';
import { bindScope, buildListeners } from './listeners.js';
import { packageOwners } from './packages.js';
import type { PlatformSocket } from './platform/types.js';
import type { Exposure, Finding, Listener, NetnsRef, ProcessInfo } from './types.js';

/** Options of runAudit. */
export interface AuditOptions {
  readonly signal?: AbortSignal | undefined;
  /** Try to bind every unlisted port to find hidden listeners (see hidden-ports.ts). */
  readonly hiddenPorts?: boolean;
  /** Whether a listener is in the baseline (weighs the backdoor-port rule); undefined = no baseline. */
  readonly known?: ((l: Listener) => boolean) | undefined;
  /** Which source to read; default: this process's platform. */
  readonly platform?: NodeJS.Platform;
}

/** A port in use that no socket table lists. */
export interface HiddenPort {
  readonly proto: 'tcp' | 'udp';
  readonly family: 4 | 6;
  readonly port: number;
  readonly finding: Finding;
}

/** Everything one audit found. */
export interface AuditReport {
  readonly host: string;
  readonly platform: NodeJS.Platform;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly listeners: readonly Listener[];
  readonly namespaces: readonly NetnsRef[];
  readonly hidden: readonly HiddenPort[];
  /** Listeners whose process could not be found. */
  readonly unknownOwner: number;
  /** Processes whose open files could not be read (not root). */
  readonly unreadableProcesses: number;
  readonly root: boolean;
  /** Why parts of the firewall could not be read, per namespace. */
  readonly firewallNotes: readonly string[];
  /** Whether the hidden-port check ran. */
  readonly hiddenChecked: boolean;
}

function aborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new PortcullisError('PC_ABORTED', t('audit interrupted', 'auditoría interrumpida'));
}

function rank(e: Exposure): number {
  return e === 'reachable' ? 3 : e === 'unknown' ? 2 : e === 'blocked' ? 1 : 0;
}

/** Exposure of one listener from its bind scope and its namespace's firewall. Pure. */
export function exposureOf(l: Listener, fw: FirewallSnapshot | undefined, siblings: readonly Listener[]): { exposure: Exposure; reason: Bilingual } {
  if (l.scope === 'loopback') return { exposure: 'local', reason: t(`bound to ${l.address}, a loopback address: only this machine can connect`, `enlazado a ${l.address}, una dirección de bucle local: solo esta máquina puede conectarse`) };
  if (l.kind === 'packet') return { exposure: 'reachable', reason: t('a packet socket sees frames before the firewall does', 'un socket de paquetes ve las tramas antes que el cortafuegos') };
  if (l.kind === 'raw') return { exposure: 'unknown', reason: t(`raw sockets of IP protocol ${l.port} are not judged against the firewall`, `los sockets en bruto del protocolo IP ${l.port} no se evalúan contra el cortafuegos`) };
  if (fw === undefined) return { exposure: 'unknown', reason: t('the firewall of this namespace could not be read', 'no se pudo leer el cortafuegos de este espacio de red') };
  const family = l.family ?? 4;
  const proto = l.kind;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(l.address)?.[1];
  const first = judgeExposure(fw, { family: mapped !== undefined ? 4 : family, proto, address: mapped ?? l.address, port: l.port });
  // A "::" socket without IPV6_V6ONLY takes IPv4 too; when the same port also has its own IPv4
  // socket the IPv6 one must be v6-only (or the IPv4 bind would have failed), so only then is
  // IPv4 left out.
  if (family === 6 && l.address === '::' && !siblings.some((s) => s !== l && s.kind === l.kind && s.port === l.port && s.family === 4 && s.netns.inode === l.netns.inode)) {
    const v4 = judgeExposure(fw, { family: 4, proto, address: '0.0.0.0', port: l.port });
    if (rank(v4.exposure) > rank(first.exposure)) return { exposure: v4.exposure, reason: t(`IPv4 (dual-stack socket): ${v4.reason.en}`, `IPv4 (socket de doble pila): ${v4.reason.es}`) };
  }
  return { exposure: first.exposure, reason: first.reason };
}

/**
 * Names the Docker containers behind processes: a container process (seen in its cgroup) gets
 * its container's name; docker-proxy, which holds a published port on the host for a container,
 * is resolved to the container it forwards to. Pure.
 */
export function withDockerContainers(l: Listener, containers: readonly DockerContainer[]): Listener {
  if (containers.length === 0) return l;
  let changed = false;
  const processes = l.processes.map((p): ProcessInfo => {
    if (p.container?.runtime === 'docker' && p.container.name === undefined) {
      const c = containers.find((x) => x.id === p.container?.id);
      if (c !== undefined && c.name !== '') {
        changed = true;
        return { ...p, container: { ...p.container, name: c.name } };
      }
    }
    if (p.container === undefined && (p.name === 'docker-proxy' || p.exe?.endsWith('/docker-proxy') === true)) {
      const proxy = parseDockerProxyCmdline(p.cmdline);
      const ref = proxy === null ? undefined : resolveDockerProxy(proxy, containers);
      if (ref !== undefined) {
        changed = true;
        return { ...p, container: ref };
      }
    }
    return p;
  });
  return changed ? { ...l, processes } : l;
}

function fromPlatform(sockets: readonly PlatformSocket[]): Listener[] {
  const ns: NetnsRef = { inode: 0, own: true };
  const byKey = new Map<string, Listener>();
  for (const s of sockets) {
    const key = `${s.proto}/${s.family}/${s.address}/${s.port}`;
    const proc: ProcessInfo | undefined =
      s.pid === undefined
        ? undefined
        : {
            pid: s.pid,
            name: s.process ?? '?',
            cmdline: [],
            ...(s.exe === undefined ? {} : { exe: s.exe }),
            ...(s.user === undefined ? {} : { user: s.user }),
            ...(s.uid === undefined ? {} : { uid: s.uid }),
          };
    const had = byKey.get(key);
    if (had !== undefined) {
      if (proc !== undefined && !had.processes.some((p) => p.pid === proc.pid)) (had.processes as ProcessInfo[]).push(proc);
      continue;
    }
    byKey.set(key, {
      kind: s.proto,
      family: s.family,
      address: s.address,
      port: s.port,
      scope: bindScope(s.address),
      inode: 0,
      uid: s.uid ?? -1,
      netns: ns,
      processes: proc === undefined ? [] : [proc],
      exposure: 'unknown',
      exposureReason: t('not judged yet', 'aún sin evaluar'),
      findings: [],
    });
  }
  return [...byKey.values()].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'tcp' ? -1 : 1) || a.port - b.port || a.address.localeCompare(b.address));
}

/** Runs the audit. Throws PC_AUDIT_SOURCE when the platform's sockets cannot be listed. */
export async function runAudit(opts: AuditOptions = {}): Promise<AuditReport> {
  const startedAt = new Date();
  const platform = opts.platform ?? process.platform;
  const signal = opts.signal;
  let listeners: Listener[];
  let namespaces: NetnsRef[] = [{ inode: 0, own: true }];
  let unreadableProcesses = 0;
  let root = typeof process.getuid === 'function' && process.getuid() === 0;
  const firewallNotes: string[] = [];
  const hidden: HiddenPort[] = [];
  let listedOwn: (proto: 'tcp' | 'udp') => Set<number> = () => new Set();

  if (platform === 'linux') {
    const snap = readLinuxSnapshot({ signal });
    listeners = buildListeners(snap);
    if (listeners.some((l) => l.processes.some((p) => p.container?.runtime === 'docker' || p.name === 'docker-proxy'))) {
      const containers = await readDockerContainers();
      listeners = listeners.map((l) => withDockerContainers(l, containers));
    }
    namespaces = [...snap.namespaces];
    unreadableProcesses = snap.hiddenProcesses;
    root = snap.root;
    aborted(signal);
    const fws = new Map<number, FirewallSnapshot | undefined>();
    for (const ns of namespaces) {
      if (!listeners.some((l) => l.netns.inode === ns.inode && l.scope !== 'loopback' && (l.kind === 'tcp' || l.kind === 'udp'))) continue;
      const pid = snap.nsPid.get(ns.inode);
      try {
        const fw = await readFirewall(ns.own || pid === undefined ? { signal } : { netnsPid: pid, signal });
        for (const e of fw.errors) firewallNotes.push(`${ns.name ?? (ns.own ? 'host' : `net:[${ns.inode}]`)}: ${e}`);
        fws.set(ns.inode, fw);
      } catch (err) {
        if (signal?.aborted === true) throw err;
        firewallNotes.push(`${ns.name ?? `net:[${ns.inode}]`}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    for (const l of listeners) {
      const x = exposureOf(l, fws.get(l.netns.inode), listeners);
      l.exposure = x.exposure;
      l.exposureReason = x.reason;
    }
    // Every socket of that protocol counts, in any state: a client's ephemeral port is in use too.
    listedOwn = (proto) => {
      const again = readLinuxSnapshot({ signal });
      return new Set((again.sockets.get(again.ownNetns) ?? []).filter((e) => e.kind === proto).map((e) => e.port));
    };
  } else if (platform === 'darwin' || platform === 'win32') {
    const { readPlatformSockets } = await import('./platform-read.js');
    listeners = fromPlatform(await readPlatformSockets(platform, signal));
    for (const l of listeners) {
      if (l.scope === 'loopback') {
        const x = exposureOf(l, undefined, listeners);
        l.exposure = x.exposure;
        l.exposureReason = x.reason;
      } else l.exposureReason = t(`the ${platform === 'darwin' ? 'macOS (pf)' : 'Windows'} firewall is not read by the audit yet`, `la auditoría aún no lee el cortafuegos de ${platform === 'darwin' ? 'macOS (pf)' : 'Windows'}`);
    }
  } else {
    throw new PortcullisError('PC_AUDIT_SOURCE', t(`the audit cannot list sockets on ${platform}`, `la auditoría no puede listar los sockets en ${platform}`), { subject: platform });
  }

  const owners = await packageOwners(listeners.flatMap((l) => l.processes.map((p) => p.exe).filter((e): e is string => e !== undefined)), signal);
  for (const l of listeners) l.findings = findingsFor(l, { packageOf: owners, known: opts.known });

  if (opts.hiddenPorts === true && platform === 'linux') {
    for (const proto of ['tcp', 'udp'] as const)
      for (const family of [4, 6] as const) {
        aborted(signal);
        for (const port of await findHiddenPorts({ proto, family, listed: listedOwn(proto), relist: () => listedOwn(proto), signal })) hidden.push({ proto, family, port, finding: hiddenPortFinding(proto, port) });
      }
  }

  return {
    host: hostname(),
    platform,
    startedAt,
    finishedAt: new Date(),
    listeners,
    namespaces,
    hidden,
    unknownOwner: listeners.filter((l) => l.processes.length === 0).length,
    unreadableProcesses,
    root,
    firewallNotes,
    hiddenChecked: opts.hiddenPorts === true && platform === 'linux',
  };
}
