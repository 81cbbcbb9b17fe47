/**
 * A UDP test host: a LAN testbed (test/helpers/testbed.ts, whose TCP behaviour is unchanged)
 * plus UDP rules of its own in a separate nftables table — ports silently dropped, ports
 * rejected with ICMP / ICMPv6 administratively prohibited — optional real responders (DNS, NTP,
 * SNMP) and a switch for the host's ICMP rate limits: `off` (the testbed's setting, every ICMP
 * error sent) or `default` (this machine's own defaults, copied from the root namespace).
 * Every other UDP port is closed: the kernel answers port-unreachable.
 */
import { execFileSync } from 'node:child_process';
import { createTestbed, type PortRange, type Testbed } from './testbed.js';
import { RESPONDER_PORTS, startResponders, type Responders } from './udp-responders.js';
import type { UdpState } from './udp-scan-loop.js';

/** What the UDP host looks like. */
export interface UdpTestbedSpec {
  readonly drop: readonly PortRange[];
  readonly rejectAdmin: readonly PortRange[];
  /** Run dnsmasq, chronyd and snmpd on 53, 123 and 161 (default true). */
  readonly responders?: boolean;
}

/** How the host rations its ICMP errors. */
export type IcmpLimitMode = 'off' | 'default';

/** A running UDP test host. */
export interface UdpTestbed {
  readonly ns: string;
  readonly v4: string;
  readonly v6: string;
  /** Ground truth for a UDP port, as nmap -sU names states (with every ICMP answer sent). */
  expected(port: number): UdpState;
  /** Sets the host's ICMP limits; returns the sysctl values now in force. */
  setIcmpLimit(mode: IcmpLimitMode): Record<string, string>;
  close(): Promise<void>;
}

const LIMIT_KEYS = ['net.ipv4.icmp_ratelimit', 'net.ipv4.icmp_msgs_per_sec', 'net.ipv4.icmp_msgs_burst', 'net.ipv6.icmp.ratelimit'] as const;

function sysctls(ns: string | undefined): Record<string, string> {
  const args = ['-n', ...LIMIT_KEYS];
  const out = ns === undefined ? execFileSync('sysctl', args, { encoding: 'utf8' }) : execFileSync('ip', ['netns', 'exec', ns, 'sysctl', ...args], { encoding: 'utf8' });
  const values = out.trim().split('\n');
  return Object.fromEntries(LIMIT_KEYS.map((k, i) => [k, values[i]?.trim() ?? '']));
}

function set(ranges: readonly PortRange[]): string {
  return ranges.map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).join(', ');
}

function inRanges(port: number, ranges: readonly PortRange[]): boolean {
  return ranges.some(([a, b]) => port >= a && port <= b);
}

/** Builds the UDP host (IPv4 and IPv6). */
export async function createUdpTestbed(spec: UdpTestbedSpec): Promise<UdpTestbed> {
  const tb: Testbed = await createTestbed({ profile: 'lan', open: [], ipv6: true });
  const v6 = tb.v6!;
  let responders: Responders | undefined;
  const machineDefaults = sysctls(undefined);
  try {
    const rules = ['table inet pcxudp {', '  chain input { type filter hook input priority 0; policy accept;', '    iif lo accept'];
    if (spec.drop.length > 0) rules.push(`    udp dport { ${set(spec.drop)} } drop`);
    if (spec.rejectAdmin.length > 0) {
      rules.push(`    meta nfproto ipv4 udp dport { ${set(spec.rejectAdmin)} } reject with icmp type admin-prohibited`);
      rules.push(`    meta nfproto ipv6 udp dport { ${set(spec.rejectAdmin)} } reject with icmpv6 type admin-prohibited`);
    }
    rules.push('  }', '}');
    execFileSync('ip', ['netns', 'exec', tb.ns, 'nft', '-f', '-'], { input: `${rules.join('\n')}\n` });
    if (spec.responders !== false) responders = await startResponders(tb.ns, tb.v4, v6);
  } catch (err) {
    await tb.close();
    throw err;
  }
  const served = new Set<number>(spec.responders !== false ? Object.values(RESPONDER_PORTS) : []);
  return {
    ns: tb.ns,
    v4: tb.v4,
    v6,
    expected(port) {
      if (inRanges(port, spec.drop)) return 'open|filtered';
      if (inRanges(port, spec.rejectAdmin)) return 'filtered';
      return served.has(port) ? 'open' : 'closed';
    },
    setIcmpLimit(mode) {
      const want = mode === 'default' ? machineDefaults : { 'net.ipv4.icmp_ratelimit': '0', 'net.ipv4.icmp_msgs_per_sec': '100000000', 'net.ipv4.icmp_msgs_burst': '100000000', 'net.ipv6.icmp.ratelimit': '0' };
      execFileSync('ip', ['netns', 'exec', tb.ns, 'sysctl', '-q', '-w', ...Object.entries(want).map(([k, v]) => `${k}=${v}`)]);
      return sysctls(tb.ns);
    },
    async close() {
      await responders?.stop();
      await tb.close();
    },
  };
}
