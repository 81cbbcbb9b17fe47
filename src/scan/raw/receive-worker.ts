/**
 * Worker-thread entry of the SYN prober's receive side: blocks in recvMany on the raw sockets
 * (a blocking call is fine here, and cheaper than waking the main loop per packet), keeps only
 * the packets that carry our cookie, and posts them back in batches.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadRawSock } from './rawsock.js';
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

/** Messages from the receive worker: the fds it reads from now on; replies (each with its arrival time). */
export type FromReceiver = { readonly t: 'reading'; readonly fds: readonly number[] } | { readonly t: 'replies'; readonly batch: ReplyBatch };

/** How long one recvMany call may block: bounds how late a new fd list or terminate() takes effect. */
const POLL_MS = 20;
/** Packets read per call at most. */
const MAX_PACKETS = 1024;

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

  const loop = (): void => {
    if (stopped) return;
    const buf = api.recvMany(fds, POLL_MS, MAX_PACKETS);
    if (buf.length > 0) {
      const batch: ReplyBatch = [];
      collectReplies(buf, kinds, ctx, batch);
      if (batch.length > 0) port.postMessage({ t: 'replies', batch } satisfies FromReceiver);
    }
    // setImmediate, not a loop: lets a new fd list (a message) in between calls.
    setImmediate(loop);
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
