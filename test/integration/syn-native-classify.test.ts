/**
 * The native packet thread (native/rawsock/syn.c) reads replies by the same rules as the
 * TypeScript classifier (core/packet/syn-reply.ts, with the ICMP codes of icmp-outcome.ts):
 * every case of the shared table, then every truncation and thousands of seeded corruptions of
 * each packet — hostile input for a parser in C — give the same answer from both.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplyKind, classifyIcmp, classifyTcp, type SynReply } from '../../src/core/packet/syn-reply.js';
import { loadNativeSyn } from '../../src/scan/raw/rawsock.js';
import { unreachReason } from '../../src/scan/raw/icmp-outcome.js';
import { icmpCases, tcpCases } from '../fixtures/packets/syn-reply-cases.js';

const loaded = loadNativeSyn();
if (!loaded.ok) console.log(`# skipping native classifier tests: ${loaded.reason}`);
const skip = !loaded.ok && loaded.reason;

type Seen = { code: number; port: number; ttl: number; type: number; icode: number; target: string } | null;
const CODE = { [ReplyKind.SynAck]: 0, [ReplyKind.Rst]: 1, [ReplyKind.Icmp]: 2 } as const;

/** The TypeScript answer as the packet thread reports answers (ICMP errors that settle nothing are none). */
function expected(r: SynReply | null): Seen {
  if (r === null) return null;
  if (r.kind === ReplyKind.Icmp && unreachReason(r.family, r.icmpType, r.icmpCode) === null) return null;
  return { code: CODE[r.kind], port: r.port, ttl: r.ttl, type: r.icmpType, icode: r.icmpCode, target: Buffer.from(r.target).toString('hex') };
}

type Case = { c: { key: Uint8Array; port: number; span?: number }; family: 4 | 6; tcp: boolean; msg: Uint8Array; from: Uint8Array; to: Uint8Array };

function native(k: Case): Seen {
  if (!loaded.ok) throw new Error(loaded.reason);
  const r = loaded.api.classify(k.c.key, k.c.port, k.c.span ?? 1, k.family, k.tcp, k.msg, k.from, k.to, 57);
  if (r === null) return null;
  const [code, port, ttl, type, icode, target] = r;
  return { code, port, ttl, type, icode, target: target.toString('hex') };
}

function typescript(k: Case): Seen {
  const r = k.tcp ? classifyTcp(k.c, k.family, k.msg, 0, k.msg.length, k.from, k.to, 57) : classifyIcmp(k.c, k.family, k.msg, 0, k.msg.length, k.from, 57);
  return expected(r);
}

const cases: (Case & { name: string })[] = [
  ...tcpCases.map((t) => ({ name: t.name, c: t.c, family: t.family, tcp: true, msg: t.pkt.subarray(t.off), from: t.from, to: t.to })),
  ...icmpCases.map((t) => ({ name: t.name, c: t.c, family: t.family, tcp: false, msg: t.pkt.subarray(t.off), from: t.from, to: t.from })),
];

for (const k of cases) {
  test(`native classifier agrees: ${k.name}`, { skip }, () => {
    assert.deepEqual(native(k), typescript(k));
  });
}

test('native classifier agrees on every truncation and on seeded corruptions of every packet', { skip }, () => {
  let seed = 0x2545f491;
  const rnd = (n: number): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  let answered = 0;
  let compared = 0;
  for (const k of cases) {
    for (let len = 0; len <= k.msg.length; len++) {
      const t = { ...k, msg: k.msg.slice(0, len) };
      assert.deepEqual(native(t), typescript(t), `${k.name}, first ${len} bytes`);
      compared++;
    }
    for (let i = 0; i < 400; i++) {
      const msg = k.msg.slice(0, k.msg.length - (i % 3 === 0 ? rnd(Math.min(8, k.msg.length + 1)) : 0));
      const flips = 1 + rnd(3);
      // Mostly the header bytes a parser decides on: type, code, lengths, versions, ports, flags.
      for (let f = 0; f < flips && msg.length > 0; f++) msg[rnd(Math.min(msg.length, i % 2 === 0 ? 48 : msg.length))] = rnd(256);
      const t = { ...k, msg };
      const want = typescript(t);
      if (want !== null) answered++;
      assert.deepEqual(native(t), want, `${k.name}, corruption ${i}: ${Buffer.from(msg).toString('hex')}`);
      compared++;
    }
  }
  // The corruptions must not all be rejected outright, or the comparison says little.
  assert.ok(answered > 100, `only ${answered} of ${compared} variants were answers`);
});
