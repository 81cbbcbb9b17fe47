import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import type { HostReport, PortResult, PortState, Reason, ScanHeader, ScanSummary } from '../../src/core/types.js';
import { formatLatency, formatReasons, formatStart, renderHost } from '../../src/report/normal.js';
import { messages } from '../../src/report/messages.js';
import { openSink } from '../../src/report/sink.js';
import type { SinkOptions } from '../../src/report/sink.js';

function port(n: number, state: PortState, reason: Reason, service?: string): PortResult {
  return { host: '198.18.0.2', port: n, proto: 'tcp', state, reason, rttMs: state === 'filtered' ? null : 0.4, tries: 1, service: service === undefined ? undefined : { name: service, method: 'table', confidence: 3 } };
}

function host(over: Partial<HostReport> = {}): HostReport {
  return {
    host: '198.18.0.2',
    family: 4,
    proto: 'tcp',
    status: 'up',
    ports: [port(22, 'open', 'conn-accept', 'ssh'), port(80, 'closed', 'conn-refused', 'http'), port(8080, 'filtered', 'no-response', 'http-proxy')],
    notShown: [
      { state: 'closed', count: 65520, reasons: { 'conn-refused': 65520 } },
      { state: 'filtered', count: 12, reasons: { 'no-response': 10, 'host-unreach': 2 } },
    ],
    counts: { open: 1, closed: 65521, filtered: 13 },
    startedAt: 0,
    endedAt: 1000,
    srttMs: 0.42,
    timedOut: false,
    ...over,
  };
}

const cases: { name: string; h: HostReport; opts: SinkOptions; want: string[] }[] = [
  {
    name: 'a host with a name, listed ports and two collapsed states',
    h: host({ hostname: 'box.test' }),
    opts: {},
    want: [
      'Portcullis scan report for box.test (198.18.0.2)',
      'Host is up (0.00042s latency).',
      'Not shown: 65520 closed tcp ports (conn-refused), 12 filtered tcp ports (10 no-responses, 2 host-unreaches)',
      'PORT     STATE    SERVICE',
      '22/tcp   open     ssh',
      '80/tcp   closed   http',
      '8080/tcp filtered http-proxy',
    ],
  },
  {
    name: 'the REASON column',
    h: host(),
    opts: { reason: true },
    want: [
      'Portcullis scan report for 198.18.0.2',
      'Host is up (0.00042s latency).',
      'Not shown: 65520 closed tcp ports (conn-refused), 12 filtered tcp ports (10 no-responses, 2 host-unreaches)',
      'PORT     STATE    SERVICE    REASON',
      '22/tcp   open     ssh        conn-accept',
      '80/tcp   closed   http       conn-refused',
      '8080/tcp filtered http-proxy no-response',
    ],
  },
  {
    name: 'open-only, which folds listed non-open ports into "Not shown"',
    h: host(),
    opts: { openOnly: true },
    want: [
      'Portcullis scan report for 198.18.0.2',
      'Host is up (0.00042s latency).',
      'Not shown: 65521 closed tcp ports (conn-refused), 13 filtered tcp ports (11 no-responses, 2 host-unreaches)',
      'PORT   STATE SERVICE',
      '22/tcp open  ssh',
    ],
  },
  {
    name: 'Spanish, with reasons',
    h: host({ hostname: 'caja.test' }),
    opts: { lang: 'es', reason: true },
    want: [
      'Informe de Portcullis para caja.test (198.18.0.2)',
      'El host está activo (latencia 0.00042 s).',
      'No se muestran: 65520 puertos tcp cerrados (conn-refused), 12 puertos tcp filtrados (10 no-responses, 2 host-unreaches)',
      'PUERTO   ESTADO   SERVICIO   MOTIVO',
      '22/tcp   abierto  ssh        conn-accept',
      '80/tcp   cerrado  http       conn-refused',
      '8080/tcp filtrado http-proxy no-response',
    ],
  },
  {
    name: 'every port in one state',
    h: host({ ports: [], notShown: [{ state: 'closed', count: 1000, reasons: { 'conn-refused': 1000 } }], counts: { closed: 1000 } }),
    opts: {},
    want: ['Portcullis scan report for 198.18.0.2', 'Host is up (0.00042s latency).', 'All 1000 scanned ports on this host are closed tcp ports (conn-refused)'],
  },
  {
    name: 'every port in one state, in Spanish',
    h: host({ ports: [], notShown: [{ state: 'filtered', count: 3, reasons: { 'no-response': 3 } }], counts: { filtered: 3 }, status: 'unknown', srttMs: null }),
    opts: { lang: 'es' },
    want: ['Informe de Portcullis para 198.18.0.2', 'El host no respondió en ningún puerto (todos filtrados).', 'Los 3 puertos escaneados de este host son puertos tcp filtrados (no-response)'],
  },
  {
    name: 'a host that timed out, with no latency estimate',
    h: host({ ports: [port(22, 'open', 'conn-accept', 'ssh')], notShown: [], counts: { open: 1 }, srttMs: null, timedOut: true }),
    opts: {},
    want: ['Portcullis scan report for 198.18.0.2', 'Host is up.', 'Skipping the rest of this host: --host-timeout reached.', 'PORT   STATE SERVICE', '22/tcp open  ssh'],
  },
  {
    name: 'an unknown service and an IPv6 address',
    h: host({ host: '2001:2::2', family: 6, ports: [{ ...port(9, 'open', 'conn-accept'), host: '2001:2::2' }], notShown: [], counts: { open: 1 } }),
    opts: {},
    want: ['Portcullis scan report for 2001:2::2', 'Host is up (0.00042s latency).', 'PORT  STATE SERVICE', '9/tcp open  unknown'],
  },
  {
    name: 'a hostile hostname and service name',
    h: host({ hostname: '\u001b[2J\u001b]0;x\u0007evil\r', ports: [port(22, 'open', 'conn-accept', 'ss\u0000h\u001b[8m')], notShown: [], counts: { open: 1 } }),
    opts: {},
    want: ['Portcullis scan report for \\x1b[2J\\x1b]0;x\\x07evil\\x0d (198.18.0.2)', 'Host is up (0.00042s latency).', 'PORT   STATE SERVICE', '22/tcp open  ss\\x00h\\x1b[8m'],
  },
];
for (const c of cases) {
  test(`renderHost formats ${c.name}`, () => assert.deepEqual(renderHost(c.h, c.opts).split('\n'), c.want));
}

test('renderHost colours states only when asked', () => {
  const plain = renderHost(host(), { color: false });
  // eslint-disable-next-line no-control-regex -- no colour without the option
  assert.doesNotMatch(plain, /\u001b/);
  const lines = renderHost(host(), { color: true }).split('\n');
  assert.equal(lines.find((l) => l.startsWith('22/tcp')), '22/tcp   \u001b[32mopen    \u001b[39m ssh');
  assert.equal(lines.find((l) => l.startsWith('80/tcp')), '80/tcp   \u001b[31mclosed  \u001b[39m http');
  assert.equal(lines.find((l) => l.startsWith('8080/tcp')), '8080/tcp \u001b[33mfiltered\u001b[39m http-proxy');
  // The header and "Not shown" lines stay plain.
  assert.ok(lines.slice(0, 4).every((l) => !l.includes('\u001b')));
});

const latencies: [ms: number, want: string][] = [
  [0.42, '0.00042'],
  [0.04, '0.000040'],
  [1, '0.0010'],
  [12.345, '0.012'],
  [250, '0.25'],
  [1500, '1.5'],
  [12_300, '12'],
  [0, '0.0'],
];
for (const [ms, want] of latencies) {
  test(`formatLatency prints ${ms} ms as ${want} s`, () => assert.equal(formatLatency(ms), want));
}

const reasons: [Record<string, number>, string][] = [
  [{ 'conn-refused': 5 }, 'conn-refused'],
  [{ 'no-response': 10, 'host-unreach': 2 }, '10 no-responses, 2 host-unreaches'],
  [{ 'host-unreach': 1, 'no-response': 3 }, '3 no-responses, 1 host-unreach'],
  [{ 'conn-refused': 2, reset: 2 }, '2 conn-refused, 2 resets'],
  [{ 'admin-prohibited': 4, 'net-unreach': 4 }, '4 admin-prohibiteds, 4 net-unreaches'],
];
for (const [input, want] of reasons) {
  test(`formatReasons prints ${want}`, () => assert.equal(formatReasons(input), want));
}

test('formatStart prints the start time as nmap does, in UTC', () => {
  assert.equal(formatStart(Date.UTC(2026, 10, 24, 4, 20, 59)), '2026-11-24 04:20 UTC');
});

test('messages have the same ids in English and Spanish, and every Spanish text differs where words do', () => {
  const en = messages('en');
  const es = messages('es');
  assert.deepEqual(Object.keys(es).sort(), Object.keys(en).sort());
  for (const id of ['starting', 'reportFor', 'hostUp', 'notShown', 'colPort', 'colState', 'colService', 'colReason', 'done', 'interrupted', 'warning'] as const) {
    const f = (m: typeof en): string => (m[id] as (...a: unknown[]) => string)('x', 'y', 'z', 'w');
    assert.notEqual(f(es), f(en), id);
  }
  assert.equal(es.done(1, 1, '0.10'), 'Portcullis terminó: 1 dirección IP (1 host activo) escaneada en 0.10 segundos');
  assert.equal(en.done(1, 0, '0.10'), 'Portcullis done: 1 IP address (0 hosts up) scanned in 0.10 seconds');
});

const header: ScanHeader = { tool: 'portcullis', version: '0.1.0', args: ['portcullis', 'scan', '198.18.0.2'], scanType: 'connect', protocols: ['tcp'], portSpec: { tcp: '1-65535' }, numPorts: 65535, numHosts: 2, startedAt: Date.UTC(2026, 10, 24, 4, 20, 0), seed: 's' };
const summary = (interrupted: boolean): ScanSummary => ({ endedAt: header.startedAt + 1234, elapsedMs: 1234, hostsTotal: 2, hostsUp: 2, probesSent: 131_070, portsScanned: 131_070, counts: { open: 2 }, interrupted, failedTargets: [] });

/** Runs a whole scan through a normal sink writing to a collector, as the terminal does. */
async function run(opts: SinkOptions, interrupted = false): Promise<{ text: string; writes: number }> {
  const chunks: string[] = [];
  const sink = await openSink('normal', '-', { ...opts, stdout: { write: (s: string) => chunks.push(s) > 0 } });
  sink.begin(header);
  sink.port(port(22, 'open', 'conn-accept', 'ssh'));
  sink.warning({ code: 'PC_UNRESOLVED', message: 'could not resolve "nx.test\u001b[2J"', subject: 'nx.test' });
  sink.host(host({ hostname: 'box.test' }));
  sink.host(host({ host: '2001:2::2', family: 6, ports: [{ ...port(443, 'open', 'conn-accept', 'https'), host: '2001:2::2' }], notShown: [{ state: 'closed', count: 65534, reasons: { 'conn-refused': 65534 } }], counts: { open: 1, closed: 65534 } }));
  await sink.end(summary(interrupted));
  await sink.end(summary(interrupted)); // a second end() (after an interrupt) writes nothing more
  return { text: chunks.join(''), writes: chunks.length };
}

function fixture(name: string, actual: string): string {
  const url = new URL(`../fixtures/report/${name}`, import.meta.url);
  if (process.env['PC_UPDATE_FIXTURES'] === '1') writeFileSync(url, actual);
  return readFileSync(url, 'utf8');
}

test('NormalSink writes the whole terminal output as the English fixture', async () => {
  const { text } = await run({ reason: true, verbose: 1 });
  assert.equal(text, fixture('normal-en.txt', text));
});

test('NormalSink writes the whole terminal output as the Spanish fixture', async () => {
  const { text } = await run({ lang: 'es', verbose: 1 });
  assert.equal(text, fixture('normal-es.txt', text));
});

test('NormalSink on the terminal shows warnings only when verbose (the CLI prints them to stderr)', async () => {
  assert.doesNotMatch((await run({})).text, /Warning/);
  assert.match((await run({ verbose: 1 })).text, /^Warning: could not resolve "nx\.test\\x1b\[2J"$/m);
});

test('NormalSink says when the scan was interrupted', async () => {
  const { text } = await run({}, true);
  assert.match(text, /^Scan interrupted: the results above are complete up to that point\.\nPortcullis done: 2 IP addresses \(2 hosts up\) scanned in 1\.23 seconds\n$/m);
});

test('renderHost names a STARTTLS port by its plain service and a TLS port as ssl/<service>, as nmap does', () => {
  const svc = { name: 'smtp', method: 'probed', confidence: 10 } as const;
  const p25: PortResult = { ...port(25, 'open', 'conn-accept'), service: svc, tls: { protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', via: 'starttls' } };
  const p465: PortResult = { ...port(465, 'open', 'conn-accept'), service: svc, tls: { protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', via: 'direct' } };
  const out = renderHost(host({ ports: [p25, p465] }), {});
  assert.match(out, /^25\/tcp +open +smtp\b/m);
  assert.match(out, /TLSv1\.3 TLS_AES_256_GCM_SHA384 STARTTLS/);
  assert.match(out, /^465\/tcp +open +ssl\/smtp\b/m);
});
