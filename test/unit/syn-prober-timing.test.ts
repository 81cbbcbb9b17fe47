/**
 * The SYN prober's timeouts against a scripted receive thread and a fake addon (no packets):
 * a probe times out only once the receive thread has read past its deadline, and a late answer
 * to a timed-out try settles the retry that is still waiting to be sent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { addressKey } from '../../src/core/packet/address.js';
import { ReplyKind } from '../../src/core/packet/syn-reply.js';
import { Outcome, type OutcomeCode } from '../../src/scan/outcome.js';
import { monotonicMs } from '../../src/scan/raw/clock.js';
import type { RawSockApi } from '../../src/scan/raw/rawsock.js';
import type { FromReceiver, ToReceiver } from '../../src/scan/raw/receive-worker.js';
import { SynProber, type ReceiveThread } from '../../src/scan/syn-prober.js';

const LO = addressKey(Uint8Array.from([127, 0, 0, 1]));

class ScriptedThread extends EventEmitter implements ReceiveThread {
  postMessage(m: ToReceiver): void {
    if (m.t === 'fds') queueMicrotask(() => this.emit('message', { t: 'reading', fds: m.fds } satisfies FromReceiver));
    else queueMicrotask(() => this.emit('exit', 0));
  }
  terminate(): void {}
  /** Replies (RSTs from 127.0.0.1 at the given ports and arrival times) and a horizon. */
  reply(horizon: number, ...rsts: [port: number, at: number][]): void {
    const batch = rsts.flatMap(([port, at]) => [LO, port, ReplyKind.Rst, 64, 0, 0, '', at]);
    this.emit('message', { t: 'replies', batch, horizon } satisfies FromReceiver);
  }
}

function fakeApi(): RawSockApi & { sends: number } {
  let fd = 100;
  return {
    sends: 0,
    abiVersion: 2,
    open: () => fd++,
    sendMany(_fd, _family, _batch, count) {
      this.sends += count;
      return { sent: count, code: null };
    },
    recvMany: () => Buffer.alloc(0),
    attachFilter: () => undefined,
    close: () => undefined,
  };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > 2000) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

test('SYN prober does not time a probe out before the receive thread has read past its deadline', async () => {
  const api = fakeApi();
  const thread = new ScriptedThread();
  const results = new Map<number, { outcome: OutcomeCode; rtt: number }>();
  const prober = new SynProber(api, { receiver: () => thread, sourcePort: 40000 }, (id, outcome, rtt) => results.set(id, { outcome, rtt }), (err) => assert.fail(err));
  try {
    prober.addHost(1, '127.0.0.1', 4);
    prober.probe(1, 1, 80, 40);
    await until(() => api.sends === 1, 'the SYN');
    const sentAt = monotonicMs();
    // Four timeouts pass on the clock, but the receive thread has not read past the deadline
    // (its horizon stays at the send): the answer may be waiting unread.
    thread.reply(sentAt - 1);
    await sleep(160);
    assert.equal(results.size, 0, 'timed out while the reply could still be unread');
    // It was: it arrived 5 ms after the SYN.
    thread.reply(monotonicMs(), [80, sentAt + 5]);
    await until(() => results.has(1), 'the answer');
    assert.equal(results.get(1)?.outcome, Outcome.Refused);
    // (sentAt here is read a little after the prober's own, so the rtt is 5 ms plus that lag)
    assert.ok(results.get(1)!.rtt >= 5 && results.get(1)!.rtt < 40, `rtt ${results.get(1)!.rtt}`);

    // Once the thread has read past the deadline, silence is a timeout.
    prober.probe(2, 1, 81, 40);
    await until(() => api.sends === 2, 'the second SYN');
    await sleep(50);
    thread.reply(monotonicMs());
    await until(() => results.has(2), 'the timeout');
    assert.equal(results.get(2)?.outcome, Outcome.Timeout);
  } finally {
    await prober.close();
  }
});

test('SYN prober gives a late answer to a timed-out try to the retry still waiting to be sent', async () => {
  const api = fakeApi();
  const thread = new ScriptedThread();
  const results = new Map<number, { outcome: OutcomeCode; rtt: number }>();
  const prober = new SynProber(api, { receiver: () => thread, sourcePort: 40000 }, (id, outcome, rtt) => results.set(id, { outcome, rtt }), (err) => assert.fail(err));
  try {
    prober.addHost(1, '127.0.0.1', 4);
    prober.probe(1, 1, 443, 30);
    await until(() => api.sends === 1, 'the SYN');
    const sentAt = monotonicMs();
    await sleep(40);
    thread.reply(monotonicMs());
    await until(() => results.has(1), 'the timeout');
    assert.equal(results.get(1)?.outcome, Outcome.Timeout);
    // The retry is held back (the thread says it reads no socket now), and the first try's
    // answer turns up late: it decides the port, with the first try's round trip.
    thread.emit('message', { t: 'reading', fds: [] } satisfies FromReceiver);
    prober.probe(2, 1, 443, 30, 2);
    await sleep(5);
    assert.equal(api.sends, 1, 'the retry went out');
    thread.reply(monotonicMs(), [443, sentAt + 45]);
    await until(() => results.has(2), 'the late answer');
    assert.equal(results.get(2)?.outcome, Outcome.Refused);
    assert.ok(results.get(2)!.rtt >= 45 && results.get(2)!.rtt < 80, `rtt ${results.get(2)!.rtt}`);
  } finally {
    await prober.close();
  }
});
