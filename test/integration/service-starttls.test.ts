import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { detectService, type ServiceProbeTiming } from '../../src/identify/service-prober.js';

const TLS_DIR = new URL('../fixtures/tls/', import.meta.url);
const key = readFileSync(new URL('rsa-key.pem', TLS_DIR));
const cert = readFileSync(new URL('rsa-cert.pem', TLS_DIR));
const FAST: Partial<ServiceProbeTiming> = { connectMs: 1000, bannerMs: 300, shortBannerMs: 100, readMs: 300, quietMs: 100, totalMs: 4000 };

/** How the server answers the upgrade command: go ahead and do TLS, refuse, or go ahead then send garbage. */
type Upgrade = 'tls' | 'refuse' | 'garbage';
const UPGRADE = Symbol('upgrade');

interface Dialect {
  readonly greeting: string;
  /** The answer to one command line, or UPGRADE for the STARTTLS command. */
  readonly answer: (line: string) => string | typeof UPGRADE;
  readonly positive: string;
  readonly negative: string;
}

const DIALECTS: Readonly<Record<'smtp' | 'imap' | 'pop3' | 'ftp', Dialect>> = {
  smtp: {
    greeting: '220 corpus.portcullis.test ESMTP Postfix (Debian/GNU)\r\n',
    answer: (l) => (/^EHLO /i.test(l) ? '250-corpus.portcullis.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-STARTTLS\r\n250 8BITMIME\r\n' : /^STARTTLS$/i.test(l) ? UPGRADE : '502 5.5.2 Error: command not recognized\r\n'),
    positive: '220 2.0.0 Ready to start TLS\r\n',
    negative: '454 4.7.0 TLS not available due to local problem\r\n',
  },
  imap: {
    greeting: '* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS LOGINDISABLED] Dovecot (Debian) ready.\r\n',
    answer: (l) => (/^\S+ STARTTLS$/i.test(l) ? UPGRADE : `${l.split(' ')[0] ?? '*'} BAD Error in IMAP command\r\n`),
    positive: 'a001 OK Begin TLS negotiation now.\r\n',
    negative: 'a001 NO [UNAVAILABLE] TLS not available.\r\n',
  },
  pop3: {
    greeting: '+OK Dovecot (Debian) ready.\r\n',
    answer: (l) => (/^STLS$/i.test(l) ? UPGRADE : '-ERR Unknown command.\r\n'),
    positive: '+OK Begin TLS negotiation now.\r\n',
    negative: '-ERR TLS support not configured.\r\n',
  },
  ftp: {
    greeting: '220 (vsFTPd 3.0.5)\r\n',
    answer: (l) => (/^AUTH TLS$/i.test(l) ? UPGRADE : '530 Please login with USER and PASS.\r\n'),
    positive: '234 Proceed with negotiation.\r\n',
    negative: '530 Please login with USER and PASS.\r\n',
  },
};

/** A loopback server speaking one dialect; after a positive upgrade reply it turns the socket into TLS with the test certificate. */
async function startServer(d: Dialect, mode: Upgrade): Promise<{ port: number; asked: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let asked = 0;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    socket.write(d.greeting);
    let buf = '';
    const onData = (chunk: Buffer): void => {
      buf += chunk.toString('latin1');
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i).replace(/\r$/, '');
        buf = buf.slice(i + 1);
        const a = d.answer(line);
        if (a !== UPGRADE) {
          socket.write(a);
          continue;
        }
        if (mode === 'refuse') {
          socket.write(d.negative);
          continue;
        }
        socket.off('data', onData);
        asked++;
        if (mode === 'garbage') {
          // A go-ahead, then plain text where the TLS server hello should be, then nothing.
          socket.write(d.positive);
          setTimeout(() => socket.write('this is not TLS\r\n'), 20);
          return;
        }
        socket.write(d.positive);
        const tls = new TLSSocket(socket, { isServer: true, key, cert });
        tls.on('error', () => undefined);
        return;
      }
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  assert.ok(addr !== null && typeof addr === 'object');
  return {
    port: addr.port,
    asked: () => asked,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

for (const [name, dialect] of Object.entries(DIALECTS)) {
  test(`service prober upgrades ${name} with its STARTTLS command and reads the certificate`, async () => {
    const server = await startServer(dialect, 'tls');
    try {
      const d = await detectService('127.0.0.1', server.port, 'tcp', { timing: FAST, servername: 'service.portcullis.test' });
      assert.equal(d.service?.name, name);
      assert.equal(d.tls?.via, 'starttls');
      assert.match(d.tls?.protocol ?? '', /^TLSv1\.[23]$/);
      assert.equal(d.tls?.cert?.commonName, 'service.portcullis.test');
      assert.equal(d.tls?.cert?.selfSigned, true);
      assert.equal(server.asked(), 1);
    } finally {
      await server.close();
    }
  });
}

test('service prober keeps the plain identification when the server refuses STARTTLS', async () => {
  for (const [name, dialect] of Object.entries(DIALECTS)) {
    const server = await startServer(dialect, 'refuse');
    try {
      const d = await detectService('127.0.0.1', server.port, 'tcp', { timing: FAST });
      assert.equal(d.service?.name, name);
      assert.equal(d.tls, undefined, name);
    } finally {
      await server.close();
    }
  }
});

test('service prober keeps the plain identification, within its bound, when garbage follows the go-ahead', async () => {
  // The TLS client waits for a whole "record" the garbage announces, so each costs up to connectMs.
  for (const [name, dialect] of Object.entries(DIALECTS)) {
    const server = await startServer(dialect, 'garbage');
    try {
      const t0 = performance.now();
      const d = await detectService('127.0.0.1', server.port, 'tcp', { timing: FAST });
      const ms = performance.now() - t0;
      assert.ok(ms < FAST.totalMs! + FAST.connectMs!, `${name} took too long`);
      assert.equal(d.service?.name, name);
      assert.equal(d.tls, undefined, name);
    } finally {
      await server.close();
    }
  }
});

test('service prober does not ask an SMTP server for STARTTLS it does not offer', async () => {
  const offerless: Dialect = { ...DIALECTS.smtp, answer: (l) => (/^EHLO /i.test(l) ? '250-corpus.portcullis.test\r\n250 8BITMIME\r\n' : /^STARTTLS$/i.test(l) ? UPGRADE : '502 5.5.2 Error\r\n') };
  const server = await startServer(offerless, 'tls');
  try {
    const d = await detectService('127.0.0.1', server.port, 'tcp', { timing: FAST });
    assert.equal(d.service?.name, 'smtp');
    assert.equal(d.tls, undefined);
    assert.equal(server.asked(), 0);
  } finally {
    await server.close();
  }
});

test('service prober stops a STARTTLS exchange promptly when the signal aborts', async () => {
  // The upgrade is answered, then the server is silent: the handshake would wait connectMs.
  const server = await startServer(DIALECTS.pop3, 'garbage');
  try {
    const ac = new AbortController();
    const t0 = performance.now();
    const pending = detectService('127.0.0.1', server.port, 'tcp', { signal: ac.signal });
    setTimeout(() => ac.abort(), 150);
    await pending;
    assert.ok(performance.now() - t0 < 1500, 'an aborted detection ends within a second or so');
  } finally {
    await server.close();
  }
});
