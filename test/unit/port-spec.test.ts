import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePortSpec, formatPortList, excludePorts } from '../../src/core/port-spec.js';
import { isPortcullisError } from '../../src/core/errors.js';
import type { ServiceLookup } from '../../src/core/port-spec.js';

const lookup: ServiceLookup = {
  portsForService: (name, proto) => (name === 'http' ? [80, 8080] : name === 'domain' && proto === 'udp' ? [53] : name === 'ssh' && proto === 'tcp' ? [22] : []),
  topPorts: () => [],
};

const ok: { input: string; tcp: string; udp?: string }[] = [
  { input: '22', tcp: '22' },
  { input: '22,80,1000-2000', tcp: '22,80,1000-2000' },
  { input: '-', tcp: '1-65535' },
  { input: '-1024', tcp: '1-1024' },
  { input: '60000-', tcp: '60000-65535' },
  { input: '80,22,80', tcp: '22,80' },
  { input: 'http,ssh', tcp: '22,80,8080' },
  { input: 'T:22,80,U:53', tcp: '22,80', udp: '53' },
  { input: '[1-3]', tcp: '1-3' },
  { input: ' 22 , 23 ', tcp: '22-23' },
];
for (const c of ok) {
  test(`ports parse ${JSON.stringify(c.input)}`, () => {
    const s = parsePortSpec(c.input, lookup, ['tcp']);
    assert.equal(formatPortList(s.tcp), c.tcp);
    assert.equal(formatPortList(s.udp), c.udp ?? '');
  });
}

const bad: { input: string; want: RegExp }[] = [
  { input: '0', want: /port 0 is out of range \(1-65535\)/ },
  { input: '65536', want: /port 65536 is out of range \(1-65535\)/ },
  { input: 'a-b', want: /"a-b"/ },
  { input: '', want: /empty port list/ },
  { input: '22,,23', want: /empty item/ },
  { input: '100-10', want: /range 100-10 is reversed/ },
  { input: 'nosuchservice', want: /"nosuchservice" is neither/ },
  { input: '22;23', want: /"22;23"/ },
];
for (const c of bad) {
  test(`ports reject ${JSON.stringify(c.input)}`, () => {
    assert.throws(
      () => parsePortSpec(c.input, lookup, ['tcp']),
      (e: unknown) => isPortcullisError(e, 'PC_INVALID_PORT') && c.want.test(e.message),
    );
  });
}

test('ports exclude and format', () => {
  const s = excludePorts(parsePortSpec('1-10', lookup, ['tcp']), parsePortSpec('3-5', lookup, ['tcp']));
  assert.equal(formatPortList(s.tcp), '1-2,6-10');
  assert.equal(formatPortList([]), '');
});
