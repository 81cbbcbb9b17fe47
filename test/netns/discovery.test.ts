/**
 * Host discovery against nmap -sn on a namespace network (test/helpers/lan-testbed.ts): a
 * directly connected /24, where ARP decides, and a /24 behind a router, where the probes
 * decide; as root and unprivileged (connect ping). Both scanners run inside the scanner
 * namespace, ours through test/helpers/discover-cli.ts; ours runs first on each network, so
 * the kernel's neighbour table starts empty and nmap's ARP probes cannot help it. Skipped,
 * with the reason printed, when not root, without nmap, or (root tests) without the addon.
 */
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { canBuildLan, createLanTestbed, type LanTestbed } from '../helpers/lan-testbed.js';
import { loadRawSock } from '../../src/scan/raw/rawsock.js';
import type { HostDiscovery } from '../../src/core/discovery/verdict.js';

const exec = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = fileURLToPath(new URL('../helpers/discover-cli.ts', import.meta.url));

const lan = canBuildLan();
const nmap = ((): string | undefined => {
  try {
    return execFileSync('nmap', ['--version'], { encoding: 'utf8' }).split('\n')[0];
  } catch {
    return undefined;
  }
})();
const raw = loadRawSock();
const skipAll = !lan.ok ? lan.reason : nmap === undefined ? 'nmap is not installed (apt-get install nmap)' : undefined;
const skipRoot = skipAll ?? (!raw.ok ? raw.reason : undefined);
if (skipAll !== undefined) console.log(`# skipping host-discovery namespace tests: ${skipAll}`);
else if (skipRoot !== undefined) console.log(`# skipping host-discovery raw-probe tests: ${skipRoot}`);

/** One scanner's view: address → reason, for up hosts only, and how long it took. */
interface Seen {
  readonly up: Map<string, string>;
  readonly ttl: Map<string, number>;
  readonly wallMs: number;
}

/** Runs our discovery in the scanner namespace. */
async function ours(tb: LanTestbed, targets: string | readonly string[], privileged: boolean, extra: readonly string[] = []): Promise<Seen & { readonly total: number; readonly maxRssMb: number }> {
  const args = ['netns', 'exec', tb.scanner, process.execPath, '--import', 'tsx', CLI, ...(privileged ? [] : ['--unprivileged']), ...extra, ...([] as string[]).concat(targets)];
  const { stdout } = await exec('ip', args, { cwd: ROOT, encoding: 'utf8' });
  const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as HostDiscovery & { summary?: { total: number; wallMs: number; maxRssMb: number } });
  const summary = lines.pop()?.summary;
  assert.ok(summary !== undefined, 'the CLI ended with its summary line');
  const upHosts = lines.filter((r) => r.up);
  return {
    up: new Map(upHosts.map((r) => [r.address, r.reason])),
    ttl: new Map(upHosts.filter((r) => r.ttl !== undefined).map((r) => [r.address, r.ttl!])),
    wallMs: summary.wallMs,
    total: summary.total,
    maxRssMb: summary.maxRssMb,
  };
}

/** Runs nmap -sn in the scanner namespace and reads its XML. */
async function theirs(tb: LanTestbed, targets: string | readonly string[], privileged: boolean, family: 4 | 6 = 4): Promise<Seen> {
  const args = ['netns', 'exec', tb.scanner, 'nmap', '-sn', '-n', ...(family === 6 ? ['-6'] : []), ...(privileged ? [] : ['--unprivileged']), '-oX', '-', ...([] as string[]).concat(targets)];
  const started = performance.now();
  const { stdout } = await exec('ip', args, { encoding: 'utf8' });
  const wallMs = Math.round(performance.now() - started);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(stdout) as { nmaprun: { host?: unknown } };
  const hosts = ([] as unknown[]).concat(doc.nmaprun.host ?? []) as { status: { state: string; reason: string; reason_ttl: string }; address: { addr: string; addrtype: string } | { addr: string; addrtype: string }[] }[];
  const up = new Map<string, string>();
  const ttl = new Map<string, number>();
  for (const h of hosts) {
    if (h.status.state !== 'up') continue;
    const addr = ([] as { addr: string; addrtype: string }[]).concat(h.address).find((a) => a.addrtype === `ipv${family}`)!.addr;
    up.set(addr, h.status.reason);
    if (Number(h.status.reason_ttl) > 0) ttl.set(addr, Number(h.status.reason_ttl));
  }
  return { up, ttl, wallMs };
}

const sorted = (m: Map<string, unknown>): string[] => [...m.keys()].sort();

describe('host discovery in namespaces', { skip: skipAll ?? false }, () => {
  let tb: LanTestbed;
  before(async () => {
    tb = await createLanTestbed();
  });
  after(async () => {
    await tb?.close();
  });

  test('as root on a directly connected /24, discoverHosts finds what nmap -sn finds: the five hosts by ARP, and itself', { skip: skipRoot ?? false }, async (t: TestContext) => {
    const us = await ours(tb, tb.lanNet, true);
    const them = await theirs(tb, tb.lanNet, true);
    t.diagnostic(`LAN /24 as root: nmap -sn found ${them.up.size} up in ${them.wallMs} ms; discoverHosts ${us.up.size} up of ${us.total} in ${us.wallMs} ms`);
    const five = tb.lanHosts.map((h) => h.address).sort();
    assert.deepEqual(sorted(them.up), [tb.scannerLan, ...five].sort(), 'nmap sees the testbed as designed');
    assert.deepEqual(sorted(us.up), sorted(them.up));
    assert.deepEqual(sorted(us.up).filter((a) => a !== tb.scannerLan), five, 'exactly the five live hosts, besides the scanner itself');
    // ARP decides on the LAN, for nmap and for us, whatever else a host answers or drops.
    assert.deepEqual(us.up, them.up);
    assert.equal(us.up.get(tb.scannerLan), 'localhost-response');
    for (const h of tb.lanHosts) assert.equal(us.up.get(h.address), 'arp-response', h.address);
    assert.equal(us.total, 256);
  });

  test('as root behind a router, discoverHosts finds what nmap -sn finds, for the same reasons', { skip: skipRoot ?? false }, async (t: TestContext) => {
    const us = await ours(tb, tb.routedNet, true);
    const them = await theirs(tb, tb.routedNet, true);
    t.diagnostic(`routed /24 as root: nmap -sn found ${them.up.size} up in ${them.wallMs} ms; discoverHosts ${us.up.size} up of ${us.total} in ${us.wallMs} ms`);
    const five = tb.routedHosts.map((h) => h.address).sort();
    assert.deepEqual(sorted(them.up), five, 'nmap sees the testbed as designed');
    assert.deepEqual(sorted(us.up), five);
    // Each host answers one kind of probe only, so the reason is the same for both scanners.
    assert.deepEqual(us.up, them.up);
    for (const h of tb.routedHosts) {
      assert.equal(us.up.get(h.address), h.reason, h.address);
      assert.equal(us.ttl.get(h.address), 63, `${h.address}: one hop away`);
    }
  });

  test('as root over IPv6, discoverHosts agrees with nmap -6 -sn: neighbour discovery on the LAN, probes behind the router', { skip: skipRoot ?? false }, async (t: TestContext) => {
    // A /64 cannot be swept: the hosts, the scanner and the router, and two addresses without a host.
    for (const [hosts, self, prefix] of [
      [tb.lanHosts, [tb.scannerLan6], '2001:2:0:c8::'],
      [tb.routedHosts, [], '2001:2:0:c9::'],
    ] as const) {
      const targets = [...hosts.map((h) => h.address6), ...self, `${prefix}1`, `${prefix}77`, `${prefix}99`].filter((a, i, all) => all.indexOf(a) === i);
      const us = await ours(tb, targets, true);
      const them = await theirs(tb, targets, true, 6);
      t.diagnostic(`${prefix}/64 as root: nmap -6 -sn found ${them.up.size} of ${targets.length} up in ${them.wallMs} ms; discoverHosts ${us.up.size} in ${us.wallMs} ms`);
      const routed = hosts === tb.routedHosts;
      // ICMPv6 has no timestamp request: behind the router the timestamp-only host is silent.
      const live = hosts.filter((h) => !routed || h.reason !== 'timestamp-reply');
      assert.deepEqual(sorted(them.up), [...self, ...live.map((h) => h.address6)].sort(), 'nmap sees the testbed as designed');
      assert.deepEqual(us.up, them.up);
      for (const h of live) assert.equal(us.up.get(h.address6), routed ? h.reason : 'nd-response', h.address6);
    }
  });

  test('as root over all of 198.18.0.0/16, discoverHosts finds exactly the live hosts in bounded memory', { skip: skipRoot ?? false }, async (t: TestContext) => {
    // nmap -sn takes over a quarter of an hour on this /16 (most of it silent), so the ground
    // truth is the testbed's: the hosts above, our own two addresses, and the router on the
    // transit /30, on-link there, so its ARP answer counts although it drops everything else.
    const want = new Map<string, string>([
      [tb.scannerLan, 'localhost-response'],
      ['198.18.202.1', 'localhost-response'],
      ['198.18.202.2', 'arp-response'],
      ...tb.lanHosts.map((h) => [h.address, 'arp-response'] as const),
      ...tb.routedHosts.map((h) => [h.address, h.reason] as const),
    ]);
    const us = await ours(tb, '198.18.0.0/16', true, ['--up-only', '--window', '4096', '--timeout', '300']);
    t.diagnostic(`198.18.0.0/16 as root, window 4096, 2 tries of 300 ms: ${us.up.size} up of ${us.total} in ${us.wallMs} ms, peak RSS ${us.maxRssMb} MB`);
    assert.equal(us.total, 65536);
    assert.deepEqual(new Map([...us.up].sort()), new Map([...want].sort()));
    // Node and tsx alone take about 80 MB; a /24 run peaks near 90 MB.
    assert.ok(us.maxRssMb < 256, `peak RSS ${us.maxRssMb} MB`);
    // With the default window, the router's turn on the transit /30 comes after both tries to
    // the LAN's 250 silent addresses: their neighbour triggers, still waiting for ARP answers
    // that never come, once filled a shared socket's buffer and held its trigger back.
    const slow = await ours(tb, '198.18.192.0/20', true, ['--up-only', '--timeout', '300']);
    t.diagnostic(`198.18.192.0/20 as root, window 256: ${slow.up.size} up of ${slow.total} in ${slow.wallMs} ms, peak RSS ${slow.maxRssMb} MB`);
    assert.deepEqual(new Map([...slow.up].sort()), new Map([...want].sort()));
  });

  test('unprivileged, the connect ping finds the hosts with port 80 or 443 open or closed, as nmap --unprivileged -sn does', async (t: TestContext) => {
    for (const [net, self] of [
      [tb.lanNet, [tb.scannerLan]],
      [tb.routedNet, []],
    ] as const) {
      const us = await ours(tb, net, false);
      const them = await theirs(tb, net, false);
      t.diagnostic(`${net} unprivileged: nmap found ${them.up.size} up in ${them.wallMs} ms; discoverHosts ${us.up.size} up in ${us.wallMs} ms`);
      const hosts = net === tb.lanNet ? tb.lanHosts : tb.routedHosts;
      // Answering TCP on 80 or 443 at all: not dropping TCP, or listening on one of them.
      const tcp = hosts.filter((h) => h.dropAll !== true && (h.tcpDrop !== true || h.open?.some((p) => p === 80 || p === 443))).map((h) => h.address);
      assert.deepEqual(sorted(them.up), [...self, ...tcp].sort(), 'nmap sees the testbed as designed');
      assert.deepEqual(sorted(us.up), sorted(them.up));
      for (const h of hosts) {
        const reason = us.up.get(h.address);
        if (h.open === undefined && h.tcpDrop !== true && h.dropAll !== true) assert.equal(reason, 'conn-refused', h.address);
        if (h.open?.includes(443) === true && h.tcpDrop === true) assert.equal(reason, 'conn-accept', h.address);
      }
      for (const a of self) assert.equal(us.up.get(a), 'localhost-response');
    }
  });
});
