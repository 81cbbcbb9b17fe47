/**
 * Our source address towards each target, as the routing table picks it: raw probes need it
 * for the TCP checksum and the cookie. Connecting a UDP socket asks the routing table without
 * sending anything (raw/source.ts does the same with a socket per lookup). Discovery may ask
 * for a /16, so here one socket per family serves every lookup in turn: connect, read the
 * local address, disconnect (Linux forgets the chosen source on disconnect when the socket
 * was bound to the wildcard address). About 40,000 lookups a second, one descriptor.
 */
import { createSocket, type Socket } from 'node:dgram';

interface Ask {
  readonly address: string;
  readonly resolve: (local: string) => void;
  readonly reject: (err: Error) => void;
}

/** Serial source-address lookups over one UDP socket per family. */
export class SourceLookup {
  private readonly sockets = new Map<4 | 6, Promise<Socket>>();
  private readonly queues = new Map<4 | 6, Ask[]>();
  private readonly busy = new Set<4 | 6>();
  private closed = false;

  /** The local address the kernel would send from to `address`; rejects with the routing error (ENETUNREACH, ...). */
  lookup(address: string, family: 4 | 6): Promise<string> {
    if (this.closed) return Promise.reject(new Error('source lookup closed'));
    return new Promise((resolve, reject) => {
      const q = this.queues.get(family) ?? [];
      this.queues.set(family, q);
      q.push({ address, resolve, reject });
      if (!this.busy.has(family)) void this.drain(family);
    });
  }

  /** Closes the sockets; lookups still queued are rejected. */
  close(): void {
    this.closed = true;
    for (const q of this.queues.values()) for (const a of q.splice(0)) a.reject(new Error('source lookup closed'));
    for (const s of this.sockets.values()) void s.then((sock) => sock.close(), () => undefined);
    this.sockets.clear();
  }

  private socket(family: 4 | 6): Promise<Socket> {
    let s = this.sockets.get(family);
    if (s === undefined) {
      s = new Promise((resolve, reject) => {
        const sock = createSocket(family === 6 ? 'udp6' : 'udp4');
        sock.once('error', reject);
        sock.bind(0, family === 6 ? '::' : '0.0.0.0', () => {
          sock.removeListener('error', reject);
          sock.on('error', () => undefined); // connect errors come through their callbacks
          sock.unref();
          resolve(sock);
        });
      });
      this.sockets.set(family, s);
    }
    return s;
  }

  private async drain(family: 4 | 6): Promise<void> {
    this.busy.add(family);
    const q = this.queues.get(family)!;
    try {
      while (q.length > 0 && !this.closed) {
        const ask = q.shift()!;
        try {
          const sock = await this.socket(family);
          await new Promise<void>((res, rej) => sock.connect(9, ask.address, (err?: Error) => (err ? rej(err) : res())));
          const local = sock.address().address;
          sock.disconnect();
          ask.resolve(local);
        } catch (err) {
          ask.reject(err instanceof Error ? err : new Error(String(err)));
        }
      }
    } finally {
      this.busy.delete(family);
    }
  }
}
