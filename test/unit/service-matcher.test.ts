import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPortcullisError } from '../../src/core/errors.js';
import { latin1View, matchAnswer, MATCH_VIEW_BYTES, MAX_CAPTURE, sanitizeCapture } from '../../src/identify/matcher.js';
import { compileSignatures, probeBytes, type SignatureFile } from '../../src/identify/signature-db.js';

const file: SignatureFile = {
  family: 'test',
  description: 'a small database for the matcher tests',
  probes: [
    { name: 'NULL', proto: 'tcp', payload: '', rarity: 1, tls: true, spec: 'banner' },
    { name: 'Get', proto: 'tcp', payload: 'GET / HTTP/1.0\r\n\r\n', rarity: 1, tls: true, fallback: ['NULL'], spec: 'RFC 9112' },
  ],
  matchers: [
    { id: 'ssh', probe: 'NULL', service: 'ssh', pattern: '^SSH-([\\d.]+)-OpenSSH_([\\w.]+)', product: 'OpenSSH', version: '$2', extrainfo: ['protocol $1'], cpe: ['cpe:/a:openbsd:openssh:$2'] },
    { id: 'web-server', probe: 'Get', service: 'http', pattern: '^HTTP/1\\.[01] \\d\\d\\d[^\\r\\n]*\\r\\n(?:[^\\r\\n]+\\r\\n)*?Server: (\\w+)(?:/([\\d.]+))?\\r\\n', product: '$1', version: '$2', extrainfo: ['title: $title', 'redirect: $location', 'status $status'], cpe: ['cpe:/a:x:$1:$2'] },
    { id: 'web-soft', probe: 'Get', service: 'http', soft: true, pattern: '^HTTP/1\\.[01] ', extrainfo: 'soft' },
    { id: 'other-soft', probe: 'Get', service: 'rtsp', soft: true, pattern: '^HTTP/1\\.0 ' },
  ],
};
const db = compileSignatures([file]);
const m = (probe: string, s: string, only?: string) => matchAnswer(db, probe, Buffer.from(s, 'latin1'), only);

test('sanitizeCapture keeps printable text and cuts the rest', () => {
  const cases: [string | undefined, string][] = [
    [undefined, ''],
    ['OpenSSH_9.6', 'OpenSSH_9.6'],
    ['\u001b[31mred\u001b[0m', 'red'],
    ['a\u0000b\u0007c', 'abc'],
    ['  many   spaces\r\n', 'many spaces'],
    ['Ünïcödé-latin1 \u00e9', 'Ünïcödé-latin1 é'],
    ['x'.repeat(500), 'x'.repeat(MAX_CAPTURE)],
    ['\u202e\u2066rtl', 'rtl'],
  ];
  for (const [input, want] of cases) assert.equal(sanitizeCapture(input), want, JSON.stringify(input));
});

test('latin1View reads at most MATCH_VIEW_BYTES, one character per byte', () => {
  assert.equal(latin1View(Buffer.alloc(MATCH_VIEW_BYTES * 3, 0x41)).length, MATCH_VIEW_BYTES);
  assert.equal(latin1View(Buffer.from([0xff, 0x00, 0x80])), '\u00ff\u0000\u0080');
});

test('matchAnswer fills templates from captures and HTTP parts', () => {
  const cases: { name: string; probe: string; answer: string; want: Record<string, unknown> | undefined }[] = [
    { name: 'ssh banner', probe: 'NULL', answer: 'SSH-2.0-OpenSSH_9.6p1\r\n', want: { name: 'ssh', method: 'probed', confidence: 10, product: 'OpenSSH', version: '9.6p1', extrainfo: 'protocol 2.0', cpe: ['cpe:/a:openbsd:openssh:9.6p1'] } },
    { name: 'fallback: a banner in answer to GET', probe: 'Get', answer: 'SSH-2.0-OpenSSH_8.4\r\n', want: { name: 'ssh', method: 'probed', confidence: 10, product: 'OpenSSH', version: '8.4', extrainfo: 'protocol 2.0', cpe: ['cpe:/a:openbsd:openssh:8.4'] } },
    { name: 'server, title, redirect', probe: 'Get', answer: 'HTTP/1.1 301 Moved\r\nLocation: https://x.test/\r\nServer: nginx/1.2\r\n\r\n<title>Moved \u001b[2J</title>', want: { name: 'http', method: 'probed', confidence: 10, product: 'nginx', version: '1.2', extrainfo: 'title: Moved; redirect: https://x.test/; status 301', cpe: ['cpe:/a:x:nginx:1.2'] } },
    { name: 'empty capture drops its part and the CPE version', probe: 'Get', answer: 'HTTP/1.0 200 OK\r\nServer: caddy\r\n\r\n', want: { name: 'http', method: 'probed', confidence: 10, product: 'caddy', extrainfo: 'status 200', cpe: ['cpe:/a:x:caddy'] } },
    { name: 'no hard match: the first soft one', probe: 'Get', answer: 'HTTP/1.1 404 Not Found\r\n\r\n', want: { name: 'http', method: 'probed', confidence: 8, extrainfo: 'soft' } },
    { name: 'nothing fits', probe: 'Get', answer: 'RFB 003.008\n', want: undefined },
    { name: 'empty answer', probe: 'NULL', answer: '', want: undefined },
  ];
  for (const c of cases) assert.deepEqual(m(c.probe, c.answer)?.service, c.want, c.name);
});

test('matchAnswer narrows to one service after a soft match', () => {
  assert.equal(m('Get', 'HTTP/1.0 200 OK\r\n\r\n')?.matcher.id, 'web-soft');
  assert.equal(m('Get', 'HTTP/1.0 200 OK\r\n\r\n', 'rtsp')?.matcher.id, 'other-soft');
  assert.equal(m('Get', 'HTTP/1.0 200 OK\r\nServer: a\r\n\r\n', 'ssh'), undefined);
});

test('compileSignatures rejects bad data, naming the entry', () => {
  const base = (over: Partial<SignatureFile['matchers'][number]>): SignatureFile[] => [{ ...file, matchers: [{ id: 'x', probe: 'NULL', service: 'x', pattern: '^x', ...over }] }];
  const cases: [string, SignatureFile[], RegExp][] = [
    ['bad regex', base({ pattern: '(' }), /matcher x: pattern does not compile/],
    ['unknown probe', base({ probe: 'Nope' }), /matcher x: names unknown probe Nope/],
    ['capture beyond the groups', base({ pattern: '^(a)', version: '$2' }), /version uses \$2 but the pattern has 1 groups/],
    ['bad flags', base({ flags: 'g' }), /flags "g"/],
    ['bad service name', base({ service: 'Not OK' }), /lower-case IANA-style/],
    ['duplicate id', [{ ...file, matchers: [file.matchers[0]!, file.matchers[0]!] }], /matcher ssh: id used twice/],
    ['duplicate probe', [file, { ...file, matchers: [] }], /probe NULL: defined twice/],
    ['rarity', [{ ...file, probes: [{ ...file.probes![0]!, rarity: 10 }], matchers: [] }], /rarity must be 1..9/],
    ['unknown fallback', [{ ...file, probes: [{ ...file.probes![0]!, fallback: ['Zed'] }], matchers: [] }], /fallback names unknown probe Zed/],
  ];
  for (const [name, files, re] of cases) {
    assert.throws(() => compileSignatures(files), (e: unknown) => isPortcullisError(e, 'PC_SIGNATURE_DATA') && re.test(e.message), name);
  }
});

test('probeBytes reads Latin-1 payloads and hex', () => {
  assert.deepEqual(probeBytes({ name: 'a', proto: 'tcp', payload: 'AMQP\u0000\u0000\u0009\u0001', rarity: 1, tls: true, spec: 's' }), Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 0, 9, 1]));
  assert.deepEqual(probeBytes({ name: 'a', proto: 'tcp', hex: '03 00 00 13', rarity: 1, tls: true, spec: 's' }), Buffer.from([3, 0, 0, 0x13]));
  assert.throws(() => probeBytes({ name: 'a', proto: 'tcp', hex: '0', rarity: 1, tls: true, spec: 's' }), /even number/);
  assert.throws(() => probeBytes({ name: 'a', proto: 'tcp', payload: '€', rarity: 1, tls: true, spec: 's' }), /above/);
});
