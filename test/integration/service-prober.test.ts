import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectService, type ServiceProbeTiming } from '../../src/identify/service-prober.js';
import { signatureDb } from '../../src/identify/signatures/index.js';
import { HOSTILE_KINDS, startHostileServers, type HostileKind } from '../helpers/hostile-servers.js';
import { closedPorts } from '../helpers/loopback.js';
import { startReplay } from '../helpers/replay-servers.js';
import { loadServiceFixtures } from '../helpers/service-fixtures.js';

const db = signatureDb();
/** Short waits: loopback answers in microseconds. The bounds below are derived from these. */
const FAST: Partial<ServiceProbeTiming> = { connectMs: 1000, bannerMs: 300, shortBannerMs: 100, readMs: 300, quietMs: 100, totalMs: 4000 };

test('every recorded or spec answer, replayed by a loopback server, is identified end to end', async () => {
  const fixtures = loadServiceFixtures();
  const misses: string[] = [];
  // Eight at a time: each costs at most a banner wait and a few refused probes.
  for (let i = 0; i < fixtures.length; i += 8) {
    await Promise.all(
      fixtures.slice(i, i + 8).map(async (f) => {
        const server = await startReplay(f, db.probeByName.get(f.probe)!.bytes);
        try {
          const d = await detectService('127.0.0.1', server.port, f.proto, { timing: FAST });
          const got = { name: d.service?.name, product: d.service?.product, version: d.service?.version };
          const want = { name: f.expect.name, product: f.expect.product, version: f.expect.version };
          if (JSON.stringify(got) !== JSON.stringify(want)) misses.push(`${f.file}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
          if (f.tls) assert.ok(d.tls !== undefined, `${f.file}: no TLS details`);
        } finally {
          await server.close();
        }
      }),
    );
  }
  assert.deepEqual(misses, []);
});

test('service prober reads the TLS session and certificate, and HTTP/2 from ALPN', async () => {
  const f = loadServiceFixtures().find((x) => x.file === 'https-nginx.json')!;
  const server = await startReplay(f, db.probeByName.get(f.probe)!.bytes, ['h2', 'http/1.1']);
  try {
    const d = await detectService('127.0.0.1', server.port, 'tcp', { timing: FAST });
    assert.equal(d.service?.name, 'http');
    assert.equal(d.service?.product, 'nginx');
    assert.match(d.service?.extrainfo ?? '', /^HTTP\/2/);
    assert.equal(d.tls?.alpn, 'h2');
    assert.match(d.tls?.protocol ?? '', /^TLSv1\.[23]$/);
    assert.equal(d.tls?.cert?.commonName, 'service.portcullis.test');
    assert.deepEqual(d.tls?.cert?.altNames, ['DNS:service.portcullis.test', 'IP Address:127.0.0.1']);
    assert.equal(d.tls?.cert?.selfSigned, true);
    assert.equal(d.tls?.cert?.keyType, 'rsa');
    assert.equal(d.tls?.cert?.keyBits, 2048);
    assert.equal(d.tls?.cert?.expired, false);
  } finally {
    await server.close();
  }
});

test('hostile services: each detection ends within its bound and is classified without hanging', async () => {
  const hostile = await startHostileServers();
  try {
    const want: Record<HostileKind, (name: string | undefined) => boolean> = {
      'ansi-banner': (n) => n === 'ssh',
      'nul-banner': (n) => n === 'ftp',
      megabytes: (n) => n === undefined,
      'slow-drip': (n) => n === undefined,
      'immediate-close': (n) => n === undefined,
      'tls-garbage': (n) => n === 'ssl',
      silence: (n) => n === undefined,
    };
    const results = await Promise.all(
      HOSTILE_KINDS.map(async (kind) => {
        const t0 = performance.now();
        const d = await detectService('127.0.0.1', hostile.ports[kind], 'tcp', { timing: FAST });
        return { kind, d, ms: performance.now() - t0 };
      }),
    );
    for (const { kind, d, ms } of results) {
      // The budget is totalMs; one connect or read already under way may finish after it.
      assert.ok(ms < FAST.totalMs! + FAST.connectMs! + 1000, `${kind} took ${Math.round(ms)} ms`);
      assert.ok(want[kind](d.service?.name), `${kind}: ${JSON.stringify(d.service)}`);
    }
    const ansi = results.find((r) => r.kind === 'ansi-banner')!.d.service!;
    // Captures reach the result as printable text only: no ESC, BEL or NUL survive.
     
    assert.doesNotMatch(JSON.stringify(ansi), /\\u00(1b|07|00)/);
    assert.equal(ansi.product, 'OpenSSH');
    assert.equal(ansi.version, '9.9');
    assert.ok(results.find((r) => r.kind === 'silence')!.d.probes > 0, 'a silent service was probed');
  } finally {
    await hostile.close();
  }
});

test('service prober stops promptly when the signal aborts', async () => {
  const hostile = await startHostileServers();
  try {
    const ac = new AbortController();
    const t0 = performance.now();
    const pending = detectService('127.0.0.1', hostile.ports.silence, 'tcp', { signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    const d = await pending;
    assert.ok(performance.now() - t0 < 1500, 'an aborted detection ends within a second or so');
    assert.equal(d.service, undefined);
  } finally {
    await hostile.close();
  }
});

test('service prober on a closed port and a refusing UDP port returns nothing, quickly', async () => {
  const [port] = await closedPorts(1);
  const t0 = performance.now();
  assert.deepEqual(await detectService('127.0.0.1', port!, 'tcp', { timing: FAST }), { service: undefined, tls: undefined, probes: 0, answered: false });
  const u = await detectService('127.0.0.1', port!, 'udp', { timing: FAST });
  assert.equal(u.service, undefined);
  assert.ok(performance.now() - t0 < 2000);
});
