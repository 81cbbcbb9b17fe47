/**
 * The SYN prober's JS half against a scripted packet thread (no addon, no packets): what it
 * hands the thread, and how each result code becomes an outcome — answers with their TTL,
 * ICMP unreachables with nmap's reason and the sender, silence, and send errors (a full queue
 * is Resource, for the engine to send again; a firewall's EPERM is admin-prohibited).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Outcome, type OutcomeCode } from '../../src/scan/outcome.js';
import type { NativeSynApi, NativeSynContext, RawSockApi } from '../../src/scan/raw/rawsock.js';
import { SynProber, type IcmpDetail } from '../../src/scan/syn-prober.js';
import type { IcmpReason } from '../../src/core/types.js';

interface Scripted {
  api: RawSockApi;
  /** What the prober handed over: host registrations and probes [id, slot, port, timeout, try]. */
  hosts: { slot: number; family: number; src: number[]; dst: number[] }[];
  probes: number[][];
  refs: boolean[];
  /** Delivers result records as the packet thread would. */
  deliver(records: { f: number[]; from?: number[] }[]): void;
}

function scripted(): Scripted {
  let callback: (count: number) => void = () => undefined;
  let results: Float64Array = new Float64Array(0);
  let froms: Uint8Array = new Uint8Array(0);
  const s: Scripted = {
    hosts: [],
    probes: [],
    refs: [],
    deliver(records) {
      records.forEach((r, i) => {
        results.set(r.f, 8 * i);
        froms.set(r.from ?? [], 16 * i);
      });
      callback(records.length);
    },
    api: undefined as unknown as RawSockApi,
  };
  const ctx = {} as NativeSynContext;
  const syn: NativeSynApi = {
    create(cb, res, fr) {
      callback = cb;
      results = res;
      froms = fr;
      return ctx;
    },
    watch: () => undefined,
    host: (_c, slot, family, src, dst) => void s.hosts.push({ slot, family, src: [...src], dst: [...dst] }),
    forget: () => undefined,
    submit(_c, requests, count) {
      for (let i = 0; i < count; i++) s.probes.push([...requests.subarray(5 * i, 5 * i + 5)]);
    },
    ref: (_c, on) => void s.refs.push(on),
    close: () => undefined,
    cookie: () => 0,
    classify: () => null,
    maxResults: 1024,
    resultFields: 8,
  };
  let fd = 100;
  s.api = {
    abiVersion: 4,
    open: () => fd++,
    sendMany: () => ({ sent: 0, code: null }),
    recvMany: () => Buffer.alloc(0),
    attachFilter: () => undefined,
    close: () => undefined,
    // The routing table: our address is the target's own (loopback), but 198.18.9.9 has no route.
    sourceFor: (_family, dst) => {
      if (dst.join('.') === '198.18.9.9') throw Object.assign(new Error('connect: Network is unreachable'), { code: 'ENETUNREACH' });
      return Uint8Array.from(dst);
    },
    tcpPortFree: () => true,
    syn,
  };
  return s;
}

type Got = { outcome: OutcomeCode; rtt: number; ttl?: number; reason?: IcmpReason; icmp?: IcmpDetail };

async function until(cond: () => boolean, what: string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > 2000) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

test('SYN prober hands probes to the packet thread and maps every result code', async () => {
  const s = scripted();
  const got = new Map<number, Got>();
  const prober = new SynProber(s.api, { sourcePort: 40000 }, (id, outcome, rtt, ttl, reason, icmp) => got.set(id, { outcome, rtt, ttl, reason, icmp }), (err) => assert.fail(err));
  try {
    prober.addHost(7, '127.0.0.1', 4);
    for (let id = 1; id <= 8; id++) prober.probe(id, 7, 1000 + id, 250, id === 8 ? 3 : 1);
    // The routing lookup answers first: the host is registered, then its probes go out in one batch.
    await until(() => s.probes.length === 8, 'the probes');
    assert.deepEqual(s.hosts, [{ slot: 0, family: 4, src: [127, 0, 0, 1], dst: [127, 0, 0, 1] }]);
    assert.deepEqual(s.probes[0], [1, 0, 1001, 250, 1]);
    assert.deepEqual(s.probes[7], [8, 0, 1008, 250, 3]);
    assert.deepEqual(s.refs, [true], 'pending probes keep the loop alive');
    const { EPERM, ENOBUFS, EAGAIN, EHOSTUNREACH } = constants.errno;
    s.deliver([
      { f: [1, 0, 0.25, 64, 0, 0, 0, 0] },
      { f: [2, 1, 0.5, 63, 0, 0, 0, 0] },
      { f: [3, 2, 1.5, 60, 3, 13, 4, 0], from: [198, 18, 0, 1] },
      { f: [4, 3, 250.7, 0, 0, 0, 0, 0] },
      { f: [5, -EPERM, 0, 0, 0, 0, 0, 0] },
      { f: [6, -ENOBUFS, 0, 0, 0, 0, 0, 0] },
      { f: [7, -EAGAIN, 0, 0, 0, 0, 0, 0] },
      { f: [99, 0, 1, 64, 0, 0, 0, 0] }, // not ours (never asked, or already reported): ignored
    ]);
    s.deliver([
      { f: [8, -EHOSTUNREACH, 0, 0, 0, 0, 0, 0] },
      { f: [1, 1, 0.3, 64, 0, 0, 0, 0] }, // a second result for a reported probe: ignored
    ]);
    assert.deepEqual(Object.fromEntries(got), {
      1: { outcome: Outcome.Open, rtt: 0.25, ttl: 64, reason: undefined, icmp: undefined },
      2: { outcome: Outcome.Refused, rtt: 0.5, ttl: 63, reason: undefined, icmp: undefined },
      3: { outcome: Outcome.Icmp, rtt: 1.5, ttl: 60, reason: 'admin-prohibited', icmp: { type: 3, code: 13, from: '198.18.0.1' } },
      4: { outcome: Outcome.Timeout, rtt: 250.7, ttl: undefined, reason: undefined, icmp: undefined },
      5: { outcome: Outcome.AdminProhibited, rtt: 0, ttl: undefined, reason: undefined, icmp: undefined },
      6: { outcome: Outcome.Resource, rtt: 0, ttl: undefined, reason: undefined, icmp: undefined },
      7: { outcome: Outcome.Resource, rtt: 0, ttl: undefined, reason: undefined, icmp: undefined },
      8: { outcome: Outcome.HostUnreach, rtt: 0, ttl: undefined, reason: undefined, icmp: undefined },
    });
    assert.deepEqual(s.refs, [true, false], 'an idle prober lets the loop end');
  } finally {
    await prober.close();
  }
});

test('SYN prober: an IPv6 ICMP unreachable names its sender, and close() reports what is still out as silence', async () => {
  const s = scripted();
  const got = new Map<number, Got>();
  const prober = new SynProber(s.api, { sourcePort: 40000 }, (id, outcome, rtt, ttl, reason, icmp) => got.set(id, { outcome, rtt, ttl, reason, icmp }), (err) => assert.fail(err));
  prober.addHost(1, '::1', 6);
  prober.probe(1, 1, 80, 100);
  prober.probe(2, 1, 81, 100);
  await until(() => s.probes.length === 2, 'the probes');
  assert.equal(s.hosts[0]?.family, 6);
  s.deliver([{ f: [1, 2, 2, 64, 1, 4, 6, 0], from: [0x20, 1, 0, 2, ...new Array<number>(11).fill(0), 1] }]);
  assert.deepEqual(got.get(1), { outcome: Outcome.Icmp, rtt: 2, ttl: 64, reason: 'port-unreach', icmp: { type: 1, code: 4, from: '2001:2::1' } });
  await prober.close();
  assert.deepEqual(got.get(2), { outcome: Outcome.Timeout, rtt: 0, ttl: undefined, reason: undefined, icmp: undefined });
  // After close a probe is answered at once as silence, never handed over.
  prober.probe(3, 1, 82, 100);
  await until(() => got.has(3), 'the late probe');
  assert.equal(got.get(3)?.outcome, Outcome.Timeout);
  assert.equal(s.probes.length, 2);
});

test('SYN prober: a target the routing table cannot reach fails its probes as net-unreach, never handed over', async () => {
  const s = scripted();
  const got = new Map<number, Got>();
  let batchEnds = 0;
  const prober = new SynProber(s.api, { sourcePort: 40000 }, (id, outcome, rtt) => got.set(id, { outcome, rtt }), (err) => assert.fail(err), () => batchEnds++);
  prober.addHost(1, '198.18.9.9', 4);
  prober.addHost(2, '127.0.0.1', 4);
  prober.probe(1, 1, 80, 100);
  prober.probe(2, 2, 80, 100);
  await until(() => got.has(1) && s.probes.length === 1, 'the failed probe and the good one');
  assert.deepEqual(got.get(1), { outcome: Outcome.NetUnreach, rtt: 0 });
  assert.deepEqual(s.hosts.map((h) => h.slot), [1], 'only the reachable host is registered');
  assert.deepEqual(s.probes[0]?.slice(0, 3), [2, 1, 80]);
  assert.ok(batchEnds >= 1, 'the failure is followed by a batch end');
  await prober.close();
});
