import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { isPortcullisError } from '../../src/core/errors.js';
import { globMatches } from '../../src/policy/glob.js';
import { parsePolicy } from '../../src/policy/parse-policy.js';
import type { Policy } from '../../src/policy/policy.js';

const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats.default(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(new URL('../../docs/reference/policy.schema.json', import.meta.url), 'utf8')) as object);
const fixture = (name: string): string => readFileSync(new URL(`../fixtures/policy/${name}`, import.meta.url), 'utf8');

function schemaAccepts(text: string): boolean {
  return validate(parseYaml(text) as unknown);
}

// Valid files: the schema and the parser must both accept them, and the parser must read them right.
const validFiles: { file: string; check: (p: Policy) => void }[] = [
  {
    file: 'example.yaml',
    check: (p) => {
      assert.equal(p.raw, 'deny');
      assert.deepEqual(
        p.allow.map((a) => [a.line, a.port.first, a.port.last, a.proto]),
        [
          [4, 22, 22, 'tcp'],
          [5, 443, 443, 'tcp'],
          [6, 5432, 5432, 'tcp'],
          [7, 8000, 8010, 'tcp'],
        ],
      );
      assert.deepEqual(p.allow[1]!.from, [{ family: 4, address: '198.18.0.0', prefix: 15 }]);
      assert.deepEqual(p.allow[2]!.bind, { kind: 'scope', scope: 'loopback' });
      assert.equal(p.allow[2]!.exe, '/usr/lib/postgresql/*/bin/postgres');
      assert.deepEqual(p.allow[3]!.user, { kind: 'name', name: 'www-data' });
      assert.equal(p.allow[3]!.interface, 'eth0');
      assert.deepEqual(
        p.deny.map((d) => [d.index, d.line, d.port.first, d.proto]),
        [[0, 9, 23, 'tcp']],
      );
    },
  },
  {
    file: 'minimal.yaml',
    check: (p) => {
      assert.deepEqual({ ...p }, { file: 'minimal.yaml', version: 1, raw: 'deny', allow: [], deny: [] });
    },
  },
  {
    file: 'full.yaml',
    check: (p) => {
      assert.equal(p.raw, 'allow');
      const [ssh, resolved, dnsmasq, exporter, udpLow] = p.allow;
      assert.equal(ssh!.expect, true);
      assert.equal(ssh!.comment, 'SSH for the admins');
      assert.deepEqual(ssh!.from, [
        { family: 4, address: '198.18.0.0', prefix: 15 },
        { family: 6, address: '2001:db8::', prefix: 32 },
        { family: 4, address: '192.0.2.7', prefix: 32 },
      ]);
      assert.deepEqual(resolved!.bind, { kind: 'address', family: 4, address: '127.0.0.53' });
      assert.deepEqual(resolved!.user, { kind: 'uid', uid: 991 });
      // A quoted all-digit user is a uid too.
      assert.deepEqual(dnsmasq!.user, { kind: 'uid', uid: 65534 });
      // proto defaults to tcp; the *admins alias resolves to the same list.
      assert.equal(exporter!.proto, 'tcp');
      assert.equal(exporter!.expect, false);
      assert.deepEqual(exporter!.from, ssh!.from);
      assert.deepEqual(exporter!.bind, { kind: 'address', family: 6, address: '::1' });
      assert.deepEqual(udpLow!.port, { first: 1, last: 1023 });
      assert.deepEqual(udpLow!.bind, { kind: 'address', family: 6, address: '::' });
      assert.deepEqual(
        p.deny.map((d) => [d.line, d.port.first, d.proto, d.interface ?? null, d.comment ?? null]),
        [
          [34, 23, 'tcp', null, null],
          [35, 3389, 'tcp', 'wlan0', 'no RDP'],
          [36, 2049, 'udp', null, null],
        ],
      );
    },
  },
  {
    file: 'duplicates.yaml',
    check: (p) => {
      assert.equal(p.allow.length, 3);
      assert.deepEqual(
        p.allow.map((a) => a.index),
        [0, 1, 2],
      );
    },
  },
];
for (const c of validFiles) {
  test(`parsePolicy reads fixture ${c.file}`, () => {
    c.check(parsePolicy(fixture(c.file), c.file));
  });
  test(`policy schema accepts fixture ${c.file}`, () => {
    assert.ok(schemaAccepts(fixture(c.file)), ajv.errorsText(validate.errors));
  });
}

const validInline: { name: string; yaml: string }[] = [
  { name: 'a port allowed on udp and denied on tcp', yaml: 'version: 1\nallow: [{ port: 53, proto: udp }]\ndeny: [{ port: 53, proto: tcp }]\n' },
  { name: 'the whole port range', yaml: 'version: 1\nallow: [{ port: 1-65535, proto: udp }]\n' },
  { name: 'uid 0 and the any-address sources', yaml: 'version: 1\nallow: [{ port: 22, user: 0, from: ["0.0.0.0/0", "::/0"] }]\n' },
  { name: 'a deny list alone', yaml: 'version: 1\ndeny:\n  - port: 23\n' },
  { name: 'empty lists and comments', yaml: '# nothing may listen\nversion: 1 # the format\nallow: []\ndeny: []\nraw: deny\n' },
  { name: 'an IPv4-mapped bind address', yaml: 'version: 1\nallow: [{ port: 80, bind: "::ffff:192.0.2.1" }]\n' },
  { name: 'a ** glob and a ? glob', yaml: 'version: 1\nallow: [{ port: 80, exe: "/opt/**/bin/http?" }]\n' },
];
for (const c of validInline) {
  test(`parsePolicy and the schema accept ${c.name}`, () => {
    assert.doesNotThrow(() => parsePolicy(c.yaml, 'policy.yaml'));
    assert.ok(schemaAccepts(c.yaml), ajv.errorsText(validate.errors));
  });
}

// Invalid files. `schema` says whether the JSON Schema rejects the file too: true when it
// can, false with the reason when the problem is one a schema cannot express, 'yaml' when
// the text is not YAML at all.
const invalid: { name: string; yaml: string; wantErr: RegExp; wantEs?: RegExp; schema: true | 'yaml' | { cannot: string } }[] = [
  {
    name: 'a port above 65535',
    yaml: 'version: 1\nallow:\n  - { port: 22, proto: tcp }\n  - { port: 70000, proto: tcp }\n',
    wantErr: /^policy\.yaml line 4: allow\[1\]\.port: 70000 is not a port \(1-65535\)$/,
    wantEs: /^policy\.yaml línea 4: allow\[1\]\.port: 70000 no es un puerto \(1-65535\)$/,
    schema: true,
  },
  { name: 'port 0', yaml: 'version: 1\nallow:\n  - port: 0\n', wantErr: /^policy\.yaml line 3: allow\[0\]\.port: 0 is not a port \(1-65535\)$/, schema: true },
  { name: 'a fractional port', yaml: 'version: 1\nallow:\n  - port: 22.5\n', wantErr: /line 3: allow\[0\]\.port: 22\.5 is not a port/, schema: true },
  { name: 'a reversed range', yaml: 'version: 1\nallow:\n  - port: 8010-8000\n', wantErr: /line 3: allow\[0\]\.port: "8010-8000" is a reversed range \(write 8000-8010\)$/, schema: { cannot: 'compare the two ends of a range' } },
  { name: 'a range from port 0', yaml: 'version: 1\nallow:\n  - port: 0-10\n', wantErr: /line 3: allow\[0\]\.port: 0 in "0-10" is not a port \(1-65535\)$/, schema: true },
  { name: 'a range past 65535', yaml: 'version: 1\ndeny:\n  - port: 65530-65536\n', wantErr: /line 3: deny\[0\]\.port: 65536 in "65530-65536" is not a port/, schema: true },
  { name: 'a range with leading zeros', yaml: 'version: 1\nallow:\n  - port: 080-090\n', wantErr: /line 3: allow\[0\]\.port: "080-090": write the ports without leading zeros$/, schema: true },
  { name: 'a port that is a word', yaml: 'version: 1\nallow:\n  - port: ssh\n', wantErr: /line 3: allow\[0\]\.port: "ssh" is not a port number or a range "first-last"/, schema: true },
  { name: 'a port that is a list', yaml: 'version: 1\nallow:\n  - port: [22, 23]\n', wantErr: /line 3: allow\[0\]\.port: a list is not a port number or a range/, schema: true },
  { name: 'a missing port', yaml: 'version: 1\nallow:\n  - proto: tcp\n', wantErr: /^policy\.yaml line 3: allow\[0\]: port is missing$/, wantEs: /línea 3: allow\[0\]: falta port$/, schema: true },
  { name: 'an unknown protocol', yaml: 'version: 1\nallow:\n  - { port: 22, proto: sctp }\n', wantErr: /line 3: allow\[0\]\.proto: "sctp" is not a protocol \(tcp or udp\)$/, schema: true },
  { name: 'an upper-case protocol', yaml: 'version: 1\nallow:\n  - { port: 22, proto: TCP }\n', wantErr: /allow\[0\]\.proto: "TCP" is not a protocol/, schema: true },
  {
    name: 'a misspelt entry key',
    yaml: 'version: 1\nallow:\n  - port: 22\n    prot: udp\n',
    wantErr: /^policy\.yaml line 4: allow\[0\]: unknown key "prot" \(did you mean "proto"\?\)$/,
    wantEs: /línea 4: allow\[0\]: clave desconocida "prot" \(¿quería decir "proto"\?\)$/,
    schema: true,
  },
  { name: 'a misspelt top-level key', yaml: 'version: 1\nalow: []\n', wantErr: /^policy\.yaml line 2: unknown key "alow" \(did you mean "allow"\?\)$/, schema: true },
  { name: 'an unknown key with no near match', yaml: 'version: 1\nallow:\n  - { port: 22, zzzzzzzz: 1 }\n', wantErr: /unknown key "zzzzzzzz" \(known keys: port, proto, from, interface, comment, bind, exe, user, expect\)$/, schema: true },
  { name: 'exe in a deny entry', yaml: 'version: 1\ndeny:\n  - { port: 23, exe: /usr/sbin/telnetd }\n', wantErr: /line 3: deny\[0\]: "exe" is not allowed here: a denied port is denied to every program/, schema: true },
  { name: 'expect in a deny entry', yaml: 'version: 1\ndeny:\n  - { port: 23, expect: true }\n', wantErr: /deny\[0\]: "expect" is not allowed here/, schema: true },
  { name: 'expect that is not a boolean', yaml: 'version: 1\nallow:\n  - { port: 22, expect: yes }\n', wantErr: /allow\[0\]\.expect: "yes" is not true or false$/, schema: true },
  { name: 'an unknown bind scope', yaml: 'version: 1\nallow:\n  - { port: 22, bind: lo }\n', wantErr: /allow\[0\]\.bind: "lo" is not loopback, interface, all or an IP address$/, schema: true },
  { name: 'a bind address with a zone', yaml: 'version: 1\nallow:\n  - { port: 22, bind: "fe80::1%eth0" }\n', wantErr: /allow\[0\]\.bind: "fe80::1%eth0" has a zone \(%eth0\); use the interface field instead$/, schema: true },
  { name: 'a bind address with a leading zero', yaml: 'version: 1\nallow:\n  - { port: 22, bind: 010.0.0.1 }\n', wantErr: /allow\[0\]\.bind: "010\.0\.0\.1" is not loopback, interface, all or an IP address$/, schema: true },
  { name: 'from as a single string', yaml: 'version: 1\nallow:\n  - { port: 443, from: 198.18.0.0/15 }\n', wantErr: /allow\[0\]\.from: "198\.18\.0\.0\/15" is not a list of addresses or CIDR blocks$/, schema: true },
  { name: 'an empty from list', yaml: 'version: 1\nallow:\n  - { port: 443, from: [] }\n', wantErr: /allow\[0\]\.from: the list is empty \(leave "from" out to admit any source\)$/, schema: true },
  { name: 'an IPv4 prefix above 32', yaml: 'version: 1\nallow:\n  - port: 443\n    from:\n      - 10.0.0.0/8\n      - 198.18.0.0/33\n', wantErr: /^policy\.yaml line 6: allow\[0\]\.from\[1\]: "198\.18\.0\.0\/33": the prefix length must be 0-32$/, schema: true },
  { name: 'an IPv6 prefix above 128', yaml: 'version: 1\ndeny:\n  - { port: 443, from: ["2001:db8::/129"] }\n', wantErr: /deny\[0\]\.from\[0\]: "2001:db8::\/129": the prefix length must be 0-128$/, schema: true },
  { name: 'an octet above 255', yaml: 'version: 1\nallow:\n  - { port: 443, from: [300.1.1.1] }\n', wantErr: /allow\[0\]\.from\[0\]: "300\.1\.1\.1" is not an IP address: octet 300 is out of range$/, schema: true },
  { name: 'a hostname as a source', yaml: 'version: 1\nallow:\n  - { port: 443, from: [example.com] }\n', wantErr: /allow\[0\]\.from\[0\]: "example\.com" is not an IP address/, schema: true },
  { name: 'a source with a zone', yaml: 'version: 1\nallow:\n  - { port: 443, from: ["fe80::1%eth0"] }\n', wantErr: /allow\[0\]\.from\[0\]: "fe80::1%eth0" has a zone/, schema: true },
  { name: 'a malformed IPv6 source', yaml: 'version: 1\nallow:\n  - { port: 443, from: ["2001:db8:::1"] }\n', wantErr: /allow\[0\]\.from\[0\]: "2001:db8:::1" is not an IP address: ":::" is not valid$/, schema: { cannot: 'validate IPv6 text inside a CIDR pattern (the pattern is loose)' } },
  { name: 'a block with host bits set', yaml: 'version: 1\nallow:\n  - { port: 443, from: [198.18.0.1/15] }\n', wantErr: /allow\[0\]\.from\[0\]: "198\.18\.0\.1\/15" has host bits set \(did you mean 198\.18\.0\.0\/15\?\)$/, schema: { cannot: 'do bit arithmetic' } },
  { name: 'an IPv6 block with host bits set', yaml: 'version: 1\nallow:\n  - { port: 443, from: ["2001:db8::1/32"] }\n', wantErr: /"2001:db8::1\/32" has host bits set \(did you mean 2001:db8::\/32\?\)$/, schema: { cannot: 'do bit arithmetic' } },
  { name: 'an empty exe', yaml: 'version: 1\nallow:\n  - { port: 22, exe: "" }\n', wantErr: /allow\[0\]\.exe: "": the pattern is empty$/, schema: true },
  { name: 'an exe with ***', yaml: 'version: 1\nallow:\n  - { port: 22, exe: "/usr/***/sshd" }\n', wantErr: /allow\[0\]\.exe: "\/usr\/\*\*\*\/sshd": "\*\*\*" means nothing more than "\*\*"/, schema: true },
  { name: 'an exe that is a number', yaml: 'version: 1\nallow:\n  - { port: 22, exe: 5 }\n', wantErr: /allow\[0\]\.exe: 5 is not a path or glob$/, schema: true },
  { name: 'a user name with a space', yaml: 'version: 1\nallow:\n  - { port: 22, user: "www data" }\n', wantErr: /allow\[0\]\.user: "www data" is not a user name or a uid \(0-4294967294\)$/, schema: true },
  { name: 'a negative uid', yaml: 'version: 1\nallow:\n  - { port: 22, user: -1 }\n', wantErr: /allow\[0\]\.user: -1 is not a user name or a uid/, schema: true },
  { name: 'a uid too large', yaml: 'version: 1\nallow:\n  - { port: 22, user: 4294967295 }\n', wantErr: /allow\[0\]\.user: 4294967295 is not a user name or a uid/, schema: true },
  { name: 'a digit-only user too large for a uid', yaml: 'version: 1\nallow:\n  - { port: 22, user: "99999999999" }\n', wantErr: /allow\[0\]\.user: "99999999999" is not a user name or a uid/, schema: { cannot: 'compare a digit string with the largest uid' } },
  { name: 'an interface name too long', yaml: 'version: 1\nallow:\n  - { port: 22, interface: enp0s31f6-and-more }\n', wantErr: /allow\[0\]\.interface: "enp0s31f6-and-more" is not an interface name \(1-15 characters/, schema: true },
  { name: 'an interface name with a slash', yaml: 'version: 1\ndeny:\n  - { port: 22, interface: eth0/1 }\n', wantErr: /deny\[0\]\.interface: "eth0\/1" is not an interface name/, schema: true },
  { name: 'a comment that is a number', yaml: 'version: 1\nallow:\n  - { port: 22, comment: 5 }\n', wantErr: /allow\[0\]\.comment: 5 is not a text$/, schema: true },
  { name: 'a missing version', yaml: 'allow:\n  - port: 22\n', wantErr: /^policy\.yaml line 1: version: missing; the first line should be "version: 1"$/, schema: true },
  { name: 'version 2', yaml: '# a comment first\nversion: 2\n', wantErr: /^policy\.yaml line 2: version: 2 is not supported \(this Portcullis reads version 1\)$/, wantEs: /línea 2: version: 2 no está soportada/, schema: true },
  { name: 'a version that is a string', yaml: 'version: "1"\n', wantErr: /line 1: version: "1" is not a version number; write "version: 1"$/, schema: true },
  { name: 'an unknown raw setting', yaml: 'version: 1\nraw: maybe\n', wantErr: /line 2: raw: "maybe" is not allow or deny$/, schema: true },
  { name: 'an allow key with no value', yaml: 'version: 1\nallow:\ndeny: []\n', wantErr: /^policy\.yaml line 2: allow: an empty value is not a list of entries \(write "allow: \[\]" for none\)$/, schema: true },
  { name: 'an allow mapping instead of a list', yaml: 'version: 1\nallow:\n  port: 22\n', wantErr: /line 3: allow: a mapping is not a list of entries/, schema: true },
  { name: 'an entry that is a bare port', yaml: 'version: 1\nallow:\n  - 22\n', wantErr: /line 3: allow\[0\]: 22 is not an entry \(a mapping such as \{ port: 22, proto: tcp \}\)$/, schema: true },
  { name: 'a list at the top', yaml: '- port: 22\n', wantErr: /^policy\.yaml line 1: a list is not a policy \(a mapping with version, allow and deny\)$/, schema: true },
  {
    name: 'a port both allowed and denied',
    yaml: 'version: 1\nallow:\n  - { port: 22 }\n  - { port: 23, proto: tcp }\ndeny:\n  - { port: 23 }\n',
    wantErr: /^policy\.yaml line 6: deny\[0\]: port 23\/tcp is also allowed by allow\[1\] \(line 4\); a port cannot be both allowed and denied$/,
    wantEs: /^policy\.yaml línea 6: deny\[0\]: el puerto 23\/tcp también está permitido por allow\[1\] \(línea 4\)/,
    schema: { cannot: 'compare entries with each other' },
  },
  { name: 'overlapping allowed and denied ranges', yaml: 'version: 1\nallow:\n  - { port: 8000-8010, proto: udp }\ndeny:\n  - { port: 8008-9000, proto: udp }\n', wantErr: /line 5: deny\[0\]: ports 8008-8010\/udp are also allowed by allow\[0\] \(line 3\)/, schema: { cannot: 'compare entries with each other' } },
  { name: 'an empty file', yaml: '', wantErr: /^policy\.yaml line 1: the policy is empty \(it needs at least "version: 1"\)$/, wantEs: /línea 1: la política está vacía/, schema: true },
  { name: 'a file of comments only', yaml: '# TODO\n\n', wantErr: /the policy is empty/, schema: true },
  { name: 'a YAML syntax error', yaml: 'version: 1\nallow:\n  - { port: 22\n', wantErr: /^policy\.yaml line \d: YAML syntax error: /, wantEs: /^policy\.yaml línea \d: error de sintaxis YAML: /, schema: 'yaml' },
  { name: 'a duplicate key', yaml: 'version: 1\nallow:\n  - port: 22\n    port: 23\n', wantErr: /^policy\.yaml line 4: YAML syntax error: Map keys must be unique$/, schema: 'yaml' },
  { name: 'a tab for indentation', yaml: 'version: 1\nallow:\n\t- port: 22\n', wantErr: /^policy\.yaml line 3: YAML syntax error: /, schema: 'yaml' },
];
/** The JSON pointer of the field the parser's message names ('allow[1].port' -> '/allow/1/port'). */
function parserPointer(text: string): string {
  try {
    parsePolicy(text, 'policy.yaml');
  } catch (err) {
    const m = /^policy\.yaml line \d+: ([a-z]+(?:\[\d+\])?(?:\.[a-z]+(?:\[\d+\])?)*): /.exec((err as Error).message);
    return m === null ? '' : `/${m[1]!.replace(/\[(\d+)\]/g, '.$1').split('.').join('/')}`;
  }
  throw new Error('parsePolicy accepted the file');
}

for (const c of invalid) {
  test(`parsePolicy rejects ${c.name}`, () => {
    assert.throws(
      () => parsePolicy(c.yaml, 'policy.yaml'),
      (err: unknown) => {
        assert.ok(isPortcullisError(err, 'PC_POLICY'), String(err));
        assert.equal(err.exitCode, 2);
        assert.equal(err.subject, 'policy.yaml');
        assert.match(err.message, c.wantErr);
        // Every message, in both languages, names the file and the line.
        assert.match(err.messageEs, c.wantEs ?? /^policy\.yaml línea \d+: /);
        return true;
      },
    );
  });
  if (c.schema === true) {
    test(`policy schema rejects ${c.name} at the field parsePolicy names`, () => {
      assert.equal(schemaAccepts(c.yaml), false);
      // Rejected for the same reason, not another: an ajv error sits at the parser's field
      // path or at its parent (ajv reports a missing key at the object that lacks it).
      const pointer = parserPointer(c.yaml);
      const parent = pointer.replace(/\/[^/]*$/, '');
      const paths = (validate.errors ?? []).map((e) => e.instancePath);
      assert.ok(paths.includes(pointer) || paths.includes(parent), `parser: ${pointer}; schema: ${paths.join(' ')}`);
    });
  } else if (c.schema === 'yaml') {
    test(`yaml itself rejects ${c.name}`, () => {
      assert.throws(() => parseYaml(c.yaml));
    });
  } else {
    // The schema cannot see this problem; make sure it is only that, not a second one.
    test(`policy schema accepts ${c.name} (it cannot ${c.schema.cannot})`, () => {
      assert.ok(schemaAccepts(c.yaml), ajv.errorsText(validate.errors));
    });
  }
}

test('parsePolicy names the file it was given', () => {
  assert.throws(() => parsePolicy('version: 3\n', '/etc/portcullis/web.yaml'), { message: /^\/etc\/portcullis\/web\.yaml line 1: version: 3 is not supported/ });
});

test('parsePolicy returns a deeply frozen policy', () => {
  const p = parsePolicy(fixture('full.yaml'), 'full.yaml');
  for (const o of [p, p.allow, p.allow[0], p.allow[0]!.port, p.allow[0]!.from, p.allow[0]!.from![0], p.allow[0]!.user, p.deny[1]]) assert.ok(Object.isFrozen(o));
  assert.throws(() => {
    (p.allow[0]!.port as { first: number }).first = 1;
  }, TypeError);
});

test('parsePolicy accepts every YAML example in docs/reference/policy.md, and so does the schema', () => {
  const doc = readFileSync(new URL('../../docs/reference/policy.md', import.meta.url), 'utf8');
  const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => /^version:/m.test(b));
  assert.ok(blocks.length >= 2, 'the doc should hold full policy examples');
  for (const b of blocks) {
    assert.doesNotThrow(() => parsePolicy(b, 'policy.md'), b);
    assert.ok(schemaAccepts(b), `${b}\n${ajv.errorsText(validate.errors)}`);
  }
});

const globs: { pattern: string; path: string; want: boolean }[] = [
  { pattern: '/usr/sbin/sshd', path: '/usr/sbin/sshd', want: true },
  { pattern: '/usr/sbin/sshd', path: '/usr/sbin/sshd2', want: false },
  { pattern: '/usr/lib/postgresql/*/bin/postgres', path: '/usr/lib/postgresql/16/bin/postgres', want: true },
  // '*' stays within one path segment.
  { pattern: '/usr/lib/postgresql/*/bin/postgres', path: '/usr/lib/postgresql/16/extra/bin/postgres', want: false },
  { pattern: '/opt/**/node_exporter', path: '/opt/prom/1.8/bin/node_exporter', want: true },
  // "/**/" also matches no directory at all.
  { pattern: '/opt/**/node_exporter', path: '/opt/node_exporter', want: true },
  { pattern: '/usr/bin/python3.?', path: '/usr/bin/python3.9', want: true },
  { pattern: '/usr/bin/python3.?', path: '/usr/bin/python3.12', want: false },
  // '.', '+', '[' and '(' are literal.
  { pattern: '/usr/bin/python3.?', path: '/usr/bin/python3x9', want: false },
  { pattern: '/opt/app[1]/c++', path: '/opt/app[1]/c++', want: true },
  { pattern: '/opt/app[1]/c++', path: '/opt/app1/c++', want: false },
  { pattern: '**', path: '/anything/at/all', want: true },
  { pattern: '*', path: '/usr/bin/x', want: false },
];
for (const g of globs) {
  test(`globMatches ${g.want ? 'matches' : 'does not match'} ${g.path} with ${g.pattern}`, () => {
    assert.equal(globMatches(g.pattern, g.path), g.want);
  });
}
