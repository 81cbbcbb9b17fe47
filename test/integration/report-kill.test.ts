import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { openSink } from '../../src/report/sink.js';
import type { HostReport, PortResult, ScanHeader } from '../../src/core/types.js';

const DTD = '/usr/share/nmap/nmap.dtd';
const hasXmllint = spawnSync('sh', ['-c', 'command -v xmllint']).status === 0 && existsSync(DTD);
const child = fileURLToPath(new URL('../fixtures/report/killed-scan.ts', import.meta.url));

const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats.default(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(new URL('../../docs/reference/ndjson.schema.json', import.meta.url), 'utf8')) as object);

function xmlValid(path: string): void {
  execFileSync('xmllint', ['--noout', '--dtdvalid', DTD, path], { stdio: 'pipe' });
}

/** Every line parses and matches the schema; the file ends on a line boundary. */
function ndjsonRecords(path: string): { type: string; host?: string }[] {
  const text = readFileSync(path, 'utf8');
  if (text === '') return [];
  assert.ok(text.endsWith('\n'), 'ends on a record boundary');
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => {
      const rec = JSON.parse(line) as { type: string; host?: string };
      assert.ok(validate(rec), JSON.stringify(validate.errors));
      return rec;
    });
}

/** CSV rows, checking every quoted field closes and every row ends with CRLF. */
function csvRows(path: string): number {
  const text = readFileSync(path, 'utf8');
  assert.ok(text.endsWith('\r\n'), 'ends on a row boundary');
  let rows = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '\r' && text[i + 1] === '\n') rows++;
  }
  assert.equal(quoted, false, 'no unterminated quote');
  return rows;
}

/** Runs the child scan and lets it SIGKILL itself half-way through host `dieIn`. */
function killedScan(name: string, dieIn: number, waitMs: number): string {
  const base = join(mkdtempSync(join(tmpdir(), 'pc-kill-')), name);
  const r = spawnSync(process.execPath, ['--import', 'tsx', child, base, '3', '3000', String(dieIn), String(waitMs)], { encoding: 'utf8' });
  assert.equal(r.signal, 'SIGKILL', r.stderr);
  return base;
}

test('report files parse after kill -9 in the middle of a host', { skip: !hasXmllint && 'xmllint or nmap.dtd missing' }, () => {
  const base = killedScan('now', 1, 0);
  // XML: rewritten whole after each host, so the finished host is there and the file is valid.
  xmlValid(`${base}.xml`);
  const xml = readFileSync(`${base}.xml`, 'utf8');
  assert.equal(xml.match(/<host /g)?.length, 1);
  assert.match(xml, /errormsg="scan did not finish/);
  // NDJSON and CSV: flushed in whole records (the 64 KiB threshold was crossed many times).
  const recs = ndjsonRecords(`${base}.ndjson`);
  assert.equal(recs[0]?.type, 'header');
  assert.ok(recs.some((r) => r.type === 'host'));
  assert.ok(csvRows(`${base}.csv`) > 3000);
});

test('report files hold everything up to the kill once the periodic flush has run', { skip: !hasXmllint && 'xmllint or nmap.dtd missing' }, () => {
  const base = killedScan('later', 2, 400);
  xmlValid(`${base}.xml`);
  assert.equal(readFileSync(`${base}.xml`, 'utf8').match(/<host /g)?.length, 2);
  const recs = ndjsonRecords(`${base}.ndjson`);
  assert.equal(recs.filter((r) => r.type === 'port').length, 2 * 3000 + 1500);
  assert.equal(recs.filter((r) => r.type === 'host').length, 2);
  assert.equal(csvRows(`${base}.csv`), 1 + 2 * 3000 + 1500);
  const normal = readFileSync(`${base}.nmap`, 'utf8');
  assert.equal(normal.match(/^Portcullis scan report for /gm)?.length, 2);
});

const header: ScanHeader = { tool: 'portcullis', version: '0.1.0', args: ['portcullis', 'scan', '-p', '1-3', '198.18.0.1-3'], scanType: 'connect', protocols: ['tcp'], portSpec: { tcp: '1-3' }, numPorts: 3, numHosts: 3, startedAt: Date.UTC(2026, 10, 24, 4, 0, 0), seed: 's' };

function hostOf(host: string): { ports: PortResult[]; report: HostReport } {
  const ports: PortResult[] = [1, 2, 3].map((port) => ({ host, port, proto: 'tcp', state: port === 2 ? 'open' : 'closed', reason: port === 2 ? 'conn-accept' : 'conn-refused', rttMs: 0.2, tries: 1 }));
  const report: HostReport = { host, family: 4, proto: 'tcp', status: 'up', ports: ports.filter((p) => p.state === 'open'), notShown: [{ state: 'closed', count: 2, reasons: { 'conn-refused': 2 } }], counts: { open: 1, closed: 2 }, startedAt: header.startedAt, endedAt: header.startedAt + 5, srttMs: 0.2, timedOut: false };
  return { ports, report };
}

test('report XML file is complete and valid right after every host, with no wait', { skip: !hasXmllint && 'xmllint or nmap.dtd missing' }, async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'pc-xml-')), 'step.xml');
  const sink = await openSink('xml', path, {});
  sink.begin(header);
  xmlValid(path);
  for (const [i, addr] of ['198.18.0.1', '198.18.0.2', '198.18.0.3'].entries()) {
    const { ports, report } = hostOf(addr);
    for (const p of ports) sink.port(p);
    sink.host(report);
    xmlValid(path);
    assert.equal(readFileSync(path, 'utf8').match(/<host /g)?.length, i + 1);
  }
  await sink.end({ endedAt: header.startedAt + 9, elapsedMs: 9, hostsTotal: 3, hostsUp: 3, probesSent: 9, portsScanned: 9, counts: { open: 3, closed: 6 }, interrupted: true, failedTargets: [] });
  xmlValid(path);
  const text = readFileSync(path, 'utf8');
  assert.match(text, /exit="error" errormsg="interrupted"/);
  assert.equal(text.match(/<\/nmaprun>/g)?.length, 1, 'the provisional trailer was overwritten, not appended to');
});

test('report XML streamed to stdout is valid against nmap.dtd', { skip: !hasXmllint && 'xmllint or nmap.dtd missing' }, async () => {
  const chunks: string[] = [];
  const sink = await openSink('xml', '-', { stdout: { write: (s: string) => chunks.push(s) > 0 } });
  sink.begin(header);
  sink.host(hostOf('198.18.0.1').report);
  await sink.end({ endedAt: header.startedAt + 9, elapsedMs: 9, hostsTotal: 1, hostsUp: 1, probesSent: 3, portsScanned: 3, counts: { open: 1, closed: 2 }, interrupted: false, failedTargets: [] });
  const path = join(mkdtempSync(join(tmpdir(), 'pc-xml-')), 'stdout.xml');
  writeFileSync(path, chunks.join(''));
  xmlValid(path);
});
