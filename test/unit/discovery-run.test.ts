/**
 * The discovery loop (scan/discovery/discover.ts) with fixed paths and a fake pinger whose
 * hosts answer on a script: methods, retries and timeouts, the weighing of evidence, the
 * window that bounds memory, the rate limit, abort and early exit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discoverHosts, type ActiveMethod, type DiscoveryDeps, type DiscoveryTarget } from '../../src/scan/discovery/discover.js';
import type { DiscoveryOptions } from '../../src/scan/discovery/options.js';
import type { EvidenceHandler, Pinger } from '../../src/scan/discovery/pinger.js';
import type { Path } from '../../src/core/discovery/routes.js';
import type { Evidence, HostDiscovery } from '../../src/core/discovery/verdict.js';
import { formatIp, type IpAddress } from '../../src/core/ip.js';
import { isPortcullisError } from '../../src/core/errors.js';

/** 127/8 local, .200 on-link, .201 routed, .200.255 broadcast, anything else unroutable. */
function fakePath(a: IpAddress): Path {
  const t = formatIp(a);
  if (t.startsWith('127.')) return { kind: 'local' };
  if (t === '198.18.200.255') return { kind: 'broadcast' };
  if (t.startsWith('198.18.200.')) return { kind: 'on-link', dev: 'br0' };
  if (t.startsWith('198.18.201.') || t.includes(':')) return { kind: 'routed' };
  return { kind: 'unroutable' };
}

/** What a host does on its n-th try (1-based): evidence after a delay, or nothing. */
type Script = (address: string, method: ActiveMethod, tryNo: number) => readonly (readonly [number, Evidence])[];

interface Fake {
  readonly deps: Partial<DiscoveryDeps>;
  readonly sends: { address: string; method: ActiveMethod; at: number }[];
  readonly closed: Set<ActiveMethod>;
  /** Most hosts registered at once. */
  peak: number;
  fatal?: (err: Error) => void;
}

function fake(script: Script, rawAvailable = true): Fake {
  const f: Fake = { deps: {}, sends: [], closed: new Set(), peak: 0 };
  let live = 0;
  const t0 = performance.now();
  const pinger = (method: ActiveMethod, _o: unknown, onEvidence: EvidenceHandler, onFatal: (err: Error) => void): Pinger => {
    f.fatal = onFatal;
    const hosts = new Map<number, { address: string; tries: number }>();
    const timers = new Set<NodeJS.Timeout>();
    return {
      costPerTry: 4,
      add(id, ip) {
        hosts.set(id, { address: formatIp(ip), tries: 0 });
        f.peak = Math.max(f.peak, ++live);
      },
      send(id) {
        const h = hosts.get(id)!;
        h.tries++;
        f.sends.push({ address: h.address, method, at: performance.now() - t0 });
        for (const [delay, e] of script(h.address, method, h.tries)) {
          const timer = setTimeout(() => {
            timers.delete(timer);
            if (hosts.has(id)) onEvidence(id, e);
          }, delay);
          timers.add(timer);
        }
      },
      remove(id) {
        if (hosts.delete(id)) live--;
      },
      close() {
        f.closed.add(method);
        for (const t of timers) clearTimeout(t);
        return Promise.resolve();
      },
    };
  };
  Object.assign(f.deps, { paths: () => Promise.resolve({ fromRoutingTable: true, pathTo: fakePath }), rawAvailable: () => rawAvailable, pinger });
  return f;
}

const v4 = (...addresses: string[]): DiscoveryTarget[] => addresses.map((address) => ({ address, family: 4 }));

async function collect(targets: Iterable<DiscoveryTarget> | AsyncIterable<DiscoveryTarget>, o: Partial<DiscoveryOptions>, f: Fake): Promise<Map<string, HostDiscovery>> {
  const out = new Map<string, HostDiscovery>();
  for await (const r of discoverHosts(targets, { privileged: true, timeoutMs: 40, retries: 1, ...o }, f.deps)) {
    assert.ok(!out.has(r.address), `${r.address} reported twice`);
    out.set(r.address, r);
  }
  return out;
}

const ECHO: Evidence = { up: true, reason: 'echo-reply', ttl: 63, rttMs: 1 };
const ARP: Evidence = { up: true, reason: 'arp-response', rttMs: 1 };
const ROUTER: Evidence = { up: false, reason: 'host-unreach', ttl: 64 };

test('discoverHosts picks one method per path and reports every target once', async () => {
  const f = fake((address, method) => {
    if (address.endsWith('.10')) return method === 'neighbour' ? [[1, ARP]] : [[1, ECHO]];
    return [];
  });
  const r = await collect(v4('127.0.0.1', '198.18.200.10', '198.18.200.11', '198.18.200.255', '198.18.201.10', '198.18.201.11', '192.0.2.1'), {}, f);
  assert.deepEqual(
    Object.fromEntries([...r].map(([a, x]) => [a, `${x.up ? 'up' : 'down'} ${x.reason}`])),
    {
      '127.0.0.1': 'up localhost-response',
      '198.18.200.10': 'up arp-response',
      '198.18.200.11': 'down no-response',
      '198.18.200.255': 'down no-response',
      '198.18.201.10': 'up echo-reply',
      '198.18.201.11': 'down no-response',
      '192.0.2.1': 'down no-route',
    },
  );
  assert.deepEqual([...new Set(f.sends.map((s) => `${s.address} ${s.method}`))].sort(), ['198.18.200.10 neighbour', '198.18.200.11 neighbour', '198.18.201.10 probes', '198.18.201.11 probes']);
  assert.deepEqual(r.get('198.18.201.10'), { address: '198.18.201.10', family: 4, up: true, reason: 'echo-reply', ttl: 63, rttMs: 1 });
  assert.deepEqual([...f.closed].sort(), ['neighbour', 'probes'], 'every pinger is closed at the end');
});

test('discoverHosts without privilege or without the addon falls back to connects', async () => {
  for (const [privileged, raw, want] of [
    [false, true, ['198.18.200.10 connect', '198.18.201.10 connect']],
    [true, false, ['198.18.200.10 neighbour', '198.18.201.10 connect']],
  ] as const) {
    const f = fake(() => [[1, ECHO]], raw);
    await collect(v4('198.18.200.10', '198.18.201.10'), { privileged }, f);
    assert.deepEqual(f.sends.map((s) => `${s.address} ${s.method}`).sort(), want);
  }
});

test('discoverHosts tries a silent host retries + 1 times, timeoutMs apart, then says no-response', async () => {
  const f = fake(() => []);
  const r = await collect(v4('198.18.201.11'), { retries: 2, timeoutMs: 30 }, f);
  assert.equal(r.get('198.18.201.11')!.reason, 'no-response');
  assert.equal(f.sends.length, 3);
  const gaps = f.sends.slice(1).map((s, i) => s.at - f.sends[i]!.at);
  assert.ok(gaps.every((g) => g >= 28), `tries ${gaps.join(', ')} ms apart`);
});

test('discoverHosts answers on the second try count, and a late first answer still counts', async () => {
  const f = fake((_a, _m, n) => (n === 2 ? [[5, ECHO]] : []));
  const r = await collect(v4('198.18.201.12'), { retries: 3 }, f);
  assert.equal(r.get('198.18.201.12')!.reason, 'echo-reply');
  assert.equal(f.sends.length, 2);
  const late = fake((_a, _m, n) => (n === 1 ? [[60, ECHO]] : []));
  const r2 = await collect(v4('198.18.201.13'), { timeoutMs: 40, retries: 1 }, late);
  assert.equal(r2.get('198.18.201.13')!.up, true, 'an answer to try 1 during try 2');
});

test("discoverHosts keeps a router's unreachable as the reason but lets an answer win", async () => {
  const f = fake((address) => (address.endsWith('.20') ? [[1, ROUTER]] : [[1, ROUTER], [10, ECHO]]));
  const r = await collect(v4('198.18.201.20', '198.18.201.21'), {}, f);
  assert.deepEqual(r.get('198.18.201.20'), { address: '198.18.201.20', family: 4, up: false, reason: 'host-unreach', ttl: 64 });
  assert.equal(r.get('198.18.201.21')!.reason, 'echo-reply');
  assert.equal(f.sends.filter((s) => s.address.endsWith('.20')).length, 2, 'a sign of down does not end the tries');
});

test('discoverHosts holds no more than `window` hosts, pulled targets included, with a slow consumer', async () => {
  const f = fake((address) => (Number(address.split('.')[3]) % 3 === 0 ? [[2, ECHO]] : []));
  let pulled = 0;
  let yielded = 0;
  let worst = 0;
  function* targets(): Generator<DiscoveryTarget> {
    for (let i = 1; i <= 200; i++) {
      pulled++;
      worst = Math.max(worst, pulled - yielded);
      yield { address: `198.18.201.${i}`, family: 4 };
    }
  }
  for await (const _ of discoverHosts(targets(), { privileged: true, timeoutMs: 10, retries: 0, window: 16 }, f.deps)) {
    yielded++;
    await new Promise((r) => setTimeout(r, 1)); // a consumer slower than the answers
  }
  assert.equal(yielded, 200);
  assert.ok(f.peak <= 16, `peak ${f.peak} hosts registered`);
  assert.ok(worst <= 17, `${worst} targets pulled and not yet reported`);
});

test('discoverHosts takes targets from an async iterable', async () => {
  const f = fake(() => [[1, ECHO]]);
  async function* targets(): AsyncGenerator<DiscoveryTarget> {
    for (const t of v4('198.18.201.1', '198.18.201.2')) {
      await new Promise((r) => setTimeout(r, 1));
      yield t;
    }
  }
  const r = await collect(targets(), {}, f);
  assert.deepEqual([...r.keys()].sort(), ['198.18.201.1', '198.18.201.2']);
});

test('discoverHosts paces tries to maxRate packets per second', async () => {
  const f = fake(() => [[1, ECHO]]);
  const started = performance.now();
  // 30 tries of 4 packets at 400/s, a burst of 20 allowed: at least (120 - 20) / 400 s.
  await collect(v4(...Array.from({ length: 30 }, (_, i) => `198.18.201.${i + 1}`)), { maxRate: 400 }, f);
  const elapsed = performance.now() - started;
  assert.equal(f.sends.length, 30);
  assert.ok(elapsed >= 230, `took ${elapsed.toFixed(0)} ms`);
  assert.ok(elapsed < 1500, `took ${elapsed.toFixed(0)} ms`);
});

test('discoverHosts throws PC_ABORTED when the signal aborts, and closes its pingers', async () => {
  const f = fake(() => []);
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 20);
  await assert.rejects(collect(v4('198.18.201.1', '198.18.201.2'), { signal: ac.signal, timeoutMs: 1000 }, f), (err) => isPortcullisError(err, 'PC_ABORTED'));
  assert.deepEqual([...f.closed], ['probes']);
  await assert.rejects(collect(v4('198.18.201.1'), { signal: AbortSignal.abort() }, fake(() => [])), (err) => isPortcullisError(err, 'PC_ABORTED'));
});

test('discoverHosts stops and closes when the consumer breaks out', async () => {
  const f = fake((address) => (address.endsWith('.1') ? [[1, ECHO]] : []));
  let returned = false;
  const targets: Iterable<DiscoveryTarget> = {
    [Symbol.iterator]() {
      let i = 0;
      return {
        next: () => ({ done: false, value: { address: `198.18.201.${(i++ % 250) + 1}`, family: 4 } }),
        return: () => {
          returned = true;
          return { done: true, value: undefined };
        },
      };
    },
  };
  for await (const r of discoverHosts(targets, { privileged: true, timeoutMs: 5000, window: 4 }, f.deps)) {
    assert.equal(r.address, '198.18.201.1');
    break;
  }
  assert.ok(returned, 'the endless target iterator was closed');
  assert.deepEqual([...f.closed], ['probes']);
});

test('discoverHosts passes on a pinger failure', async () => {
  const f = fake(() => []);
  const run = collect(v4('198.18.201.1'), { timeoutMs: 1000 }, f);
  setTimeout(() => f.fatal?.(new Error('socket gone')), 10);
  await assert.rejects(run, /socket gone/);
});

test('discoverHosts refuses an address of the wrong family', async () => {
  await assert.rejects(collect([{ address: '198.18.201.1', family: 6 }], {}, fake(() => [])), (err) => isPortcullisError(err, 'PC_INVALID_TARGET'));
  await assert.rejects(collect([{ address: 'example.com', family: 4 }], {}, fake(() => [])), (err) => isPortcullisError(err, 'PC_INVALID_TARGET'));
});

test('discoverHosts reads the routes only once a target is not loopback', async () => {
  let reads = 0;
  const deps = (): Partial<DiscoveryDeps> => ({ ...fake(() => []).deps, paths: () => (reads++, Promise.resolve({ fromRoutingTable: true, pathTo: fakePath })) });
  const local = [];
  for await (const r of discoverHosts([...v4('127.0.0.1', '127.0.0.2'), { address: '::1', family: 6 }], { privileged: true }, deps())) local.push(`${r.address} ${r.reason}`);
  assert.deepEqual(local.sort(), ['127.0.0.1 localhost-response', '127.0.0.2 localhost-response', '::1 localhost-response']);
  assert.equal(reads, 0);
  const mixed = await collect(v4('127.0.0.1', '198.18.201.11'), {}, { ...fake(() => []), deps: deps() });
  assert.equal(mixed.get('198.18.201.11')?.reason, 'no-response');
  assert.equal(reads, 1);
});
