import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { isPortcullisError } from '../../src/core/errors.js';
import type { HostReport, PortResult, ScanHeader, ScanSummary, ScanWarning } from '../../src/core/types.js';
import { openSink, type OutputFormat, type ReportSink } from '../../src/report/sink.js';
import { MultiSink, outputAll } from '../../src/report/sinks.js';
import { renderXmlHost } from '../../src/report/xml.js';
import { CSV_COLUMNS } from '../../src/report/csv.js';

const header: ScanHeader = { tool: 'portcullis', version: '0.1.0', args: ['portcullis', 'scan', '-p', '22,80', '198.18.0.2'], scanType: 'connect', protocols: ['tcp'], portSpec: { tcp: '22,80' }, numPorts: 2, numHosts: 1, startedAt: Date.UTC(2026, 10, 24, 4, 0, 0), seed: 'abc' };
const p22: PortResult = { host: '198.18.0.2', hostname: 'box.test', port: 22, proto: 'tcp', state: 'open', reason: 'conn-accept', rttMs: 0.4, tries: 1, service: { name: 'ssh', method: 'table', confidence: 3 } };
const p80: PortResult = { host: '198.18.0.2', hostname: 'box.test', port: 80, proto: 'tcp', state: 'closed', reason: 'conn-refused', rttMs: 0.3, tries: 1, service: { name: 'http', method: 'table', confidence: 3 } };
const hostReport: HostReport = { host: '198.18.0.2', hostname: 'box.test', family: 4, proto: 'tcp', status: 'up', ports: [p22], notShown: [{ state: 'closed', count: 1, reasons: { 'conn-refused': 1 } }], counts: { open: 1, closed: 1 }, startedAt: header.startedAt, endedAt: header.startedAt + 10, srttMs: 0.35, timedOut: false };
const warning: ScanWarning = { code: 'PC_UNRESOLVED', message: 'could not resolve "nx.test"', subject: 'nx.test' };
const summary = (interrupted: boolean): ScanSummary => ({ endedAt: header.startedAt + 20, elapsedMs: 20, hostsTotal: 1, hostsUp: 1, probesSent: 2, portsScanned: 2, counts: { open: 1, closed: 1 }, interrupted, failedTargets: [] });

/** Sends a one-host scan through `sink`: header, two ports, a warning, the host, the summary. */
async function feed(sink: ReportSink, interrupted = false): Promise<void> {
  sink.begin(header);
  sink.port(p80);
  sink.port(p22);
  sink.warning(warning);
  sink.host(hostReport);
  await sink.end(summary(interrupted));
}

/** Runs a one-host scan through `format` on a stdout collector; returns the chunks written. */
async function toStdout(format: OutputFormat, interrupted = false): Promise<string[]> {
  const chunks: string[] = [];
  await feed(await openSink(format, '-', { stdout: { write: (s: string) => chunks.push(s) > 0 } }), interrupted);
  return chunks;
}

test('NdjsonSink writes each record with one write call, a whole line each', async () => {
  const chunks = await toStdout('ndjson');
  assert.deepEqual(
    chunks.map((c) => (JSON.parse(c) as { type: string }).type),
    ['header', 'port', 'port', 'warning', 'host', 'summary'],
  );
  assert.ok(chunks.every((c) => c.endsWith('\n') && c.indexOf('\n') === c.length - 1));
  // An open port carries the risk knowledge of its service (--explain's text) in the output's language.
  const { risk, ...rest } = JSON.parse(chunks[2]!) as { risk: { service: string; level: string; lang: string; matched_by: string; fix: string[] } };
  assert.deepEqual(rest, { type: 'port', host: '198.18.0.2', hostname: 'box.test', port: 22, proto: 'tcp', state: 'open', reason: 'conn-accept', rtt_ms: 0.4, tries: 1, service: { name: 'ssh', cpe: [], method: 'table', confidence: 3 } });
  assert.equal(risk.service, 'ssh');
  assert.equal(risk.lang, 'en');
  assert.equal(risk.matched_by, 'name');
  assert.ok(risk.fix.length > 0);
  assert.equal((JSON.parse(chunks[1]!) as { risk?: unknown }).risk, undefined, 'closed ports carry no risk');
});

test('NdjsonSink writes product, version and CPEs when a service was probed', async () => {
  const chunks: string[] = [];
  const sink = await openSink('ndjson', '-', { stdout: { write: (s: string) => chunks.push(s) > 0 } });
  sink.port({ ...p22, service: { name: 'ssh', method: 'probed', product: 'OpenSSH', version: '9.6p1', extrainfo: 'protocol 2.0', cpe: ['cpe:/a:openbsd:openssh:9.6p1'], confidence: 10 } });
  await sink.end(summary(false));
  assert.deepEqual((JSON.parse(chunks[0]!) as { service: unknown }).service, { name: 'ssh', product: 'OpenSSH', version: '9.6p1', extrainfo: 'protocol 2.0', cpe: ['cpe:/a:openbsd:openssh:9.6p1'], method: 'probed', confidence: 10 });
});

test('CsvSink writes the header row, then one row per port as it comes', async () => {
  const chunks = await toStdout('csv');
  assert.deepEqual(chunks, [`${CSV_COLUMNS.join(',')}\r\n`, '198.18.0.2,box.test,80,tcp,closed,conn-refused,0.3,1,http,table,,,,,,,\r\n', '198.18.0.2,box.test,22,tcp,open,conn-accept,0.4,1,ssh,table,,,,,,,\r\n']);
});

test('CsvSink leaves rtt and service empty when there are none', async () => {
  const chunks: string[] = [];
  const sink = await openSink('csv', '-', { stdout: { write: (s: string) => chunks.push(s) > 0 } });
  sink.port({ host: '::1', port: 9, proto: 'tcp', state: 'filtered', reason: 'no-response', rttMs: null, tries: 2 });
  await sink.end(summary(false));
  assert.deepEqual(chunks, ['::1,,9,tcp,filtered,no-response,,2,,,,,,,,,\r\n']);
});

test('XmlSink streams to stdout and closes the document at the end', async () => {
  for (const interrupted of [false, true]) {
    const text = (await toStdout('xml', interrupted)).join('');
    assert.equal(XMLValidator.validate(text), true);
    assert.match(text, interrupted ? /<finished [^>]*exit="error" errormsg="interrupted"\/>/ : /<finished [^>]*exit="success"\/>/);
    assert.match(text, /<\/nmaprun>\n$/);
    assert.doesNotMatch(text, /did not finish/, 'no provisional trailer on a stream');
  }
});

test('renderXmlHost writes nmap elements and escapes hostile names', () => {
  const h: HostReport = { ...hostReport, hostname: '"><script>\u0000\u001b[31m', ports: [{ ...p22, service: { name: 'x"/><evil a="', method: 'probed', product: '<p>', version: '1&2', cpe: ['cpe:/a:x<y'], confidence: 12 } }] };
  const xml = renderXmlHost(h);
  assert.equal(XMLValidator.validate(xml), true);
  const doc = new XMLParser({ ignoreAttributes: false, parseAttributeValue: false }).parse(xml) as {
    host: { hostnames: { hostname: Record<string, string> }; ports: { port: { service: Record<string, string> & { cpe: string } }; extraports: { extrareasons: Record<string, string> } }; times: Record<string, string> };
  };
  assert.equal(doc.host.hostnames.hostname['@_name'], '"><script>\\x00\\x1b[31m');
  assert.equal(doc.host.ports.port.service['@_name'], 'x"/><evil a="');
  assert.equal(doc.host.ports.port.service['@_conf'], '10', 'conf is clamped to 0..10');
  assert.equal(doc.host.ports.port.service.cpe, 'cpe:/a:x<y');
  assert.deepEqual(doc.host.ports.extraports.extrareasons, { '@_reason': 'conn-refused', '@_count': '1', '@_proto': 'tcp' });
  assert.equal(doc.host.times['@_srtt'], '350');
});

test('renderXmlHost names the collapsed ports of each reason in nmap\'s compact form', () => {
  const h: HostReport = {
    ...hostReport,
    notShown: [
      { state: 'closed', count: 6, reasons: { reset: 6 }, ports: { reset: [1, 2, 3, 7, 9, 10] } },
      { state: 'filtered', count: 3, reasons: { 'admin-prohibited': 1, 'no-response': 2 }, ports: { 'admin-prohibited': [8], 'no-response': [4, 5] } },
    ],
  };
  const xml = renderXmlHost(h);
  assert.equal(XMLValidator.validate(xml), true);
  assert.match(xml, /<extrareasons reason="reset" count="6" proto="tcp" ports="1-3,7,9-10"\/>/);
  assert.match(xml, /<extrareasons reason="admin-prohibited" count="1" proto="tcp" ports="8"\/>/);
  assert.match(xml, /<extrareasons reason="no-response" count="2" proto="tcp" ports="4-5"\/>/);
});

test('every sink accepts end() twice and end() without begin()', async () => {
  for (const format of ['normal', 'ndjson', 'xml', 'csv'] as const) {
    const chunks: string[] = [];
    const sink = await openSink(format, '-', { stdout: { write: (s: string) => chunks.push(s) > 0 } });
    await sink.end(summary(true));
    await sink.end(summary(true));
    assert.ok(chunks.length <= 2, format);
  }
});

test('openSink throws PC_OUTPUT_FILE naming the path when the file cannot be opened', async () => {
  const dest = join(mkdtempSync(join(tmpdir(), 'pc-sink-')), 'no-such-dir', 'out.xml');
  await assert.rejects(
    () => openSink('xml', dest, {}),
    (err: unknown) => isPortcullisError(err, 'PC_OUTPUT_FILE') && err.subject === dest && err.message.includes(dest) && err.message.includes('ENOENT') && err.messageEs.includes(dest),
  );
  assert.equal(existsSync(dest), false);
});

test('a failed write (disk full) is reported by end() as PC_OUTPUT_FILE, without crashing the process', { skip: !existsSync('/dev/full') && 'no /dev/full' }, async () => {
  for (const format of ['normal', 'ndjson', 'xml', 'csv'] as const) {
    const sink = await openSink(format, '/dev/full', {});
    sink.begin(header);
    await new Promise((r) => setTimeout(r, 250)); // the periodic flush runs and fails: it must not throw from the timer
    sink.port(p22);
    sink.host(hostReport);
    await assert.rejects(sink.end(summary(false)), (err: unknown) => isPortcullisError(err, 'PC_OUTPUT_FILE') && err.subject === '/dev/full' && err.message.includes('ENOSPC'), format);
    await sink.end(summary(false)); // already reported once; the second end() is quiet
  }
});

test('every format writes to /dev/null and to a named pipe, which cannot be truncated or written at an offset', { skip: process.platform === 'win32' && 'no /dev/null or mkfifo' }, async () => {
  for (const format of ['normal', 'ndjson', 'xml', 'csv'] as const) {
    // /dev/null: `-oX /dev/null` is how nmap users throw a format away; ftruncate() there fails (EINVAL).
    const devNull = await openSink(format, '/dev/null', {});
    devNull.begin(header);
    devNull.port(p22);
    devNull.host(hostReport);
    await devNull.end(summary(false));

    // A named pipe read by another process: the whole document arrives, in order, as on stdout.
    const fifo = join(mkdtempSync(join(tmpdir(), 'pc-fifo-')), 'out');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
    const got: Buffer[] = [];
    reader.stdout.on('data', (d: Buffer) => got.push(d));
    const closed = new Promise((r) => reader.on('close', r));
    await feed(await openSink(format, fifo, {}));
    await closed;
    const text = Buffer.concat(got).toString();
    const stdoutText = (await toStdout(format)).join('');
    if (format === 'normal') {
      // A file the user named gets the warnings too (on stdout the CLI prints them on stderr).
      assert.match(text, /could not resolve "nx\.test"/);
      assert.equal(text.replace(/^.*could not resolve.*\n/m, ''), stdoutText, format);
    } else assert.equal(text, stdoutText, format);
    if (format === 'xml') assert.equal(XMLValidator.validate(text), true);
  }
});

/** A sink that records calls, optionally failing in end(). */
function recorder(log: string[], name: string, failEnd = false): ReportSink {
  return {
    begin: () => log.push(`${name}.begin`),
    port: (r) => log.push(`${name}.port ${r.port}`),
    host: (h) => log.push(`${name}.host ${h.host}`),
    warning: (w) => log.push(`${name}.warning ${w.code}`),
    end: () => {
      log.push(`${name}.end`);
      return failEnd ? Promise.reject(new Error(`${name} failed`)) : Promise.resolve();
    },
  };
}

test('MultiSink sends every event to each sink in order', async () => {
  const log: string[] = [];
  const multi = new MultiSink([recorder(log, 'a'), recorder(log, 'b')]);
  multi.begin(header);
  multi.port(p22);
  multi.warning(warning);
  multi.host(hostReport);
  await multi.end(summary(false));
  assert.deepEqual(log, ['a.begin', 'b.begin', 'a.port 22', 'b.port 22', 'a.warning PC_UNRESOLVED', 'b.warning PC_UNRESOLVED', 'a.host 198.18.0.2', 'b.host 198.18.0.2', 'a.end', 'b.end']);
});

test('MultiSink ends every sink even when one fails, then rejects with the first failure', async () => {
  const log: string[] = [];
  const multi = new MultiSink([recorder(log, 'a', true), recorder(log, 'b', true), recorder(log, 'c')]);
  await assert.rejects(multi.end(summary(true)), /a failed/);
  assert.deepEqual(log, ['a.end', 'b.end', 'c.end']);
});

test('MultiSink writes real files of every format together', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pc-multi-'));
  const outs = outputAll(join(dir, 'scan'));
  const multi = new MultiSink(await Promise.all(outs.map((o) => openSink(o.format, o.dest, {}))));
  multi.begin(header);
  multi.port(p22);
  multi.host(hostReport);
  await multi.end(summary(false));
  assert.match(readFileSync(join(dir, 'scan.nmap'), 'utf8'), /^22\/tcp open {2}ssh$/m);
  assert.equal(XMLValidator.validate(readFileSync(join(dir, 'scan.xml'), 'utf8')), true);
  assert.equal(readFileSync(join(dir, 'scan.ndjson'), 'utf8').trimEnd().split('\n').length, 4);
  assert.equal(readFileSync(join(dir, 'scan.csv'), 'utf8').split('\r\n').length, 3);
});

test('outputAll names the -oA files as nmap does (.nmap, .xml) plus .ndjson and .csv', () => {
  assert.deepEqual(outputAll('out/loopback'), [
    { format: 'normal', dest: 'out/loopback.nmap' },
    { format: 'xml', dest: 'out/loopback.xml' },
    { format: 'ndjson', dest: 'out/loopback.ndjson' },
    { format: 'csv', dest: 'out/loopback.csv' },
  ]);
});
