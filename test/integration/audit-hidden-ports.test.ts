import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { findHiddenPorts, tryBind } from '../../src/audit/hidden-ports.js';
import { runAudit } from '../../src/audit/audit.js';
import { readLinuxSnapshot } from '../../src/audit/linux-source.js';

const linux = process.platform === 'linux';

function tcpPorts(): Set<number> {
  const s = readLinuxSnapshot();
  return new Set((s.sockets.get(s.ownNetns) ?? []).filter((e) => e.kind === 'tcp').map((e) => e.port));
}

test('tryBind tells a taken port from a free one', { skip: !linux }, async () => {
  const srv: Server = await new Promise((resolve) => {
    const s = createServer().listen(0, '0.0.0.0', () => resolve(s));
  });
  try {
    const port = (srv.address() as { port: number }).port;
    assert.equal(await tryBind('tcp', 4, port), 'in-use');
    srv.close();
    await new Promise((r) => srv.once('close', r));
    assert.equal(await tryBind('tcp', 4, port), 'free');
  } finally {
    srv.close();
  }
});

test('findHiddenPorts reports a port in use that the tables do not list, and only that one', { skip: !linux, timeout: 60_000 }, async () => {
  const srv: Server = await new Promise((resolve) => {
    const s = createServer().listen(0, '0.0.0.0', () => resolve(s));
  });
  try {
    const port = (srv.address() as { port: number }).port;
    // Pretend the tables hide our listener, as a rootkit would.
    const hiding = (): Set<number> => {
      const p = tcpPorts();
      p.delete(port);
      return p;
    };
    assert.deepEqual(await findHiddenPorts({ proto: 'tcp', family: 4, listed: hiding(), relist: hiding }), [port]);
    // Listed on the second look (a socket that appeared meanwhile): not hidden.
    assert.deepEqual(await findHiddenPorts({ proto: 'tcp', family: 4, listed: hiding(), relist: tcpPorts }), []);
  } finally {
    srv.close();
  }
});

test('audit --hidden-ports finds nothing hidden on a clean machine', { skip: !linux || process.getuid?.() !== 0 ? 'needs root to bind ports below 1024' : false, timeout: 120_000 }, async () => {
  const report = await runAudit({ hiddenPorts: true });
  assert.equal(report.hiddenChecked, true);
  assert.deepEqual(report.hidden, []);
});
