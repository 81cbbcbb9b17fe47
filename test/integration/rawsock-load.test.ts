import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadRawSock } from '../../src/scan/raw/rawsock.js';

const loaded = loadRawSock();
const capsh = ['/usr/sbin/capsh', '/sbin/capsh', '/usr/bin/capsh'].find((p) => existsSync(p));
const why = !loaded.ok ? loaded.reason : process.getuid?.() !== 0 ? 'needs root to drop a capability' : capsh === undefined ? 'capsh is not installed (package libcap2-bin)' : undefined;
if (why !== undefined) console.log(`# skipping raw-socket loader privilege test: ${why}`);

test('loadRawSock says in one line that raw sockets need CAP_NET_RAW when the process lacks it', { skip: why ?? false }, () => {
  const script = "import('./src/scan/raw/rawsock.ts').then((m) => console.log(JSON.stringify(m.loadRawSock())))";
  const out = execFileSync(capsh!, ['--drop=cap_net_raw', '--', '-c', `exec "${process.execPath}" --import tsx -e "${script}"`], { encoding: 'utf8', cwd: new URL('../../', import.meta.url).pathname });
  assert.deepEqual(JSON.parse(out), { ok: false, reason: 'raw sockets need root or the CAP_NET_RAW capability' });
});

test('rawsock close of a closed fd throws with code EBADF', { skip: !loaded.ok && loaded.reason }, () => {
  assert.ok(loaded.ok);
  const fd = loaded.api.open(4, 6);
  loaded.api.close(fd);
  assert.throws(() => loaded.api.close(fd), (err: NodeJS.ErrnoException) => err.code === 'EBADF');
});

test('rawsock sendMany returns the errno name instead of throwing, and refuses a short batch', { skip: !loaded.ok && loaded.reason }, () => {
  assert.ok(loaded.ok);
  const api = loaded.api;
  const fd = api.open(4, 6);
  api.close(fd);
  // One record to 127.0.0.1 on a closed fd: nothing can be sent, and nothing leaves the machine.
  const rec = Buffer.alloc(24 + 24);
  rec.writeUInt16LE(24, 0);
  rec.set([127, 0, 0, 1], 8);
  assert.deepEqual(api.sendMany(fd, 4, rec, 1), { sent: 0, code: 'EBADF' });
  assert.throws(() => api.sendMany(fd, 4, rec.subarray(0, 30), 1), RangeError);
});

test('rawsock recvMany returns an empty buffer when nothing arrives in time', { skip: !loaded.ok && loaded.reason }, () => {
  assert.ok(loaded.ok);
  const fd = loaded.api.open(6, 58);
  try {
    // A filter that keeps nothing, so no stray ICMPv6 packet cuts the wait short.
    loaded.api.attachFilter(fd, Uint8Array.of(0x06, 0, 0, 0, 0, 0, 0, 0));
    const t = performance.now();
    assert.equal(loaded.api.recvMany([fd], 50, 16).length, 0);
    assert.ok(performance.now() - t >= 45);
  } finally {
    loaded.api.close(fd);
  }
});

test('rawsock tcpPortFree is false for a listener, for both ends of a connection and for either family, true once they are gone', { skip: !loaded.ok && loaded.reason }, async () => {
  assert.ok(loaded.ok);
  const api = loaded.api;
  const { createServer, connect } = await import('node:net');
  for (const host of ['127.0.0.1', '::1']) {
    const server = createServer((s) => s.on('error', () => undefined));
    await new Promise<void>((r) => server.listen(0, host, r));
    const port = (server.address() as { port: number }).port;
    const client = connect(port, host);
    await new Promise<void>((r) => client.once('connect', r));
    const local = client.localPort!;
    assert.equal(api.tcpPortFree(port), false, `${host} listener ${port}`);
    assert.equal(api.tcpPortFree(local), false, `${host} client port ${local}`);
    client.destroy();
    await new Promise<void>((r) => server.close(() => r()));
    // The listener's port is free again (the client's, which closed first, may sit in TIME_WAIT).
    assert.equal(api.tcpPortFree(port), true, `${host} port ${port} after close`);
  }
  assert.throws(() => api.tcpPortFree(0), TypeError);
  assert.throws(() => api.tcpPortFree(65536), TypeError);
});
