/**
 * Loopback servers that replay a recorded service answer (test/fixtures/services/): a banner
 * fixture is sent on connect; any other is sent only to a connection whose first bytes are the
 * fixture's probe, and other probes get the connection closed, as a real service that does not
 * understand them would. TLS fixtures are served inside TLS with the test certificate. UDP
 * fixtures answer the probe datagram. Loopback only.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { ServiceFixture } from './service-fixtures.js';

/** A running replay server. */
export interface ReplayServer {
  readonly port: number;
  close(): Promise<void>;
}

const tlsFile = (name: string): Buffer => readFileSync(new URL(`../fixtures/tls/${name}`, import.meta.url));
/** The test certificate and key (test/fixtures/tls/README.md). */
export const TEST_CERT = { cert: tlsFile('rsa-cert.pem'), key: tlsFile('rsa-key.pem') };

function handle(sock: Socket, f: ServiceFixture, probe: Buffer): void {
  sock.on('error', () => undefined);
  if (probe.length === 0) {
    sock.write(f.bytes);
    return;
  }
  let got = Buffer.alloc(0);
  sock.on('data', (d: Buffer) => {
    got = Buffer.concat([got, d]);
    if (got.length < probe.length) {
      if (!probe.subarray(0, got.length).equals(got)) sock.destroy();
      return;
    }
    if (got.subarray(0, probe.length).equals(probe)) sock.write(f.bytes);
    else sock.destroy();
  });
}

/** Serves `f` on 127.0.0.1 port 0; `probe` is the bytes of the fixture's probe. */
export async function startReplay(f: ServiceFixture, probe: Buffer, alpn: readonly string[] = ['http/1.1']): Promise<ReplayServer> {
  if (f.proto === 'udp') {
    const s: UdpSocket = createSocket('udp4');
    s.on('message', (msg, rinfo) => {
      if (msg.equals(probe)) s.send(f.bytes, rinfo.port, rinfo.address);
    });
    await new Promise<void>((res) => s.bind(0, '127.0.0.1', () => res()));
    return { port: s.address().port, close: () => new Promise((res) => s.close(() => res())) };
  }
  const sockets = new Set<Socket>();
  const track = (sock: Socket): void => {
    sockets.add(sock);
    sock.once('close', () => sockets.delete(sock));
  };
  const server: Server = f.tls
    ? createTlsServer({ ...TEST_CERT, ALPNProtocols: [...alpn] }, (sock) => {
        track(sock);
        handle(sock, f, probe);
      })
    : createServer((sock) => {
        track(sock);
        handle(sock, f, probe);
      });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => res());
  });
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('no port');
  return {
    port: addr.port,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((res) => server.close(() => res()));
    },
  };
}
