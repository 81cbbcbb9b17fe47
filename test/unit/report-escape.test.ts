import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { MAX_FIELD, csvField, escapeTerminal, escapeXml } from '../../src/report/escape.js';

const HUGE = 'a'.repeat(MAX_FIELD + 10_000);

const terminal: { name: string; input: string; want: string }[] = [
  { name: 'plain text', input: 'ssh', want: 'ssh' },
  { name: 'non-ASCII letters', input: 'café-ñandú.example', want: 'café-ñandú.example' },
  { name: 'an SGR colour sequence', input: '\u001b[31mred\u001b[0m', want: '\\x1b[31mred\\x1b[0m' },
  { name: 'a title-setting OSC sequence', input: '\u001b]0;pwned\u0007', want: '\\x1b]0;pwned\\x07' },
  { name: 'NUL', input: 'a\u0000b', want: 'a\\x00b' },
  { name: 'BEL', input: '\u0007', want: '\\x07' },
  { name: 'CR (overwrites the line)', input: 'ok\rEVIL', want: 'ok\\x0dEVIL' },
  { name: 'LF and tab', input: 'a\nb\tc', want: 'a\\x0ab\\x09c' },
  { name: 'DEL', input: '\u007f', want: '\\x7f' },
  { name: 'C1 CSI (one-byte ESC [)', input: '\u009b31m', want: '\\x9b31m' },
  { name: 'bidi override', input: 'abc\u202edcba', want: 'abc\\u202edcba' },
  { name: 'bidi isolate', input: '\u2066x\u2069', want: '\\u2066x\\u2069' },
  { name: 'line separator', input: 'a\u2028b', want: 'a\\u2028b' },
  { name: 'an empty string', input: '', want: '' },
];
for (const c of terminal) {
  test(`escapeTerminal makes ${c.name} visible`, () => assert.equal(escapeTerminal(c.input), c.want));
}

test('escapeTerminal lets no C0/C1 control through, for every one of them', () => {
  let all = '';
  for (let c = 0; c <= 0x9f; c++) all += String.fromCharCode(c);
  // eslint-disable-next-line no-control-regex -- the point is that none remain
  assert.doesNotMatch(escapeTerminal(all), /[\u0000-\u001f\u007f-\u009f]/);
});

test('escapeTerminal cuts a huge string and says how much was cut', () => {
  const out = escapeTerminal(HUGE);
  assert.equal(out, `${'a'.repeat(MAX_FIELD)}…[10000 more]`);
});

const xml: { name: string; input: string; want: string }[] = [
  { name: 'plain text', input: 'http-proxy', want: 'http-proxy' },
  { name: 'markup', input: '<b>&"\'', want: '&lt;b&gt;&amp;&quot;&apos;' },
  { name: 'an entity-looking string', input: '&amp;', want: '&amp;amp;' },
  { name: 'a CDATA end', input: ']]>', want: ']]&gt;' },
  { name: 'ESC (forbidden in XML 1.0)', input: '\u001b[31m', want: '\\x1b[31m' },
  { name: 'NUL', input: 'a\u0000b', want: 'a\\x00b' },
  { name: 'BEL', input: '\u0007', want: '\\x07' },
  { name: 'DEL', input: '\u007f', want: '\\x7f' },
  { name: 'tab, LF, CR (kept as references so attributes keep them)', input: '\t\n\r', want: '&#9;&#10;&#13;' },
  { name: 'U+FFFE and U+FFFF (not XML characters)', input: '\ufffe\uffff', want: '\\ufffe\\uffff' },
  { name: 'a lone high surrogate', input: 'a\ud800b', want: 'a\ufffdb' },
  { name: 'a lone low surrogate', input: 'a\udc00b', want: 'a\ufffdb' },
  { name: 'a valid surrogate pair (emoji)', input: '\ud83d\ude00', want: '\ud83d\ude00' },
];
for (const c of xml) {
  test(`escapeXml handles ${c.name}`, () => assert.equal(escapeXml(c.input), c.want));
}

test('escapeXml output parses back to the visible form of the input, in an attribute and in text', () => {
  let hostile = '';
  for (let c = 0; c <= 0xa0; c++) hostile += String.fromCharCode(c);
  hostile += '\ud800\ufffe<![CDATA[x]]>';
  const doc = `<r a="${escapeXml(hostile)}">${escapeXml(hostile)}</r>`;
  assert.equal(XMLValidator.validate(doc), true);
  const parsed = new XMLParser({ ignoreAttributes: false, processEntities: true, trimValues: false, parseTagValue: false, parseAttributeValue: false }).parse(doc) as { r: { '@_a': string; '#text': string } };
  // eslint-disable-next-line no-control-regex -- no character XML 1.0 forbids survives
  const forbidden = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;
  assert.doesNotMatch(parsed.r['@_a'], forbidden);
  assert.match(parsed.r['@_a'], /<!\[CDATA\[x\]\]>$/);
});

test('escapeXml cuts a huge string', () => {
  assert.equal(escapeXml(HUGE).length, MAX_FIELD + '…[10000 more]'.length);
});

const csv: { name: string; input: string | number | null | undefined; want: string }[] = [
  { name: 'plain text', input: 'ssh', want: 'ssh' },
  { name: 'a number', input: 0.42, want: '0.42' },
  { name: 'a negative number (ours, not a formula)', input: -1, want: '-1' },
  { name: 'null', input: null, want: '' },
  { name: 'undefined', input: undefined, want: '' },
  { name: 'a comma', input: 'a,b', want: '"a,b"' },
  { name: 'a quote', input: 'say "hi"', want: '"say ""hi"""' },
  { name: 'CRLF', input: 'a\r\nb', want: '"a\r\nb"' },
  { name: 'a formula with =', input: '=HYPERLINK("x")', want: '"\'=HYPERLINK(""x"")"' },
  { name: 'a formula with +', input: '+1+1', want: "'+1+1" },
  { name: 'a formula with -', input: '-2+3', want: "'-2+3" },
  { name: 'a formula with @', input: '@SUM(A1)', want: "'@SUM(A1)" },
  { name: 'a leading tab', input: '\t=1', want: "'\t=1" },
  { name: 'a leading CR', input: '\r=1', want: '"\'\r=1"' },
  { name: 'a DDE payload', input: '=cmd|\' /C calc\'!A0', want: "'=cmd|' /C calc'!A0" },
  { name: 'an = later in the field', input: 'a=b', want: 'a=b' },
];
for (const c of csv) {
  test(`csvField quotes ${c.name}`, () => assert.equal(csvField(c.input), c.want));
}

test('csvField cuts a huge string', () => {
  assert.equal(csvField(HUGE), `${'a'.repeat(MAX_FIELD)}…[10000 more]`);
});
