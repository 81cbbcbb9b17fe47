/**
 * Network-namespace test hosts. Each testbed is a namespace joined to the root namespace by a
 * veth pair, addressed from the benchmarking ranges (198.18.0.0/15, 2001:2::/48), with real
 * listeners, closed ports (the kernel's RST), ports DROPped and REJECTed by nftables, and
 * optional delay and loss. Delay comes from nfq-delay (an NFQUEUE helper: this kernel has no
 * netem), loss from nftables' numgen. Everything is torn down by close(), and leftovers of a
 * crashed run (namespaces named pcx-*) are removed before a new one is made.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Network conditions between the scanner and the test host. */
export type Profile = 'loopback' | 'lan' | 'wan' | 'hardened';

/** An inclusive port range. */
export type PortRange = readonly [number, number];

/** What the test host looks like. */
export interface TestbedSpec {
  readonly profile: Profile;
  readonly open: readonly number[];
  readonly drop?: readonly PortRange[];
  readonly rejectAdmin?: readonly PortRange[];
  readonly rejectReset?: readonly PortRange[];
  /** Index of this testbed (0..255); picks the /24 and the names. */
  readonly index?: number;
  /** One-way delay (ms) and loss (per mille, each direction) overriding the profile's. */
  readonly delayMs?: number;
  readonly lossPerMille?: number;
}

/** A running test host. */
export interface Testbed {
  readonly ns: string;
  readonly v4: string;
  readonly v6: string;
  /** Ground truth for a TCP port. */
  expected(port: number): 'open' | 'closed' | 'filtered';
  close(): Promise<void>;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NFQ_SRC = fileURLToPath(new URL('./nfq-delay/nfq-delay.c', import.meta.url));
const NFQ_BIN = fileURLToPath(new URL('./nfq-delay/nfq-delay', import.meta.url));
const LISTENERS = fileURLToPath(new URL('./listeners.mjs', import.meta.url));

const PROFILES: Readonly<Record<Profile, { delayMs: number; lossPerMille: number }>> = {
  loopback: { delayMs: 0, lossPerMille: 0 },
  lan: { delayMs: 0.25, lossPerMille: 0 },
  wan: { delayMs: 25, lossPerMille: 2 },
  hardened: { delayMs: 25, lossPerMille: 0 },
};

function run(cmd: string, args: readonly string[], input?: string): string {
  return execFileSync(cmd, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}

function nsRun(ns: string, cmd: string, args: readonly string[], input?: string): string {
  return run('ip', ['netns', 'exec', ns, cmd, ...args], input);
}

/** Whether this process can build testbeds, and why not. */
export function canUseNetns(): { ok: true } | { ok: false; reason: string } {
  if (process.getuid?.() !== 0) return { ok: false, reason: 'network-namespace tests need root (CI runs as root)' };
  for (const tool of ['ip', 'nft', 'iptables', 'gcc']) {
    try {
      run('sh', ['-c', `command -v ${tool}`]);
    } catch {
      return { ok: false, reason: `${tool} is not installed (scripts/ci.sh installs it)` };
    }
  }
  if (!existsSync('/usr/include/libnetfilter_queue/libnetfilter_queue.h')) return { ok: false, reason: 'libnetfilter-queue-dev is not installed (scripts/ci.sh installs it)' };
  try {
    run('ip', ['netns', 'add', 'pcx-probe']);
    run('ip', ['netns', 'del', 'pcx-probe']);
  } catch (err) {
    return { ok: false, reason: `ip netns does not work here: ${(err as Error).message.split('\n')[0] ?? ''}` };
  }
  return { ok: true };
}

/** Removes namespaces and veths left by a crashed run. */
export function cleanLeftovers(): void {
  for (const line of run('ip', ['netns', 'list']).split('\n')) {
    const name = line.split(' ')[0];
    if (name?.startsWith('pcx-') === true) {
      try {
        run('ip', ['netns', 'del', name]);
      } catch {
        // already gone
      }
    }
  }
  for (const line of run('ip', ['-o', 'link', 'show']).split('\n')) {
    const m = /^\d+: (pcx[^@:]*)/.exec(line);
    if (m?.[1] !== undefined) {
      try {
        run('ip', ['link', 'del', m[1]]);
      } catch {
        // already gone
      }
    }
  }
}

/** Builds nfq-delay if its binary is missing or older than its source. */
export function buildNfqDelay(): string {
  if (!existsSync(NFQ_BIN) || statSync(NFQ_BIN).mtimeMs < statSync(NFQ_SRC).mtimeMs) {
    run('gcc', ['-O2', '-Wall', '-o', NFQ_BIN, NFQ_SRC, '-lnetfilter_queue', '-lnfnetlink']);
  }
  return NFQ_BIN;
}

function set(ranges: readonly PortRange[]): string {
  return ranges.map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).join(', ');
}

function waitReady(child: ChildProcess, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start: ${out}`)), 10_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${String(code)}: ${out}`));
    });
  });
}

/** Creates a test host. Only addresses in 198.18.0.0/15 and 2001:2::/48 are used. */
export async function createTestbed(spec: TestbedSpec): Promise<Testbed> {
  const i = spec.index ?? 0;
  const ns = `pcx-${i}`;
  const hostIf = `pcx${i}a`;
  const nsIf = `pcx${i}b`;
  const v4 = `198.18.${i}.2`;
  const v6 = `2001:2:0:${i.toString(16)}::2`;
  const { delayMs, lossPerMille } = { ...PROFILES[spec.profile], ...(spec.delayMs !== undefined ? { delayMs: spec.delayMs } : {}), ...(spec.lossPerMille !== undefined ? { lossPerMille: spec.lossPerMille } : {}) };
  try {
    run('ip', ['netns', 'del', ns]);
  } catch {
    // not there: fine
  }
  const open = new Set(spec.open);
  const children: ChildProcess[] = [];
  const teardown = (): void => {
    for (const c of children) c.kill('SIGTERM');
    try {
      run('ip', ['netns', 'del', ns]);
    } catch {
      // gone
    }
    try {
      run('ip', ['link', 'del', hostIf]);
    } catch {
      // removed with the namespace
    }
  };
  try {
    run('ip', ['netns', 'add', ns]);
    run('ip', ['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf]);
    run('ip', ['link', 'set', nsIf, 'netns', ns]);
    run('ip', ['addr', 'add', `198.18.${i}.1/24`, 'dev', hostIf]);
    run('ip', ['-6', 'addr', 'add', `2001:2:0:${i.toString(16)}::1/64`, 'dev', hostIf, 'nodad']);
    run('ip', ['link', 'set', hostIf, 'up']);
    nsRun(ns, 'ip', ['addr', 'add', `${v4}/24`, 'dev', nsIf]);
    nsRun(ns, 'ip', ['-6', 'addr', 'add', `${v6}/64`, 'dev', nsIf, 'nodad']);
    nsRun(ns, 'ip', ['link', 'set', nsIf, 'up']);
    nsRun(ns, 'ip', ['link', 'set', 'lo', 'up']);
    // REJECTs must answer every probe: no ICMP rate limit inside the test host.
    nsRun(ns, 'sysctl', ['-q', '-w', 'net.ipv4.icmp_ratelimit=0', 'net.ipv6.icmp.ratelimit=0', 'net.ipv4.icmp_msgs_per_sec=100000000', 'net.ipv4.tcp_max_syn_backlog=65536', 'net.core.somaxconn=65535']);

    const rules: string[] = ['table inet pcx {'];
    if (lossPerMille > 0) {
      rules.push(`  chain loss_in { type filter hook prerouting priority -300; numgen random mod 1000 < ${lossPerMille} drop; }`);
      rules.push(`  chain loss_out { type filter hook output priority -300; numgen random mod 1000 < ${lossPerMille} drop; }`);
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
      // nftables here lacks the queue expression; the xtables NFQUEUE target works (iptables-nft).
      for (const ipt of ['iptables', 'ip6tables']) {
        nsRun(ns, ipt, ['-t', 'mangle', '-A', 'PREROUTING', '-i', nsIf, '-j', 'NFQUEUE', '--queue-num', '0']);
        nsRun(ns, ipt, ['-t', 'mangle', '-A', 'OUTPUT', '-o', nsIf, '-j', 'NFQUEUE', '--queue-num', '0']);
      }
      const nfq = spawn('ip', ['netns', 'exec', ns, buildNfqDelay(), '0', String(delayMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(nfq);
      await waitReady(nfq, 'nfq-delay');
    }
    const listeners = spawn('ip', ['netns', 'exec', ns, process.execPath, LISTENERS, ...spec.open.map(String)], { stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT });
    children.push(listeners);
    await waitReady(listeners, 'listeners');
  } catch (err) {
    teardown();
    throw err;
  }

  const inRanges = (port: number, ranges: readonly PortRange[] | undefined): boolean => (ranges ?? []).some(([a, b]) => port >= a && port <= b);
  return {
    ns,
    v4,
    v6,
    expected(port) {
      if (open.has(port)) return 'open';
      if (spec.profile === 'hardened') return 'filtered';
      if (inRanges(port, spec.drop) || inRanges(port, spec.rejectAdmin)) return 'filtered';
      return 'closed'; // closed ports and "reject with tcp reset" both answer RST
    },
    close() {
      teardown();
      return Promise.resolve();
    },
  };
}

/**
 * Runs `fn` with a namespace that owns all of 198.18.0.0/16 on its loopback, so a scanner run
 * inside it (`ip netns exec NS ...`) can scan 65,536 hosts without a packet leaving it.
 */
export async function withLocalSlash16<T>(fn: (ns: string) => Promise<T>): Promise<T> {
  const ns = 'pcx-slash16';
  try {
    run('ip', ['netns', 'del', ns]);
  } catch {
    // not there
  }
  run('ip', ['netns', 'add', ns]);
  try {
    nsRun(ns, 'ip', ['link', 'set', 'lo', 'up']);
    nsRun(ns, 'ip', ['route', 'add', 'local', '198.18.0.0/16', 'dev', 'lo']);
    return await fn(ns);
  } finally {
    run('ip', ['netns', 'del', ns]);
  }
}
