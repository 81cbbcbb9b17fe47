/**
 * Drives a SYN prober the way the engine would, minus the adaptive timing: a fixed window of
 * probes in flight, and silent or Resource probes sent again up to `tries` times. Also a
 * crafted-packet sender for spoofing tests (IPPROTO_RAW: we write the IPv4 header ourselves).
 */
import { createSynProber, type IcmpDetail, type SynProber, type SynProberOptions } from '../../src/scan/syn-prober.js';
import { Outcome, type OutcomeCode } from '../../src/scan/outcome.js';
import { loadRawSock } from '../../src/scan/raw/rawsock.js';
import { internetChecksum, transportChecksum } from '../../src/core/packet/checksum.js';
import type { IcmpReason } from '../../src/core/types.js';

/** The last answer for one port, and how many probes it took. */
export interface PortAnswer {
  readonly outcome: OutcomeCode;
  readonly rttMs: number;
  readonly ttl: number | undefined;
  readonly reason: IcmpReason | undefined;
  readonly icmp: IcmpDetail | undefined;
  readonly tries: number;
}

/** Options for probePorts. */
export interface RunOptions {
  readonly window?: number;
  readonly timeoutMs?: number;
  readonly tries?: number;
  readonly prober?: SynProberOptions;
}

/** Probes every port of one host and resolves with each port's final answer. */
export async function probePorts(address: string, family: 4 | 6, ports: readonly number[], opts: RunOptions = {}): Promise<Map<number, PortAnswer>> {
  const window = opts.window ?? 256;
  const timeoutMs = opts.timeoutMs ?? 500;
  const maxTries = opts.tries ?? 3;
  const out = new Map<number, PortAnswer>();
  const tries = new Map<number, number>();
  const queue = [...ports];
  /** probe id → port; ids are never reused, so a late answer to an old id is visible as such. */
  const byId = new Map<number, number>();
  let nextId = 1;
  let inFlight = 0;
  let fatal: Error | undefined;
  let wake: () => void = () => undefined;
  const prober: SynProber = createSynProber(
    opts.prober ?? {},
    (id, outcome, rttMs, ttl, reason, icmp) => {
      const port = byId.get(id);
      if (port === undefined) throw new Error(`answer for unknown probe id ${id}`);
      byId.delete(id);
      inFlight--;
      const n = tries.get(port) ?? 1;
      if ((outcome === Outcome.Timeout || outcome === Outcome.Resource) && n < maxTries) {
        tries.set(port, n + 1);
        queue.push(port);
      } else {
        out.set(port, { outcome, rttMs, ttl, reason, icmp, tries: n });
      }
      wake();
    },
    (err) => {
      fatal = err;
      wake();
    },
  );
  try {
    prober.addHost(1, address, family);
    while (out.size < ports.length && fatal === undefined) {
      while (inFlight < window && queue.length > 0) {
        const port = queue.shift()!;
        const id = nextId++;
        byId.set(id, port);
        inFlight++;
        prober.probe(id, 1, port, timeoutMs);
      }
      await new Promise<void>((resolve) => (wake = resolve));
    }
    if (fatal !== undefined) throw fatal;
    return out;
  } finally {
    await prober.close();
  }
}

/** Sends hand-made IPv4 packets (IP header included) with an IPPROTO_RAW socket. */
export function rawIpv4Sender(): { send(packet: Uint8Array, dst: Uint8Array): void; close(): void } {
  const r = loadRawSock();
  if (!r.ok) throw new Error(r.reason);
  const api = r.api;
  const fd = api.open(4, 255);
  return {
    send(packet, dst) {
      const rec = Buffer.alloc(24 + packet.length);
      rec.writeUInt16LE(packet.length, 0);
      rec.set(dst, 8);
      rec.set(packet, 24);
      const res = api.sendMany(fd, 4, rec, 1);
      if (res.sent !== 1) throw new Error(`crafted packet not sent: ${String(res.code)}`);
    },
    close: () => api.close(fd),
  };
}

/** An IPv4 packet carrying a TCP segment with the given fields (no options), checksums filled. */
export function craftTcp4(f: { src: Uint8Array; dst: Uint8Array; sport: number; dport: number; seq: number; ack: number; flags: number; ttl?: number }): Uint8Array {
  const tcp = new Uint8Array(20);
  const tv = new DataView(tcp.buffer);
  tv.setUint16(0, f.sport);
  tv.setUint16(2, f.dport);
  tv.setUint32(4, f.seq >>> 0);
  tv.setUint32(8, f.ack >>> 0);
  tcp[12] = 5 << 4;
  tcp[13] = f.flags;
  tv.setUint16(14, 65535);
  tv.setUint16(16, transportChecksum(f.src, f.dst, 6, tcp));
  const ip = new Uint8Array(20 + tcp.length);
  const iv = new DataView(ip.buffer);
  ip[0] = 0x45;
  iv.setUint16(2, ip.length);
  ip[8] = f.ttl ?? 64;
  ip[9] = 6;
  ip.set(f.src, 12);
  ip.set(f.dst, 16);
  iv.setUint16(10, internetChecksum(ip, 0, 20));
  ip.set(tcp, 20);
  return ip;
}
