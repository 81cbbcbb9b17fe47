/**
 * A small network of namespaces for host-discovery tests, connected to nothing outside itself:
 *
 *   scanner ── br0 198.18.200.0/24 ── five LAN hosts (directly connected: ARP decides)
 *      └── 198.18.202.0/30 ── router ── br1 198.18.201.0/24 ── five routed hosts (probes decide)
 *
 * The rest of 198.18.0.0/16 is routed to the router, which drops it silently (a /16 to sweep),
 * and the same shape exists in IPv6: 2001:2:0:c8::/64 on the LAN (neighbour discovery decides),
 * 2001:2:0:ca::/64 for transit, 2001:2:0:c9::/64 behind the router; a host's IPv6 address
 * ends in the same digits as its IPv4 one (198.18.200.10 and 2001:2:0:c8::10).
 * Each host answers only some probes (nftables drops the rest), so that every discovery
 * reason shows up; the other addresses of both /24s have no host. The router forwards but
 * drops everything addressed to itself, so its own address on the routed /24 looks down.
 * Every namespace is `pcx-dsc<pid>-<role>`, with an owner file where test/helpers/testbed.ts
 * keeps its own, so that helper's leftover sweep treats ours the same way (removed only when
 * the owner is dead). Nothing here has a route to the root namespace or beyond.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cleanLeftovers } from './testbed.js';

/** What a test host answers. Unlisted TCP ports are closed (the kernel's RST) unless tcpDrop. */
export interface HostBehaviour {
  /** Last octet of the host's address in its /24. */
  readonly octet: number;
  /** ICMP echo requests dropped. */
  readonly dropEcho?: boolean;
  /** ICMP timestamp requests dropped. */
  readonly dropTimestamp?: boolean;
  /** Every TCP segment to a port other than `open` dropped. */
  readonly tcpDrop?: boolean;
  /** Ports with a listener. */
  readonly open?: readonly number[];
  /** Every packet dropped but ARP and neighbour discovery: the host answers those only. */
  readonly dropAll?: boolean;
  /** What nmap -sn as root should say about it, on its network. */
  readonly reason: string;
}

/** The running network. */
export interface LanTestbed {
  /** The namespace to run scanners in. */
  readonly scanner: string;
  /** 198.18.200.0/24 (on-link) and 198.18.201.0/24 (behind the router). */
  readonly lanNet: string;
  readonly routedNet: string;
  /** The scanner's own address on the LAN. */
  readonly scannerLan: string;
  /** The same three in IPv6. */
  readonly lanNet6: string;
  readonly routedNet6: string;
  readonly scannerLan6: string;
  readonly lanHosts: readonly TestHost[];
  readonly routedHosts: readonly TestHost[];
  /** Stops the listeners and removes every namespace. Safe to call twice. */
  close(): Promise<void>;
}

/** A host of the running network. */
export type TestHost = HostBehaviour & { readonly address: string; readonly address6: string };

/** The LAN: one host per way of answering, and one that answers ARP only. */
export const LAN_HOSTS: readonly HostBehaviour[] = [
  { octet: 10, dropTimestamp: true, tcpDrop: true, reason: 'echo-reply' },
  { octet: 20, dropEcho: true, dropTimestamp: true, reason: 'reset' },
  { octet: 30, dropEcho: true, dropTimestamp: true, open: [80], reason: 'reset' },
  { octet: 40, dropEcho: true, dropTimestamp: true, tcpDrop: true, open: [443], reason: 'syn-ack' },
  // High in the /24, behind two hundred silent addresses: their triggers must not hold its back.
  { octet: 250, dropAll: true, reason: 'arp-response' },
];

/** Behind the router: the first four as on the LAN, and one answering only timestamps. */
export const ROUTED_HOSTS: readonly HostBehaviour[] = [...LAN_HOSTS.slice(0, 4), { octet: 60, dropEcho: true, tcpDrop: true, reason: 'timestamp-reply' }];

const OWNERS = '/run/pcx-testbed';
const LISTENERS = fileURLToPath(new URL('./listeners.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function run(cmd: string, args: readonly string[], input?: string): string {
  return execFileSync(cmd, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}

function tryRun(cmd: string, args: readonly string[]): void {
  try {
    run(cmd, args);
  } catch {
    // best effort: teardown of something already gone
  }
}

/** The nftables ruleset of one host. */
function hostRules(h: HostBehaviour): string {
  const lines = ['table inet pcx {', '  chain input {', '    type filter hook input priority 0; policy accept;', '    iif lo accept'];
  if (h.dropAll === true) {
    lines.push('    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept');
    lines.push('    drop');
  }
  if (h.dropEcho === true) lines.push('    icmp type echo-request drop', '    icmpv6 type echo-request drop');
  if (h.dropTimestamp === true) lines.push('    icmp type timestamp-request drop');
  if (h.tcpDrop === true) lines.push(h.open?.length ? `    tcp dport != { ${h.open.join(', ')} } drop` : '    meta l4proto tcp drop');
  lines.push('  }', '}');
  return `${lines.join('\n')}\n`;
}

/** Starts the listeners helper in `ns` and waits for its "ready"; it exits when our pipe closes. */
function startListeners(ns: string, ports: readonly number[]): Promise<ChildProcess> {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, LISTENERS, ...ports.map(String)], { stdio: ['pipe', 'pipe', 'pipe'], cwd: ROOT });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`listeners did not start in ${ns}: ${out}`));
    }, 10_000);
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (!out.includes('ready')) return;
      clearTimeout(timer);
      child.unref();
      for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as { unref?: () => void }).unref?.();
      resolve(child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`listeners exited with ${String(code)} in ${ns}: ${out}`));
    });
  });
}

/** Whether this process can build the network (root, ip, nft, network namespaces), and why not. */
export function canBuildLan(): { readonly ok: true } | { readonly ok: false; readonly reason: string } {
  if (process.platform !== 'linux') return { ok: false, reason: `network namespaces are Linux-only (this is ${process.platform})` };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'network-namespace tests need root (CI runs as root)' };
  for (const tool of ['ip', 'nft']) {
    try {
      run('sh', ['-c', `command -v ${tool}`]);
    } catch {
      return { ok: false, reason: `${tool} is not installed (scripts/ci.sh installs it)` };
    }
  }
  const probe = `pcx-probe-${process.pid}`;
  try {
    run('ip', ['netns', 'add', probe]);
    run('ip', ['netns', 'del', probe]);
  } catch (err) {
    return { ok: false, reason: `ip netns does not work here: ${(err as Error).message.split('\n')[0] ?? ''}` };
  }
  return { ok: true };
}

/** Builds the network (see the file comment). Needs root, ip and nft. */
export async function createLanTestbed(): Promise<LanTestbed> {
  cleanLeftovers();
  const tag = `pcx-dsc${process.pid}`;
  const made: string[] = [];
  const children: ChildProcess[] = [];
  let closed = false;
  const teardown = (): void => {
    if (closed) return;
    closed = true;
    process.removeListener('exit', teardown);
    for (const c of children) c.kill('SIGTERM');
    for (const ns of made) {
      tryRun('ip', ['netns', 'del', ns]);
      rmSync(`${OWNERS}/${ns}`, { force: true });
    }
  };
  process.once('exit', teardown);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      teardown();
      // Our listener replaced the default action; re-raise so the process still ends by it.
      process.kill(process.pid, sig);
    });
  }

  const addNs = (role: string): string => {
    const ns = `${tag}-${role}`;
    run('ip', ['netns', 'add', ns]);
    made.push(ns);
    mkdirSync(OWNERS, { recursive: true });
    writeFileSync(`${OWNERS}/${ns}`, `${process.pid}\n`);
    run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    return ns;
  };
  const ip = (ns: string, ...args: string[]): string => run('ip', ['-n', ns, ...args]);
  const nsRun = (ns: string, cmd: string, args: readonly string[], input?: string): string => run('ip', ['netns', 'exec', ns, cmd, ...args], input);

  /** A host namespace on bridge `br` of namespace `hub`, with its addresses and, when routed, default routes. */
  const addHost = (role: string, h: HostBehaviour, hub: string, br: string, net: string, net6: string, routed: boolean): string => {
    const ns = addNs(role);
    const port = `p${role}`.slice(0, 15);
    ip(hub, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
    ip(hub, 'link', 'set', port, 'master', br);
    ip(hub, 'link', 'set', port, 'up');
    ip(ns, 'addr', 'add', `${net}.${h.octet}/24`, 'dev', 'eth0');
    ip(ns, 'addr', 'add', `${net6}${h.octet}/64`, 'dev', 'eth0', 'nodad');
    ip(ns, 'link', 'set', 'eth0', 'up');
    // Behind the router, whose address on each subnet is .1 / ::1.
    if (routed) {
      ip(ns, 'route', 'add', 'default', 'via', `${net}.1`);
      ip(ns, '-6', 'route', 'add', 'default', 'via', `${net6}1`);
    }
    nsRun(ns, 'nft', ['-f', '-'], hostRules(h));
    return ns;
  };

  try {
    const scanner = addNs('scan');
    const router = addNs('rtr');
    // The scanner's LAN: a bridge it owns, so br0 is an Ethernet link with an on-link /24.
    ip(scanner, 'link', 'add', 'br0', 'type', 'bridge');
    ip(scanner, 'addr', 'add', '198.18.200.1/24', 'dev', 'br0');
    ip(scanner, 'addr', 'add', '2001:2:0:c8::1/64', 'dev', 'br0', 'nodad');
    ip(scanner, 'link', 'set', 'br0', 'up');
    // The transit link and the routed /24 behind it.
    ip(scanner, 'link', 'add', 'up0', 'type', 'veth', 'peer', 'name', 'down0', 'netns', router);
    ip(scanner, 'addr', 'add', '198.18.202.1/30', 'dev', 'up0');
    ip(scanner, 'addr', 'add', '2001:2:0:ca::1/64', 'dev', 'up0', 'nodad');
    ip(scanner, 'link', 'set', 'up0', 'up');
    ip(router, 'addr', 'add', '198.18.202.2/30', 'dev', 'down0');
    ip(router, 'addr', 'add', '2001:2:0:ca::2/64', 'dev', 'down0', 'nodad');
    ip(router, 'link', 'set', 'down0', 'up');
    ip(scanner, 'route', 'add', '198.18.201.0/24', 'via', '198.18.202.2');
    ip(scanner, '-6', 'route', 'add', '2001:2:0:c9::/64', 'via', '2001:2:0:ca::2');
    // The rest of 198.18.0.0/16 goes to the router, which drops it: a /16 of silence to sweep.
    ip(scanner, 'route', 'add', '198.18.0.0/16', 'via', '198.18.202.2');
    ip(router, 'route', 'add', 'blackhole', '198.18.0.0/16');
    ip(router, 'link', 'add', 'br1', 'type', 'bridge');
    ip(router, 'addr', 'add', '198.18.201.1/24', 'dev', 'br1');
    ip(router, 'addr', 'add', '2001:2:0:c9::1/64', 'dev', 'br1', 'nodad');
    ip(router, 'link', 'set', 'br1', 'up');
    nsRun(router, 'sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1']);
    // Silent itself, so the routed /24 holds exactly the hosts below; forwarding is untouched,
    // and neighbour discovery on the transit link too (IPv6 needs it to reach the router).
    const rules = ['table inet pcx {', '  chain input {', '    type filter hook input priority 0; policy accept;'];
    rules.push('    iifname "down0" icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept', '    iifname "down0" drop', '  }', '}', '');
    nsRun(router, 'nft', ['-f', '-'], rules.join('\n'));

    const lanHosts = LAN_HOSTS.map((h) => ({ ...h, address: `198.18.200.${h.octet}`, address6: `2001:2:0:c8::${h.octet}`, ns: addHost(`l${h.octet}`, h, scanner, 'br0', '198.18.200', '2001:2:0:c8::', false) }));
    const routedHosts = ROUTED_HOSTS.map((h) => ({ ...h, address: `198.18.201.${h.octet}`, address6: `2001:2:0:c9::${h.octet}`, ns: addHost(`r${h.octet}`, h, router, 'br1', '198.18.201', '2001:2:0:c9::', true) }));
    for (const h of [...lanHosts, ...routedHosts]) {
      if (h.open?.length) children.push(await startListeners(h.ns, h.open));
    }
    return {
      scanner,
      lanNet: '198.18.200.0/24',
      routedNet: '198.18.201.0/24',
      scannerLan: '198.18.200.1',
      lanNet6: '2001:2:0:c8::/64',
      routedNet6: '2001:2:0:c9::/64',
      scannerLan6: '2001:2:0:c8::1',
      lanHosts,
      routedHosts,
      close() {
        teardown();
        return Promise.resolve();
      },
    };
  } catch (err) {
    teardown();
    throw err;
  }
}
