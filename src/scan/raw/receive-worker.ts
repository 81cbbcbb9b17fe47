/**
 * Worker-thread entry of the SYN prober's receive side: blocks in recvMany on the raw sockets
 * (a blocking call is fine here, and cheaper than waking the main loop per packet), keeps only
 * the packets that carry our cookie, and posts them back in batches.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { monotonicMs } from './clock.js';
import { RECV_HEADER, loadRawSock } from './rawsock.js';
import { collectReplies, type ReplyBatch, type SocketKind } from './replies.js';

/** What the receive worker is started with. */
export interface ReceiveWorkerData {
  readonly key: Uint8Array;
  /** Our first source port, and how many follow it (see ReplyContext). */
  readonly port: number;
  readonly span: number;
}

/** Messages to the receive worker: the full list of sockets to read (sent again when it grows); stop reading and exit. */
export type ToReceiver = { readonly t: 'fds'; readonly fds: readonly number[]; readonly kinds: readonly SocketKind[] } | { readonly t: 'stop' };

/**
 * Messages from the receive worker: the fds it reads from now on; replies (each with its
 * arrival time) and the read horizon — a monotonic time before which every packet that arrived
 * on the sockets has been read and passed on (replies in this or an earlier message).
 */
export type FromReceiver = { readonly t: 'reading'; readonly fds: readonly number[] } | { readonly t: 'replies'; readonly batch: ReplyBatch; readonly horizon: number };

/** How long one recvMany call may block: bounds how late a new fd list or terminate() takes effect. */
const POLL_MS = 20;
/** Packets read per call at most. */
const MAX_PACKETS = 1024;
/** While nothing arrives, the horizon alone is posted this often (ms): it lets due probes time out. */
const HORIZON_EVERY_MS = 10;

const port = parentPort;
if (port !== null) {
  const loaded = loadRawSock();
  if (!loaded.ok) throw new Error(loaded.reason);
  const api = loaded.api;
  const data = workerData as ReceiveWorkerData;
  const ctx = { key: data.key, port: data.port, span: data.span };
  let fds: readonly number[] = [];
  let kinds: readonly SocketKind[] = [];
  let running = false;
  let stopped = false;

  let posted = 0;
  const loop = (): void => {
    if (stopped) return;
    // A call that returns fewer than MAX_PACKETS packets emptied every socket that poll found
    // ready, so whatever arrived before the call began has been read: that is the horizon. A
    // call that waited out its whole poll timeout and read nothing extends it to the timeout.
    const before = monotonicMs();
    const buf = api.recvMany(fds, POLL_MS, MAX_PACKETS);
    let horizon = -1;
    if (buf.length === 0) horizon = monotonicMs() - before >= POLL_MS ? before + POLL_MS : before;
    else if (countRecords(buf) < MAX_PACKETS) horizon = before;
    const batch: ReplyBatch = [];
    if (buf.length > 0) collectReplies(buf, kinds, ctx, batch);
    if (horizon >= 0 ? batch.length > 0 || horizon - posted >= HORIZON_EVERY_MS : batch.length > 0) {
      if (horizon > posted) posted = horizon;
      port.postMessage({ t: 'replies', batch, horizon: posted } satisfies FromReceiver);
    }
    // setImmediate, not a loop: lets a new fd list (a message) in between calls.
    setImmediate(loop);
  };

  /** Records in a recvMany result (see RECV_HEADER in rawsock.ts). */
  const countRecords = (buf: Buffer): number => {
    let n = 0;
    for (let off = 0; off + RECV_HEADER <= buf.length; off += RECV_HEADER + (buf[off]! | (buf[off + 1]! << 8))) n++;
    return n;
  };

  port.on('message', (m: ToReceiver) => {
    if (m.t === 'stop') {
      // Between two recvMany calls: the owner may close the fds once this thread has exited.
      stopped = true;
      port.close();
      return;
    }
    fds = m.fds;
    kinds = m.kinds;
    // Said before the next recvMany, which is the first to poll the new list.
    port.postMessage({ t: 'reading', fds } satisfies FromReceiver);
    if (!running && fds.length > 0) {
      running = true;
      setImmediate(loop);
    }
  });
}
