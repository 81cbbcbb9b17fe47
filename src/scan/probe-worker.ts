/** Worker-thread entry of the WorkerProber: runs a connector and batches its outcomes back. */
import { parentPort, workerData } from 'node:worker_threads';
import { createConnector, type ConnectorChoice } from './tcp-connector.js';
import type { FromWorker, ToWorker } from './prober.js';

const port = parentPort;
if (port === null) throw new Error('probe-worker must run in a worker thread');

const hosts = new Map<number, { address: string; family: 4 | 6 }>();
let out: number[] = [];
let flushQueued = false;

function flush(): void {
  flushQueued = false;
  if (out.length === 0) return;
  const msg: FromWorker = { t: 'results', batch: out };
  out = [];
  port!.postMessage(msg);
}

const connector = createConnector((workerData as { connector: ConnectorChoice }).connector, (id, outcome, rtt) => {
  out.push(id, outcome, rtt);
  if (!flushQueued) {
    flushQueued = true;
    // setImmediate, not a microtask: gathers every completion of this event-loop turn.
    setImmediate(flush);
  }
});

port.on('message', (m: ToWorker) => {
  switch (m.t) {
    case 'host':
      hosts.set(m.ref, { address: m.address, family: m.family });
      break;
    case 'forget':
      hosts.delete(m.ref);
      break;
    case 'probe': {
      const b = m.batch;
      for (let i = 0; i + 3 < b.length; i += 4) {
        const h = hosts.get(b[i + 1]!);
        if (h === undefined) continue;
        connector.connect(b[i]!, h.address, h.family, b[i + 2]!, b[i + 3]!);
      }
      break;
    }
    case 'close':
      connector.close();
      flush();
      port.close();
      break;
  }
});
