import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import { finished, runCli, spawnCli } from '../helpers/cli.js';
import { startListeners } from '../helpers/loopback.js';

const dir = mkdtempSync(join(tmpdir(), 'pc-cli-'));
const hasXmllint = spawnSync('sh', ['-c', 'command -v xmllint']).status === 0 && existsSync('/usr/share/nmap/nmap.dtd');

function ndjson(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function portStates(recs: Record<string, unknown>[]): Map<number, string> {
  const m = new Map<number, string>();
  for (const r of recs) if (r['type'] === 'port') m.set(r['port'] as number, r['state'] as string);
  return m;
}

test('cli scan prints the nmap-like table and writes -oA files', async () => {
  const l = await startListeners(2);
  try {
    const base = join(dir, 'all');
    const r = await runCli(['scan', '-sT', '-p', `${l.ports.join(',')},1`, '--reason', '-oA', base, '127.0.0.1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Starting Portcullis/m);
    assert.match(r.stdout, new RegExp(`^${l.ports[0]}/tcp\\s+open\\s+\\S+\\s+conn-accept$`, 'm'));
    assert.match(r.stdout, /^1\/tcp\s+closed\s+tcpmux\s+conn-refused$/m);
    for (const ext of ['nmap', 'xml', 'ndjson', 'csv']) assert.ok(existsSync(`${base}.${ext}`), ext);
    const recs = ndjson(`${base}.ndjson`);
    assert.equal(recs[0]?.['type'], 'header');
    assert.equal(recs.at(-1)?.['type'], 'summary');
  } finally {
    await l.close();
  }
});

test('cli scan in Spanish', async () => {
  const r = await runCli(['scan', '-sT', '--lang', 'es', '-p', '1', '127.0.0.1']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Informe de Portcullis para 127\.0\.0\.1/);
  assert.match(r.stdout, /Portcullis terminó: 1 dirección IP/);
  const h = await runCli(['--help'], { env: { LANG: 'es_ES.UTF-8' } });
  assert.match(h.stdout, /ESPECIFICACIÓN DE OBJETIVOS/);
});

test('cli stopped by SIGINT leaves NDJSON, XML and CSV that parse, and exits 130', async () => {
  const x = join(dir, 'int.xml');
  const j = join(dir, 'int.ndjson');
  const c = join(dir, 'int.csv');
  // A rate limit keeps the scan running long enough to interrupt it mid-way.
  const child = spawnCli(['scan', '-sT', '-p-', '--max-rate', '4000', '-r', '-oX', x, '-oJ', j, '-oC', c, '127.0.0.1']);
  await new Promise((r) => setTimeout(r, 2500));
  child.kill('SIGINT');
  const r = await finished(child);
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /interrupted/);
  const recs = ndjson(j);
  const ports = recs.filter((x) => x['type'] === 'port').length;
  assert.ok(ports > 100 && ports < 65535, `${ports} ports before the interrupt`);
  assert.equal(recs.at(-1)?.['type'], 'summary');
  assert.equal(recs.at(-1)?.['interrupted'], true);
  const csv = readFileSync(c, 'utf8').trimEnd().split('\r\n');
  assert.equal(csv.length, ports + 1);
  if (hasXmllint) execFileSync('xmllint', ['--noout', '--dtdvalid', '/usr/share/nmap/nmap.dtd', x]);
  assert.match(readFileSync(x, 'utf8'), /errormsg="interrupted"/);
});

test('cli whose stdout reader goes away stops cleanly: no EPIPE crash, the XML file stays valid', async () => {
  const x = join(dir, 'pipe.xml');
  const child = spawnCli(['scan', '-sT', '-p-', '--max-rate', '4000', '-r', '-oJ', '-', '-oX', x, '127.0.0.1']);
  // Read one chunk, then close the pipe as `| head -1` would.
  await new Promise<void>((r) => child.stdout!.once('data', () => r()));
  child.stdout!.destroy();
  const r = await finished(child);
  assert.equal(r.code, 130, r.stderr);
  assert.doesNotMatch(r.stderr, /internal error|EPIPE/);
  if (hasXmllint) execFileSync('xmllint', ['--noout', '--dtdvalid', '/usr/share/nmap/nmap.dtd', x]);
  assert.match(readFileSync(x, 'utf8'), /<\/nmaprun>/);
});

test('cli -sU reports a UDP responder open, a closed port closed, and the reasons', async () => {
  const server = createSocket('udp4');
  server.on('message', (msg, from) => server.send(Buffer.from('pong'), from.port, from.address));
  await new Promise<void>((r) => server.bind(0, '127.0.0.1', () => r()));
  const open = server.address().port;
  const closed = createSocket('udp4');
  await new Promise<void>((r) => closed.bind(0, '127.0.0.1', () => r()));
  const shut = closed.address().port;
  await new Promise<void>((r) => closed.close(() => r()));
  try {
    const j = join(dir, 'udp.ndjson');
    const r = await runCli(['scan', '-sU', '-Pn', '-p', `${open},${shut}`, '-oJ', j, '127.0.0.1']);
    assert.equal(r.code, 0, r.stderr);
    const recs = ndjson(j).filter((x) => x['type'] === 'port');
    assert.deepEqual(
      recs.map((x) => [x['port'], x['proto'], x['state'], x['reason']]).sort((a, b) => Number(a[0]) - Number(b[0])),
      [
        [open, 'udp', 'open', 'udp-response'],
        [shut, 'udp', 'closed', 'port-unreach'],
      ].sort((a, b) => Number(a[0]) - Number(b[0])),
    );
  } finally {
    server.close();
  }
});

test('cli gives the same results under ulimit -n 256, without crashing', async () => {
  const l = await startListeners(3);
  try {
    const a = join(dir, 'u1.ndjson');
    const b = join(dir, 'u2.ndjson');
    const r1 = await runCli(['scan', '-sT', '-p-', '-oJ', a, '127.0.0.1']);
    const r2 = await runCli(['scan', '-sT', '-p-', '-oJ', b, '127.0.0.1'], { shellPrefix: 'ulimit -n 256;' });
    assert.equal(r1.code, 0, r1.stderr);
    assert.equal(r2.code, 0, r2.stderr);
    const s1 = portStates(ndjson(a));
    const s2 = portStates(ndjson(b));
    assert.equal(s1.size, 65535);
    assert.equal(s2.size, 65535);
    const diff = [...s1].filter(([p, s]) => s2.get(p) !== s).map(([p]) => p);
    assert.deepEqual(diff, []);
    for (const p of l.ports) assert.equal(s2.get(p), 'open');
  } finally {
    await l.close();
  }
});
