import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { openSink, type OutputFormat, type ReportSink } from '../../src/report/sink.js';
import type { HostReport, PortResult, ScanHeader, ScanSummary } from '../../src/core/types.js';
import { parseCsv } from '../helpers/csv.js';

const dir = mkdtempSync(join(tmpdir(), 'pc-report-'));
const HOSTILE = '\u001b[31mred\u001b[0m\u0000<b>&"\'\r\n=cmd|calc\u0007' + 'x'.repeat(5000);

const header: ScanHeader = { tool: 'portcullis', version: '0.1.0', args: ['portcullis', 'scan', '-p', '20-30', '198.18.0.2'], scanType: 'connect', protocols: ['tcp'], portSpec: { tcp: '20-30' }, numPorts: 11, numHosts: 2, startedAt: Date.UTC(2026, 10, 24, 4, 0, 0), seed: 'abc' };

function ports(host: string, hostname?: string, openExtra = false): PortResult[] {
  const out: PortResult[] = [];
  for (let p = 20; p <= 30; p++) {
    const open = p === 22 || (openExtra && p === 25);
    out.push({ host, hostname, port: p, proto: 'tcp', state: open ? 'open' : p === 29 ? 'filtered' : 'closed', reason: open ? 'conn-accept' : p === 29 ? 'no-response' : 'conn-refused', rttMs: p === 29 ? null : 0.42, tries: p === 29 ? 2 : 1, service: p === 22 ? { name: 'ssh', method: 'table', confidence: 3 } : p === 25 ? { name: HOSTILE, method: 'table', confidence: 3 } : undefined });
  }
  return out;
}

function report(host: string, list: PortResult[], hostname?: string): HostReport {
  const closed = list.filter((p) => p.state === 'closed');
  return {
    host,
    hostname,
    family: host.includes(':') ? 6 : 4,
    proto: 'tcp',
    status: 'up',
    ports: list.filter((p) => p.state !== 'closed'),
    notShown: [{ state: 'closed', count: closed.length, reasons: { 'conn-refused': closed.length } }],
    counts: { open: list.filter((p) => p.state === 'open').length, closed: closed.length, filtered: 1 },
    startedAt: header.startedAt,
    endedAt: header.startedAt + 1500,
    srttMs: 0.42,
    timedOut: false,
  };
}

const summary = (interrupted: boolean): ScanSummary => ({ endedAt: header.startedAt + 2000, elapsedMs: 2000, hostsTotal: 2, hostsUp: 2, probesSent: 23, portsScanned: 22, counts: { open: 2, closed: 18, filtered: 2 }, interrupted, failedTargets: [] });

/** Feeds a synthetic scan; `stopAfterFirstHost` imitates a process killed mid-scan (no end()). */
async function feed(format: OutputFormat, name: string, opts: { stopAfterFirstHost?: boolean; interrupted?: boolean; openExtra?: boolean } = {}): Promise<string> {
  const path = join(dir, name);
  const sink: ReportSink = await openSink(format, path, {});
  sink.begin(header);
  const a = ports('198.18.0.2', HOSTILE, opts.openExtra);
  for (const p of a) sink.port(p);
  sink.host(report('198.18.0.2', a, HOSTILE));
  sink.warning({ code: 'PC_UNRESOLVED', message: `failed to resolve "${HOSTILE}"` });
  const b = ports('2001:2::2');
  for (const p of b.slice(0, 5)) sink.port(p);
  if (opts.stopAfterFirstHost === true) {
    // A kill -9 would leave only what the sink has flushed; the 200 ms flush timer must have run.
    return path;
  }
  for (const p of b.slice(5)) sink.port(p);
  sink.host(report('2001:2::2', b));
  void sink.end(summary(opts.interrupted ?? false));
  return path;
}

const hasXmllint = spawnSync('sh', ['-c', 'command -v xmllint']).status === 0 && existsSync('/usr/share/nmap/nmap.dtd');
const hasNdiff = spawnSync('sh', ['-c', 'command -v ndiff']).status === 0;

function xmlValid(path: string): void {
  execFileSync('xmllint', ['--noout', '--dtdvalid', '/usr/share/nmap/nmap.dtd', path], { stdio: 'pipe' });
}

const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats.default(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(new URL('../../docs/reference/ndjson.schema.json', import.meta.url), 'utf8')) as object);

function ndjsonValid(path: string): Record<string, unknown>[] {
  const text = readFileSync(path, 'utf8');
  assert.ok(text.endsWith('\n'), 'ends on a record boundary');
  return text
    .trimEnd()
    .split('\n')
    .map((line) => {
      const rec = JSON.parse(line) as Record<string, unknown>;
      assert.ok(validate(rec), JSON.stringify(validate.errors));
      return rec;
    });
}


test('report NDJSON validates against the published schema and escapes hostile text', async () => {
  const recs = ndjsonValid(await feed('ndjson', 'a.ndjson'));
  assert.deepEqual(
    recs.map((r) => r['type']),
    ['header', ...Array<string>(11).fill('port'), 'host', 'warning', ...Array<string>(11).fill('port'), 'host', 'summary'],
  );
  const p22 = recs.find((r) => r['type'] === 'port' && r['port'] === 22);
  assert.deepEqual(p22?.['service'], { name: 'ssh', cpe: [], method: 'table', confidence: 3 });
  assert.equal(p22?.['rtt_ms'], 0.42);
});

test('report XML is valid against nmap.dtd and readable by ndiff', { skip: !hasXmllint && 'xmllint or nmap.dtd missing (scripts/ci.sh installs them)' }, async () => {
  const a = await feed('xml', 'a.xml');
  const b = await feed('xml', 'b.xml', { openExtra: true });
  xmlValid(a);
  xmlValid(b);
  const text = readFileSync(a, 'utf8');
  // eslint-disable-next-line no-control-regex -- the point is that none reach the file
  assert.doesNotMatch(text, /\u001b|\u0000/);
  assert.match(text, /<port protocol="tcp" portid="22"><state state="open" reason="conn-accept" reason_ttl="0"\/>/);
  assert.match(text, /exit="success"/);
  if (hasNdiff) {
    const r = spawnSync('ndiff', [a, b], { encoding: 'utf8' });
    assert.equal(r.status, 1, `ndiff exits 1 when the scans differ: ${r.stderr}`);
    assert.match(r.stdout, /\+25\/tcp\s+open/);
  }
});

test('report CSV parses as RFC 4180 and defuses formulas', async () => {
  const rows = parseCsv(readFileSync(await feed('csv', 'a.csv'), 'utf8'));
  assert.deepEqual(rows[0], ['host', 'hostname', 'port', 'proto', 'state', 'reason', 'rtt_ms', 'tries', 'service', 'service_method', 'product', 'version', 'extrainfo', 'cpe', 'tls_protocol', 'tls_subject', 'tls_not_after']);
  assert.equal(rows.length, 23);
  assert.ok(rows.slice(1).every((r) => r.length === 17));
  const hostile = rows.find((r) => r[2] === '25')!;
  assert.ok(!hostile[1]!.startsWith('='));
});

test('report files stay parseable when the scan is killed mid-way', { skip: !hasXmllint && 'xmllint missing' }, async () => {
  const paths = { x: await feed('xml', 'k.xml', { stopAfterFirstHost: true }), j: await feed('ndjson', 'k.ndjson', { stopAfterFirstHost: true }), c: await feed('csv', 'k.csv', { stopAfterFirstHost: true }) };
  await new Promise((r) => setTimeout(r, 300)); // let the periodic flush run, as it would before a kill
  xmlValid(paths.x);
  assert.match(readFileSync(paths.x, 'utf8'), /errormsg="scan did not finish/);
  const recs = ndjsonValid(paths.j);
  assert.ok(recs.length >= 13);
  parseCsv(readFileSync(paths.c, 'utf8'));
});

test('report files of an interrupted scan say so and stay valid', { skip: !hasXmllint && 'xmllint missing' }, async () => {
  const x = await feed('xml', 'i.xml', { interrupted: true });
  xmlValid(x);
  assert.match(readFileSync(x, 'utf8'), /exit="error" errormsg="interrupted"/);
  const recs = ndjsonValid(await feed('ndjson', 'i.ndjson', { interrupted: true }));
  assert.equal(recs.at(-1)?.['interrupted'], true);
});

test('report normal output escapes terminal control sequences', async () => {
  const text = readFileSync(await feed('normal', 'a.nmap'), 'utf8');
  // eslint-disable-next-line no-control-regex -- the point is that none reach the terminal
  assert.doesNotMatch(text, /\u001b|\u0000|\u0007/);
  assert.match(text, /\\x1b\[31mred/);
  assert.match(text, /22\/tcp\s+open\s+ssh/);
  assert.match(text, /Not shown: 9 closed tcp ports \(conn-refused\)/);
  assert.match(text, /Portcullis done: 2 IP addresses \(2 hosts up\) scanned in 2\.00 seconds/);
});

test('report NDJSON fast path writes exactly what JSON.stringify would', async () => {
  const { portLine } = await import('../../src/report/ndjson.js');
  const { portRecord } = await import('../../src/report/records.js');
  for (const r of [...ports('198.18.0.2', HOSTILE, true), ...ports('2001:2::2')]) assert.equal(portLine(r), `${JSON.stringify(portRecord(r))}\n`);
});
