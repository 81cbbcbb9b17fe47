/**
 * Network-namespace test hosts. Each testbed is a namespace joined to the root namespace by a
 * veth pair, addressed from the benchmarking ranges only (198.18.N.0/24 and 2001:2:0:N::/64,
 * root side .1 / ::1, namespace side .2 / ::2), with real listeners, closed ports (the kernel's
 * RST), ports DROPped and REJECTed by nftables, and optional delay and loss. Delay comes from
 * nfq-delay (an NFQUEUE helper: this kernel has no netem), loss from nftables' numgen.
 *
 * Several processes (tests, benchmarks, other engineers' runs) may build testbeds at the same
 * time, so nothing here touches a namespace another live process owns: an index N is claimed
 * atomically by creating the root-side veth `pcxNa`, each namespace gets an owner file under
 * /run/pcx-testbed, and leftovers are removed only when their owner is dead. Teardown runs on
 * close(), on process exit and on SIGINT/SIGTERM/SIGHUP; the helper processes inside a
 * namespace exit by themselves when their owner dies (they watch a pipe from it).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { listeningPorts } from './ss.js';

/** Network conditions between the scanner and the test host. */
export type Profile = 'loopback' | 'lan' | 'wan' | 'hardened';

/** An inclusive port range. */
export type PortRange = readonly [number, number];

/** A port's state as a TCP connect scan should report it. */
export type PortState = 'open' | 'closed' | 'filtered';

/** What the test host looks like. Every port not listed is closed (the kernel answers RST). */
export interface TestbedSpec {
  readonly profile: Profile;
  /** Ports with a listener (both families). */
  readonly open: readonly number[];
  /** Silently dropped ports. */
  readonly drop?: readonly PortRange[];
  /** Ports answered with ICMP / ICMPv6 administratively prohibited. */
  readonly rejectAdmin?: readonly PortRange[];
  /** Ports answered with a TCP reset by the firewall (indistinguishable from closed). */
  readonly rejectReset?: readonly PortRange[];
  /** Give the host an IPv6 address too (default true). */
  readonly ipv6?: boolean;
  /** Namespace name suffix (the namespace is `pcx-<name>`); default: the index. */
  readonly name?: string;
  /** Index N (1..254) picking 198.18.N.0/24; default: the first free one. */
  readonly index?: number;
  /** One-way delay (ms) and loss (per mille, each direction) overriding the profile's. */
  readonly delayMs?: number;
  readonly lossPerMille?: number;
}

/** A running test host. */
export interface Testbed {
  /** Namespace name; '' for the loopback profile, which uses the current namespace. */
  readonly ns: string;
  /** 198.18.N.2 (127.0.0.1 for loopback). */
  readonly v4: string;
  /** 2001:2:0:N::2 (::1 for loopback); absent when the spec said ipv6: false. */
  readonly v6?: string;
  /** Ground truth for a TCP port (family matters only on loopback, where other services listen). */
  expected(port: number, family?: 4 | 6): PortState;
  /** Stops the helpers and removes the namespace and its veth. Safe to call twice. */
  close(): Promise<void>;
}

/** One-way delay and per-direction loss of each profile. */
export const PROFILES: Readonly<Record<Profile, { readonly delayMs: number; readonly lossPerMille: number }>> = {
  loopback: { delayMs: 0, lossPerMille: 0 },
  lan: { delayMs: 0.5, lossPerMille: 0 },
  wan: { delayMs: 25, lossPerMille: 2 },
  hardened: { delayMs: 25, lossPerMille: 0 },
};

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NFQ_SRC = fileURLToPath(new URL('./nfq-delay/nfq-delay.c', import.meta.url));
const NFQ_BIN = fileURLToPath(new URL('./nfq-delay/nfq-delay', import.meta.url));
const LISTENERS = fileURLToPath(new URL('./listeners.mjs', import.meta.url));
const OWNERS = '/run/pcx-testbed';
const PREFIX = 'pcx-';

function run(cmd: string, args: readonly string[], input?: string): string {
  return execFileSync(cmd, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}

function tryRun(cmd: string, args: readonly string[]): boolean {
  try {
    run(cmd, args);
    return true;
  } catch {
    return false;
  }
}

function nsRun(ns: string, cmd: string, args: readonly string[], input?: string): string {
  return run('ip', ['netns', 'exec', ns, cmd, ...args], input);
}

function firstLine(err: unknown): string {
  const e = err as { stderr?: string; message?: string };
  return (e.stderr?.trim() || e.message || String(err)).split('\n')[0] ?? '';
}

/** Whether this process can build testbeds, and why not. */
export function canUseNetns(): { ok: true } | { ok: false; reason: string } {
  if (process.platform !== 'linux') return { ok: false, reason: `network namespaces are Linux-only (this is ${process.platform})` };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'network-namespace tests need root (CI runs as root)' };
  for (const tool of ['ip', 'nft', 'iptables', 'gcc']) {
    if (!tryRun('sh', ['-c', `command -v ${tool}`])) return { ok: false, reason: `${tool} is not installed (scripts/ci.sh installs it)` };
  }
  if (!existsSync('/usr/include/libnetfilter_queue/libnetfilter_queue.h')) return { ok: false, reason: 'libnetfilter-queue-dev is not installed (scripts/ci.sh installs it)' };
  const probe = `${PREFIX}probe-${process.pid}`;
  try {
    run('ip', ['netns', 'add', probe]);
    run('ip', ['netns', 'del', probe]);
  } catch (err) {
    return { ok: false, reason: `ip netns does not work here: ${firstLine(err)}` };
  }
  return { ok: true };
}

// ---- ownership, teardown on exit and signals ----------------------------------------------

/** Synchronous teardowns of everything this process has built and not yet closed. */
const owned = new Map<string, () => void>();
let hooked = false;
let swept = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  const all = (): void => {
    for (const teardown of [...owned.values()]) teardown();
  };
  process.once('exit', all);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      all();
      // Our listener replaced the default action; re-raise so the process still ends by it.
      process.kill(process.pid, sig);
    });
  }
}

function writeOwner(ns: string): void {
  mkdirSync(OWNERS, { recursive: true });
  writeFileSync(`${OWNERS}/${ns}`, `${process.pid}\n`);
}

function alive(pid: number): boolean {
  try {
    // A killed owner can linger a moment as a zombie; it owns nothing any more.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Whether a pcx- namespace may still be in use by some process. */
function inUse(ns: string): boolean {
  if (owned.has(ns)) return true;
  try {
    const pid = Number(readFileSync(`${OWNERS}/${ns}`, 'utf8').trim());
    if (pid > 0) return alive(pid);
  } catch {
    // no owner file: made by an older version of this helper, or being set up right now
  }
  try {
    if (run('ip', ['netns', 'pids', ns]).trim() !== '') return true;
    return Date.now() - statSync(`/run/netns/${ns}`).mtimeMs < 10 * 60_000;
  } catch {
    return false;
  }
}

/**
 * Removes namespaces (pcx-*) and root-side veths (pcxNa) left by crashed runs. Anything whose
 * owner is alive, including other processes' testbeds, is left alone.
 */
export function cleanLeftovers(): void {
  swept = true;
  const live = new Set<string>();
  for (const line of run('ip', ['netns', 'list']).split('\n')) {
    const ns = line.split(' ')[0];
    if (ns?.startsWith(PREFIX) !== true) continue;
    if (inUse(ns)) {
      live.add(ns);
      continue;
    }
    tryRun('ip', ['netns', 'del', ns]);
    rmSync(`${OWNERS}/${ns}`, { force: true });
  }
  for (const line of run('ip', ['-o', 'link', 'show']).split('\n')) {
    const m = /^\d+: (pcx\d+a)@([^:]+):/.exec(line);
    if (m?.[1] === undefined) continue;
    // Peer still in the root namespace: another process is between `link add` and `set netns`.
    if (m[2]?.startsWith('pcx') === true) continue;
    const peerNs = / link-netns (\S+)/.exec(line)?.[1];
    if (peerNs !== undefined && live.has(peerNs)) continue;
    tryRun('ip', ['link', 'del', m[1]]);
  }
}

/**
 * Makes sure no packet for the test ranges can leave the machine: if a testbed disappears while
 * a scanner still aims at it, its connected route goes with it and packets would follow the
 * default route. An unreachable route (low priority, so testbeds' own routes win) stays
 * installed; it only covers the benchmarking ranges, which are not routed anyway.
 */
function guardRanges(): void {
  for (const [fam, range] of [['-4', '198.18.0.0/15'], ['-6', '2001:2::/48']] as const) {
    if (run('ip', [fam, 'route', 'show', 'type', 'unreachable', range]).trim() === '') run('ip', [fam, 'route', 'add', 'unreachable', range, 'metric', '4000']);
  }
}

/** Builds nfq-delay if its binary is missing or older than its source; returns its path. */
export function buildNfqDelay(): string {
  if (!existsSync(NFQ_BIN) || statSync(NFQ_BIN).mtimeMs < statSync(NFQ_SRC).mtimeMs) {
    // Build aside and rename: another process may be running (or building) the old binary.
    const tmp = `${NFQ_BIN}.${process.pid}.tmp`;
    run('gcc', ['-O2', '-Wall', '-o', tmp, NFQ_SRC, '-lnetfilter_queue', '-lnfnetlink']);
    renameSync(tmp, NFQ_BIN);
  }
  return NFQ_BIN;
}

// ---- building a host -------------------------------------------------------------------------

function set(ranges: readonly PortRange[]): string {
  return ranges.map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).join(', ');
}

function inRanges(port: number, ranges: readonly PortRange[] | undefined): boolean {
  return (ranges ?? []).some(([a, b]) => port >= a && port <= b);
}

/** Starts a helper inside `ns` and waits for its "ready" line; its stderr is passed on. */
function startHelper(ns: string, what: string, cmd: string, args: readonly string[]): Promise<ChildProcess> {
  // stdin stays an open pipe: the helper exits when it closes, i.e. when we die.
  const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['pipe', 'pipe', 'pipe'], cwd: ROOT });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} did not start in ${ns}: ${out}`));
    }, 10_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready')) {
        clearTimeout(timer);
        // A forgotten close() must not keep the process alive; the exit hook tears down.
        child.unref();
        for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as { unref?: () => void }).unref?.();
        resolve(child);
      }
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready')) process.stderr.write(`[${ns}] ${d.toString()}`);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${String(code)} in ${ns}: ${out}`));
    });
  });
}

/** Sends SIGTERM and waits (at most 2 s) for the child to exit. */
function stopChild(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(resolve, 2000);
    c.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    c.kill('SIGTERM');
  });
}

/** Claims a free index by creating its veth pair (atomic: fails if another process has it). */
function claimIndex(wanted: number | undefined): number {
  const candidates = wanted !== undefined ? [wanted] : Array.from({ length: 254 }, (_, k) => k + 1);
  let lastErr = '';
  for (const i of candidates) {
    if (!Number.isInteger(i) || i < 1 || i > 254) throw new RangeError(`testbed index must be 1..254, got ${i}`);
    try {
      run('ip', ['link', 'add', `pcx${i}a`, 'type', 'veth', 'peer', 'name', `pcx${i}b`]);
      return i;
    } catch (err) {
      lastErr = firstLine(err);
    }
  }
  throw new Error(wanted !== undefined ? `testbed index ${wanted} is in use (veth pcx${wanted}a: ${lastErr})` : `no free testbed index: ${lastErr}`);
}

/** Creates a test host. Only addresses in 198.18.0.0/15 and 2001:2::/48 (and loopback) are used. */
export async function createTestbed(spec: TestbedSpec & { readonly ipv6?: true }): Promise<Testbed & { readonly v6: string }>;
export async function createTestbed(spec: TestbedSpec): Promise<Testbed>;
export async function createTestbed(spec: TestbedSpec): Promise<Testbed> {
  if (spec.profile === 'loopback') return createLoopbackTestbed(spec);
  hookExit();
  if (!swept) cleanLeftovers();
  guardRanges();
  const { delayMs, lossPerMille } = { ...PROFILES[spec.profile], ...(spec.delayMs !== undefined ? { delayMs: spec.delayMs } : {}), ...(spec.lossPerMille !== undefined ? { lossPerMille: spec.lossPerMille } : {}) };
  const ipv6 = spec.ipv6 !== false;
  const i = claimIndex(spec.index);
  const hostIf = `pcx${i}a`;
  const nsIf = `pcx${i}b`;
  const ns = `${PREFIX}${spec.name ?? String(i)}`;
  const v4 = `198.18.${i}.2`;
  const net6 = `2001:2:0:${i.toString(16)}::`;
  const v6 = ipv6 ? `${net6}2` : undefined;
  const open = new Set(spec.open);
  const children: ChildProcess[] = [];

  let closed = false;
  const teardown = (): void => {
    if (closed) return;
    closed = true;
    owned.delete(ns);
    for (const c of children) c.kill('SIGTERM');
    tryRun('ip', ['netns', 'del', ns]);
    // Deleted with the namespace once its helpers have exited; removed now so the index is free.
    tryRun('ip', ['link', 'del', hostIf]);
    rmSync(`${OWNERS}/${ns}`, { force: true });
  };

  try {
    run('ip', ['netns', 'add', ns]);
  } catch (err) {
    tryRun('ip', ['link', 'del', hostIf]);
    throw new Error(`cannot create namespace ${ns}: ${firstLine(err)}`);
  }
  owned.set(ns, teardown);
  try {
    writeOwner(ns);
    run('ip', ['link', 'set', nsIf, 'netns', ns]);
    run('ip', ['addr', 'add', `198.18.${i}.1/24`, 'dev', hostIf]);
    if (ipv6) run('ip', ['-6', 'addr', 'add', `${net6}1/64`, 'dev', hostIf, 'nodad']);
    run('ip', ['link', 'set', hostIf, 'up']);
    nsRun(ns, 'ip', ['link', 'set', 'lo', 'up']);
    nsRun(ns, 'ip', ['addr', 'add', `${v4}/24`, 'dev', nsIf]);
    if (ipv6) nsRun(ns, 'ip', ['-6', 'addr', 'add', `${v6 ?? ''}/64`, 'dev', nsIf, 'nodad']);
    nsRun(ns, 'ip', ['link', 'set', nsIf, 'up']);
    // REJECTs must answer every probe (no ICMP rate limit: per host, per second, nor per burst —
    // the burst of 50 per jiffy dropped errors to a fast SYN scan), and a full scan must not overflow
    // the listeners' SYN and accept queues.
    nsRun(ns, 'sysctl', ['-q', '-w', 'net.ipv4.icmp_ratelimit=0', 'net.ipv6.icmp.ratelimit=0', 'net.ipv4.icmp_msgs_per_sec=100000000', 'net.ipv4.icmp_msgs_burst=100000000', 'net.ipv4.tcp_max_syn_backlog=65536', 'net.core.somaxconn=65535']);

    const rules: string[] = ['table inet pcx {'];
    if (lossPerMille > 0) {
      rules.push(`  chain loss_in { type filter hook prerouting priority -300; iifname "${nsIf}" numgen random mod 1000 < ${lossPerMille} drop; }`);
      rules.push(`  chain loss_out { type filter hook output priority -300; oifname "${nsIf}" numgen random mod 1000 < ${lossPerMille} drop; }`);
    }
    rules.push('  chain input { type filter hook input priority 0; policy accept;');
    rules.push('    iif lo accept');
    if (spec.profile === 'hardened') {
      rules.push(open.size > 0 ? `    tcp dport != { ${[...open].join(', ')} } drop` : '    meta l4proto tcp drop');
    } else {
      if (spec.drop?.length) rules.push(`    tcp dport { ${set(spec.drop)} } drop`);
      if (spec.rejectAdmin?.length) rules.push(`    tcp dport { ${set(spec.rejectAdmin)} } reject with icmpx admin-prohibited`);
      if (spec.rejectReset?.length) rules.push(`    tcp dport { ${set(spec.rejectReset)} } reject with tcp reset`);
    }
    rules.push('  }', '}');
    nsRun(ns, 'nft', ['-f', '-'], `${rules.join('\n')}\n`);

    if (delayMs > 0) {
      // This kernel lacks nftables' queue expression (CONFIG_NFT_QUEUE); the xtables NFQUEUE
      // target works through iptables-nft. No --queue-bypass: if nfq-delay is not there,
      // packets are dropped rather than undelayed. Only arriving packets are queued, for the
      // whole round trip (2 × delay): the host's own replies, held on their way out, would stay
      // charged to the socket that sent them for the whole delay, and for RSTs that is the
      // kernel's per-CPU control socket — a burst of them fills its send buffer and the rest
      // are silently never sent (measured: 15% of a fast -sS scan's RSTs), a limit no real
      // network path has.
      for (const ipt of ipv6 ? ['iptables', 'ip6tables'] : ['iptables']) {
        nsRun(ns, ipt, ['-t', 'mangle', '-A', 'PREROUTING', '-i', nsIf, '-j', 'NFQUEUE', '--queue-num', '0']);
      }
      children.push(await startHelper(ns, 'nfq-delay', buildNfqDelay(), ['0', String(2 * delayMs)]));
    }
    children.push(await startHelper(ns, 'listeners', process.execPath, [LISTENERS, ...spec.open.map(String)]));
  } catch (err) {
    teardown();
    throw err;
  }

  return {
    ns,
    v4,
    ...(v6 !== undefined ? { v6 } : {}),
    expected(port) {
      if (open.has(port)) return 'open';
      if (spec.profile === 'hardened') return 'filtered';
      if (inRanges(port, spec.drop) || inRanges(port, spec.rejectAdmin)) return 'filtered';
      return 'closed'; // closed ports and "reject with tcp reset" both answer RST
    },
    async close() {
      if (closed) return;
      // Let the helpers exit first so the namespace (and the veth in it) really goes away.
      await Promise.all(children.map(stopChild));
      teardown();
    },
  };
}

/**
 * The loopback profile: 127.0.0.1 and ::1 of the current namespace, with listeners on the open
 * ports. Other services on the machine listen on loopback too, so the ground truth is what
 * `ss -ltnH` shows once the listeners are up; firewall ranges cannot be had without touching the
 * machine's own firewall, so they are refused.
 */
async function createLoopbackTestbed(spec: TestbedSpec): Promise<Testbed> {
  if (spec.drop?.length || spec.rejectAdmin?.length || spec.rejectReset?.length) {
    throw new Error("the loopback profile has no firewall ranges (that would change the machine's own firewall): use 'lan'");
  }
  const ipv6 = spec.ipv6 !== false;
  const servers: Server[] = [];
  const listen = (port: number, host: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const s = createServer((sock) => {
        sock.on('error', () => undefined);
        sock.destroy();
      });
      s.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' ? resolve() : reject(err))); // taken: open anyway
      s.listen({ port, host, backlog: 4096 }, () => {
        servers.push(s);
        resolve();
      });
    });
  const stop = (): Promise<void> => Promise.all(servers.map((s) => new Promise<void>((res) => s.close(() => res())))).then(() => undefined);
  try {
    for (const port of spec.open) {
      await listen(port, '127.0.0.1');
      if (ipv6) await listen(port, '::1');
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const truth4 = await listeningPorts('127.0.0.1');
  const truth6 = ipv6 ? await listeningPorts('::1') : new Set<number>();
  return {
    ns: '',
    v4: '127.0.0.1',
    ...(ipv6 ? { v6: '::1' } : {}),
    expected(port, family = 4) {
      return (family === 6 ? truth6 : truth4).has(port) ? 'open' : 'closed';
    },
    close: stop,
  };
}

/**
 * Runs `fn` with a namespace that owns all of 198.18.0.0/16 on its loopback, so a scanner run
 * inside it (`ip netns exec NS ...`) can scan 65,536 hosts without a packet leaving it.
 */
export async function withLocalSlash16<T>(fn: (ns: string) => Promise<T>): Promise<T> {
  hookExit();
  if (!swept) cleanLeftovers();
  const ns = `${PREFIX}s16-${process.pid}`;
  const teardown = (): void => {
    owned.delete(ns);
    tryRun('ip', ['netns', 'del', ns]);
    rmSync(`${OWNERS}/${ns}`, { force: true });
  };
  run('ip', ['netns', 'add', ns]);
  owned.set(ns, teardown);
  try {
    writeOwner(ns);
    nsRun(ns, 'ip', ['link', 'set', 'lo', 'up']);
    nsRun(ns, 'ip', ['route', 'add', 'local', '198.18.0.0/16', 'dev', 'lo']);
    return await fn(ns);
  } finally {
    teardown();
  }
}
