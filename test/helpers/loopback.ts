/** Loopback fixtures: listeners on port 0, and ports known to be closed. Loopback only. */
import { createServer, type Server } from 'node:net';

/** Listeners on ephemeral loopback ports; close() stops them all. */
export interface Listeners {
  readonly ports: number[];
  close(): Promise<void>;
}

/** Starts `n` TCP listeners on `host` (127.0.0.1 or ::1) that accept and drop connections. */
export async function startListeners(n: number, host = '127.0.0.1'): Promise<Listeners> {
  const servers: Server[] = [];
  const ports: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = createServer((sock) => {
      sock.on('error', () => undefined);
      sock.destroy();
    });
    await new Promise<void>((res, rej) => {
      s.once('error', rej);
      s.listen(0, host, () => res());
    });
    const addr = s.address();
    if (addr === null || typeof addr === 'string') throw new Error('no port');
    servers.push(s);
    ports.push(addr.port);
  }
  return {
    ports,
    close: () => Promise.all(servers.map((s) => new Promise<void>((res) => s.close(() => res())))).then(() => undefined),
  };
}

/** Ports that were free a moment ago on `host` (bound and released); nothing listens there now. */
export async function closedPorts(n: number, host = '127.0.0.1'): Promise<number[]> {
  const l = await startListeners(n, host);
  await l.close();
  return l.ports;
}
