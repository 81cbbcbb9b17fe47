import { test } from 'node:test';
import assert from 'node:assert/strict';
import { riskEntries, riskFor, type RiskInfo } from '../../src/identify/risk.js';
import { formatExplanation } from '../../src/report/explain.js';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

const sample: RiskInfo = {
  service: 'demo',
  level: 'high',
  summary: 'A demo service that exists only in this test.',
  why: 'It is risky because the sentence is long enough to need wrapping at a narrow width, which is the point of this example.',
  fix: ['Set `bind 127.0.0.1 ::1` in demo.conf and restart it.', 'Allow its port in the firewall only from the hosts that need it, and nothing else at all.'],
  sources: ['nist-sp800-123'],
  references: [],
  lang: 'en',
  matchedBy: 'name',
};

test('formatExplanation renders header, summary, why and numbered fix steps', () => {
  const out = formatExplanation(sample, { color: false, width: 80 });
  assert.equal(
    out,
    [
      'demo: risk HIGH',
      '  A demo service that exists only in this test.',
      '  Why it matters: It is risky because the sentence is long enough to need',
      '  wrapping at a narrow width, which is the point of this example.',
      '  How to close or restrict it:',
      '    1. Set `bind 127.0.0.1 ::1` in demo.conf and restart it.',
      '    2. Allow its port in the firewall only from the hosts that need it, and',
      '       nothing else at all.',
      '  Sources: nist-sp800-123',
    ].join('\n'),
  );
});

test('formatExplanation wraps every line to the width, without cutting words', () => {
  for (const width of [40, 57, 80, 120]) {
    for (const entry of riskEntries()) {
      for (const lang of ['en', 'es'] as const) {
        // By port, so the header carries its note too.
        const [port, proto] = entry.ports[0]!.split('/') as [string, 'tcp' | 'udp'];
        const r = riskFor({ name: 'unknown', port: Number(port), proto }, lang);
        assert.ok(r);
        const name = entry.service;
        const out = formatExplanation(r, { color: false, width });
        for (const line of out.split('\n')) {
          // A single word longer than the width may overflow; nothing else may.
          const words = line.trim().split(' ');
          if (words.length > 1) assert.ok([...line].length <= width, `${name}/${lang}/${width}: "${line}" is ${[...line].length} wide`);
        }
        // Every word of the text is there, in order.
        const flat = out.replace(/\s+/g, ' ');
        for (const step of r.fix) assert.ok(flat.includes(step.replace(/\s+/g, ' ')), step);
        assert.ok(flat.includes(r.why.replace(/\s+/g, ' ')));
      }
    }
  }
});

test('formatExplanation speaks the language of the risk text', () => {
  const es = riskFor({ name: 'telnet', port: 23, proto: 'tcp' }, 'es');
  assert.ok(es);
  const out = formatExplanation(es, { color: false });
  assert.match(out, /^telnet: riesgo CRÍTICO$/m);
  assert.match(out, /^ {2}Por qué importa: /m);
  assert.match(out, /^ {2}Cómo cerrarlo o restringirlo:$/m);
  assert.match(out, /^ {2}Fuentes: /m);
});

test('formatExplanation says when the service was identified by its port', () => {
  const r = riskFor({ name: 'unknown', port: 6379, proto: 'tcp' }, 'en');
  assert.ok(r);
  assert.match(formatExplanation(r, { color: false }).split('\n')[0]!, /^redis: risk CRITICAL \(identified by its usual port\)$/);
});

test('formatExplanation with colour: same text once escapes are removed, code spans shown without backticks', () => {
  const plain = formatExplanation(sample, { color: false, width: 60 });
  const colored = formatExplanation(sample, { color: true, width: 60 });
  assert.notEqual(colored, plain);
  assert.match(colored, ANSI);
  const stripped = colored.replace(ANSI, '');
  // Backticks go; everything else stays the same (wrapping may differ by the two backticks per span).
  assert.equal(stripped.replace(/\s+/g, ' '), plain.replace(/`/g, '').replace(/\s+/g, ' '));
  assert.ok(colored.includes('\u001b[36mbind 127.0.0.1 ::1\u001b[39m'), 'code span in cyan');
  for (const line of stripped.split('\n')) assert.ok([...line].length <= 60, line);
});

test('formatExplanation escapes control characters from a hostile RiskInfo', () => {
  const out = formatExplanation({ ...sample, service: 'x\u001b[2J', summary: 'evil\u0007 text' }, { color: false });
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(out, /[\u0000-\u0008\u001b]/);
  assert.match(out, /x\\x1b\[2J/);
});

test('formatExplanation keeps a narrow width usable', () => {
  const out = formatExplanation(sample, { color: false, width: 10 });
  // Clamped to 40 columns.
  for (const line of out.split('\n')) assert.ok([...line].length <= 40, line);
  // A width that is not a number (an unset COLUMNS, say) means the default 80.
  assert.equal(formatExplanation(sample, { color: false, width: Number.NaN }), formatExplanation(sample, { color: false }));
  assert.equal(formatExplanation(sample, { color: false, width: Infinity }), formatExplanation(sample, { color: false }));
});

test('formatExplanation keeps a code span on one line when it fits, and breaks one that cannot', () => {
  const r: RiskInfo = { ...sample, fix: ['First set the value `bind 127.0.0.1 ::1` in the file.', 'Run `a b c d e f g h i j k l m n o p q r s t u v w x y z a b c d e f g` now.'] };
  const out = formatExplanation(r, { color: false, width: 40 });
  assert.match(out, /^ {7}`bind 127\.0\.0\.1 ::1` in the file\.$/m);
  for (const line of out.split('\n')) assert.ok([...line].length <= 40, line);
});

test('formatExplanation keeps the header within the width when the service was found by port', () => {
  const r = riskFor({ name: 'unknown', port: 9100, proto: 'tcp' }, 'es');
  assert.ok(r);
  const lines = formatExplanation(r, { color: false, width: 40 }).split('\n');
  assert.equal(lines[0], 'prometheus-node-exporter: riesgo MEDIO');
  assert.equal(lines[1], '  (identificado por su puerto habitual)');
  for (const line of lines) if (line.trim().includes(' ')) assert.ok([...line].length <= 40, line);
});
