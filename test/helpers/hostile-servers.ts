/**
 * Hostile services on loopback, one per behaviour, for the -sV bounds tests: banners full of
 * terminal escapes and markup, NUL bytes, megabytes of junk, a slow drip that never ends, an
 * immediate close, TLS-looking garbage, and silence. Each listens on 127.0.0.1 port 0; close()
 * stops them all and drops their connections. Loopback only.
 */
import { createServer, type Server, type Socket } from 'node:net';

/** The behaviours, by name. */
export const HOSTILE_KINDS = ['ansi-banner', 'nul-banner', 'megabytes', 'slow-drip', 'immediate-close', 'tls-garbage', 'silence'] as const;
export type HostileKind = (typeof HOSTILE_KINDS)[number];

/** The banner with escapes: an SSH identification whose comment carries ESC sequences, an OSC title, markup, a spreadsheet formula and a NUL. */
export const ANSI_BANNER = 'SSH-2.0-OpenSSH_9.9 =HYPERLINK("http://x.invalid")<b>&"\'\u001b[31mred\u001b]0;pwned\u0007\u0000\r\n';
/** A banner with NULs around an FTP greeting. */
export const NUL_BANNER = '220 \u0000\u0000evil\u0000 FTP\u0000 ready\r\n';

/** Running hostile servers. */
export interface HostileServers {
  readonly ports: Readonly<Record<HostileKind, number>>;
  close(): Promise<void>;
}

function behave(kind: HostileKind, sock: Socket, timers: Set<NodeJS.Timeout>): void {
  sock.on('error', () => undefined);
  const every = (ms: number, fn: () => void): void => {
    const t = setInterval(() => {
      if (sock.destroyed) {
        clearInterval(t);
        timers.delete(t);
        return;
      }
      fn();
    }, ms);
    timers.add(t);
    sock.once('close', () => {
      clearInterval(t);
      timers.delete(t);
    });
  };
  switch (kind) {
    case 'ansi-banner':
      sock.write(Buffer.from(ANSI_BANNER, 'latin1'));
      return;
    case 'nul-banner':
      sock.write(Buffer.from(NUL_BANNER, 'latin1'));
      return;
    case 'megabytes': {
      // 4 MiB of junk, then close: far past any read bound.
      const chunk = Buffer.alloc(64 * 1024, 0x41);
      let left = 64;
      const pump = (): void => {
        while (left > 0) {
          left--;
          if (!sock.write(chunk)) {
            sock.once('drain', pump);
            return;
          }
        }
        sock.end();
      };
      pump();
      return;
    }
    case 'slow-drip':
      // A byte every 50 ms, for ever: never quiet long enough to end a read.
      every(50, () => sock.write('x'));
      return;
    case 'immediate-close':
      sock.destroy();
      return;
    case 'tls-garbage':
      // A TLS handshake record header with a lying length, then noise, to whatever is sent.
      sock.write(Buffer.concat([Buffer.from([0x16, 0x03, 0x01, 0x40, 0x00]), Buffer.alloc(200, 0xee)]));
      sock.on('data', () => sock.write(Buffer.alloc(300, 0x17)));
      return;
    case 'silence':
      return;
  }
}

/** Starts one server per hostile behaviour on `host` (loopback). */
export async function startHostileServers(host = '127.0.0.1'): Promise<HostileServers> {
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const ports = {} as Record<HostileKind, number>;
  for (const kind of HOSTILE_KINDS) {
    const s = createServer((sock) => {
      sockets.add(sock);
      sock.once('close', () => sockets.delete(sock));
      behave(kind, sock, timers);
    });
    await new Promise<void>((res, rej) => {
      s.once('error', rej);
      s.listen(0, host, () => res());
    });
    const addr = s.address();
    if (addr === null || typeof addr === 'string') throw new Error('no port');
    ports[kind] = addr.port;
    servers.push(s);
  }
  return {
    ports,
    close: async () => {
      for (const t of timers) clearInterval(t);
      for (const sock of sockets) sock.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((res) => s.close(() => res()))));
    },
  };
}
