import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectReplies, REPLY_FIELDS, type ReplyBatch, type SocketKind } from '../../src/scan/raw/replies.js';
import { RECV_HEADER } from '../../src/scan/raw/rawsock.js';
import { ReplyKind } from '../../src/core/packet/syn-reply.js';
import { KEY, LISTENER, LO6, OUR_PORT, TB6_HOST, TB6_US, packets as p } from '../fixtures/packets/captured.js';

/** One record as recvMany lays it out (see native/rawsock/rawsock.c). */
function record(fd: number, family: 4 | 6, pkt: Uint8Array, opts: { src?: Uint8Array; dst?: Uint8Array; ttl?: number; at?: number; cap?: number } = {}): Buffer {
  const cap = opts.cap ?? pkt.length;
  const r = Buffer.alloc(RECV_HEADER + cap);
  r.writeUInt16LE(cap, 0);
  r.writeUInt16LE(pkt.length, 2);
  r[4] = family;
  r[5] = opts.ttl ?? (family === 4 ? pkt[8]! : 0);
  r[6] = fd;
  if (opts.src !== undefined) r.set(opts.src, 12);
  if (opts.dst !== undefined) r.set(opts.dst, 28);
  r.writeDoubleLE(opts.at ?? 1000.5, 44);
  r.set(pkt.subarray(0, cap), RECV_HEADER);
  return r;
}

const KINDS: SocketKind[] = ['tcp', 'icmp', 'tcp', 'icmp'];
const ctx = { key: KEY, port: OUR_PORT };
const v6key = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function collect(...records: Buffer[]): (string | number)[][] {
  const out: ReplyBatch = [];
  collectReplies(Buffer.concat(records), KINDS, ctx, out);
  const rows: (string | number)[][] = [];
  for (let i = 0; i < out.length; i += REPLY_FIELDS) rows.push(out.slice(i, i + REPLY_FIELDS));
  return rows;
}

const cases: { name: string; records: Buffer[]; want: (string | number)[][] }[] = [
  { name: 'an IPv4 SYN-ACK', records: [record(0, 4, p.synAck4)], want: [['127.0.0.1', LISTENER, ReplyKind.SynAck, 64, 0, 0, '', 1000.5]] },
  { name: 'an IPv4 RST', records: [record(0, 4, p.rst4, { at: 7 })], want: [['127.0.0.1', 1, ReplyKind.Rst, 64, 0, 0, '', 7]] },
  { name: 'an IPv6 SYN-ACK, addresses and hop limit from the record', records: [record(2, 6, p.synAck6, { src: LO6, dst: LO6, ttl: 64 })], want: [[v6key(LO6), LISTENER, ReplyKind.SynAck, 64, 0, 0, '', 1000.5]] },
  { name: 'an ICMP error, keyed by the probed host', records: [record(1, 4, p.icmpAdmin4)], want: [['198.18.77.2', 2005, ReplyKind.Icmp, 64, 3, 13, '198.18.77.2', 1000.5]] },
  { name: 'an ICMPv6 error', records: [record(3, 6, p.icmpAdmin6, { src: TB6_HOST, dst: TB6_US, ttl: 64 })], want: [[v6key(TB6_HOST), 2005, ReplyKind.Icmp, 64, 1, 1, '2001:2:0:4d::2', 1000.5]] },
  { name: 'our own SYN, a neighbour advertisement and a reply from an unknown fd (nothing)', records: [record(0, 4, p.ownSyn4), record(3, 6, p.neighbourAdvert6, { src: TB6_HOST, dst: TB6_US }), record(7, 4, p.synAck4)], want: [] },
  { name: 'a TCP packet read on an ICMP socket (nothing)', records: [record(1, 4, p.synAck4)], want: [] },
  { name: 'a capture cut inside the TCP header (nothing), then a whole one', records: [record(0, 4, p.synAck4, { cap: 30 }), record(0, 4, p.rst4)], want: [['127.0.0.1', 1, ReplyKind.Rst, 64, 0, 0, '', 1000.5]] },
];
for (const c of cases) {
  test(`collectReplies reads ${c.name}`, () => {
    assert.deepEqual(collect(...c.records), c.want);
  });
}

test('collectReplies skips an IPv4 fragment that is not the first', () => {
  const frag = p.synAck4.slice();
  frag[7] = 1; // fragment offset 8 bytes: what follows the IP header is not a TCP header
  assert.deepEqual(collect(record(0, 4, frag)), []);
});
