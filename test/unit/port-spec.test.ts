import { test } from 'node:test';
import assert from 'node:assert/strict';
import { excludePorts, formatPortList, parsePortSpec, portSetSize, type PortSet, type ServiceLookup } from '../../src/core/port-spec.js';
import { isPortcullisError } from '../../src/core/errors.js';
import type { Proto } from '../../src/core/types.js';

/** The integers from a to b, both included. */
const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

// A small fake registry: the real one (src/identify/services.ts) is not this file's concern.
const registry: Record<Proto, Record<string, number[]>> = {
  tcp: { http: [80, 8080], https: [443], 'http-alt': [8008], ssh: [22], domain: [53] },
  udp: { domain: [53], snmp: [161], 'snmp-trap': [162] },
};
const lookup: ServiceLookup = {
  portsForService: (name, proto) => {
    const re = new RegExp(`^${name.toLowerCase().replace(/[.+]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
    return [...new Set(Object.entries(registry[proto]).flatMap(([n, ports]) => (re.test(n) ? ports : [])))].sort((a, b) => a - b);
  },
  topPorts: (n, proto) => [...new Set(Object.values(registry[proto]).flat())].sort((a, b) => a - b).slice(0, n),
};

const ok: { input: { spec: string; protos?: Proto[] }; want: { tcp: string; udp: string } }[] = [
  { input: { spec: '22' }, want: { tcp: '22', udp: '' } },
  { input: { spec: '22,80,1000-2000' }, want: { tcp: '22,80,1000-2000', udp: '' } },
  { input: { spec: '-' }, want: { tcp: '1-65535', udp: '' } },
  { input: { spec: '-1024' }, want: { tcp: '1-1024', udp: '' } },
  { input: { spec: '60000-' }, want: { tcp: '60000-65535', udp: '' } },
  { input: { spec: '1,65535' }, want: { tcp: '1,65535', udp: '' } },
  { input: { spec: '80,22,80,21-23' }, want: { tcp: '21-23,80', udp: '' } },
  { input: { spec: '080' }, want: { tcp: '80', udp: '' } },
  { input: { spec: ' 22 , 23 ' }, want: { tcp: '22-23', udp: '' } },
  { input: { spec: 'http,ssh' }, want: { tcp: '22,80,8080', udp: '' } },
  { input: { spec: 'HTTP' }, want: { tcp: '80,8080', udp: '' } },
  { input: { spec: 'http*' }, want: { tcp: '80,443,8008,8080', udp: '' } },
  { input: { spec: 'snmp?trap', protos: ['udp'] }, want: { tcp: '', udp: '162' } },
  { input: { spec: 'T:22,80,U:53,161' }, want: { tcp: '22,80', udp: '53,161' } },
  { input: { spec: 't:22,u:53' }, want: { tcp: '22', udp: '53' } },
  { input: { spec: 'U:domain,T:domain,ssh' }, want: { tcp: '22,53', udp: '53' } },
  // Items before any qualifier go to every requested protocol.
  { input: { spec: '7,U:161', protos: ['tcp', 'udp'] }, want: { tcp: '7', udp: '7,161' } },
  { input: { spec: 'domain', protos: ['tcp', 'udp'] }, want: { tcp: '53', udp: '53' } },
  // A service known on one protocol only is fine as long as some protocol knows it.
  { input: { spec: 'ssh', protos: ['tcp', 'udp'] }, want: { tcp: '22', udp: '' } },
  { input: { spec: 'U:-2' }, want: { tcp: '', udp: '1-2' } },
  // Brackets: the registered ports inside the range, as nmap's "[-1024]".
  { input: { spec: '[-1024]' }, want: { tcp: '22,53,80,443', udp: '' } },
  { input: { spec: '[50-100]' }, want: { tcp: '53,80', udp: '' } },
  { input: { spec: '[1-10]' }, want: { tcp: '', udp: '' } },
  { input: { spec: 'U:[-]' }, want: { tcp: '', udp: '53,161-162' } },
  { input: { spec: '[443]' }, want: { tcp: '443', udp: '' } },
];
for (const c of ok) {
  test(`parsePortSpec reads ${JSON.stringify(c.input.spec)}${c.input.protos ? ` for ${c.input.protos.join('+')}` : ''}`, () => {
    const s = parsePortSpec(c.input.spec, lookup, c.input.protos ?? ['tcp']);
    assert.deepEqual({ tcp: formatPortList(s.tcp), udp: formatPortList(s.udp) }, c.want);
  });
}

const bad: { input: string; wantErr: RegExp }[] = [
  { input: '0', wantErr: /^invalid port specification "0": port 0 is out of range \(1-65535\)$/ },
  { input: '0-10', wantErr: /port 0 is out of range \(1-65535\)/ },
  { input: '65536', wantErr: /^invalid port specification "65536": port 65536 is out of range \(1-65535\)$/ },
  { input: '1-65536', wantErr: /port 65536 is out of range \(1-65535\)/ },
  { input: '99999999999999999999', wantErr: /port 99999999999999999999 is out of range/ },
  { input: 'a-b', wantErr: /"a-b" is neither a port, a range nor a known service name/ },
  { input: '22-a', wantErr: /"22-a" is not a port, range or service name/ },
  { input: '1-2-3', wantErr: /"1-2-3" is not a port, range or service name/ },
  { input: '--', wantErr: /"--" is not a port, range or service name/ },
  { input: '', wantErr: /^invalid port specification "": empty port list$/ },
  { input: '  ', wantErr: /empty port list/ },
  { input: '22,,23', wantErr: /an empty item between commas/ },
  { input: '22,', wantErr: /an empty item between commas/ },
  { input: 'T:', wantErr: /an empty item between commas/ },
  { input: '100-10', wantErr: /range 100-10 is reversed/ },
  { input: 'nosuchservice', wantErr: /"nosuchservice" is neither a port, a range nor a known service name/ },
  { input: 'nosuch*', wantErr: /"nosuch\*" matches no known service name/ },
  { input: 'snmp', wantErr: /"snmp" is neither/ },
  { input: '22;23', wantErr: /"22;23" is not a port, range or service name/ },
  { input: 'S:22', wantErr: /protocol qualifier "S:" is not supported \(only T: and U:\)/ },
  { input: '[1-1024', wantErr: /"\[1-1024" has no closing "\]"/ },
  { input: '[http]', wantErr: /"\[http\]" does not hold a port or range/ },
  { input: '[0-10]', wantErr: /port 0 is out of range/ },
];
for (const c of bad) {
  test(`parsePortSpec rejects ${JSON.stringify(c.input)}`, () => {
    assert.throws(
      () => parsePortSpec(c.input, lookup, ['tcp']),
      (e: unknown) => {
        assert.ok(isPortcullisError(e, 'PC_INVALID_PORT'), String(e));
        assert.match(e.message, c.wantErr);
        assert.notEqual(e.messageEs, e.message);
        return true;
      },
    );
  });
}

const set = (tcp: number[], udp: number[] = []): PortSet => ({ tcp, udp });

const excludes: { input: [PortSet, PortSet]; want: PortSet }[] = [
  { input: [set([1, 2, 3, 4, 5]), set([3, 4])], want: set([1, 2, 5]) },
  { input: [set([22, 80], [53]), set([], [53])], want: set([22, 80], []) },
  { input: [set([22], [22]), set([22])], want: set([], [22]) },
  { input: [set([22]), set([])], want: set([22]) },
];
for (const c of excludes) {
  test(`excludePorts removes ${JSON.stringify(c.input[1])} from ${JSON.stringify(c.input[0])}`, () => {
    assert.deepEqual(excludePorts(...c.input), c.want);
  });
}

const formats: { input: number[]; want: string }[] = [
  { input: [], want: '' },
  { input: [22], want: '22' },
  { input: [22, 23], want: '22-23' },
  { input: [1, 2, 3, 5, 7, 8, 65535], want: '1-3,5,7-8,65535' },
  { input: Array.from({ length: 65535 }, (_, i) => i + 1), want: '1-65535' },
  { input: [8080, 8081, 8082], want: '8080-8082' },
  // Same span as a run but not one: a gap inside must still show.
  { input: [1, 3, 4], want: '1,3-4' },
  { input: [1, 2, 4], want: '1-2,4' },
  // Runs whose lengths sit on and around the powers of two the run search gallops over.
  { input: [...range(1, 8), ...range(10, 17), 19, ...range(21, 53)], want: '1-8,10-17,19,21-53' },
  { input: [...range(100, 163), ...range(165, 229)], want: '100-163,165-229' },
  // A -p- scan's closed ports: all but a few open ones.
  { input: range(1, 65535).filter((p) => p !== 22 && p !== 80 && p !== 5432 && p !== 65534), want: '1-21,23-79,81-5431,5433-65533,65535' },
  { input: [2, 4, 6, 8, 10], want: '2,4,6,8,10' },
];
for (const c of formats) {
  test(`formatPortList writes ${c.want || 'nothing'}`, () => {
    assert.equal(formatPortList(c.input), c.want);
  });
}

// Against the plain walk, one port at a time, on random sorted lists of every density.
const walk = (ports: readonly number[]): string => {
  const out: string[] = [];
  for (let i = 0; i < ports.length; i++) {
    const start = ports[i]!;
    while (i + 1 < ports.length && ports[i + 1] === ports[i]! + 1) i++;
    out.push(start === ports[i] ? String(start) : `${start}-${ports[i]!}`);
  }
  return out.join(',');
};
const densities: { input: number; want: 'the plain walk' }[] = [0.01, 0.3, 0.7, 0.97, 0.999].map((d) => ({ input: d, want: 'the plain walk' as const }));
for (const c of densities) {
  test(`formatPortList agrees with ${c.want} on random port lists of density ${c.input}`, () => {
    let x = 12345;
    const rand = (): number => ((x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) / 2 ** 32;
    for (let round = 0; round < 20; round++) {
      const ports = range(1, 4000).filter(() => rand() < c.input);
      assert.equal(formatPortList(ports), walk(ports), `round ${round}`);
    }
  });
}

const sizes: { input: PortSet; want: number }[] = [
  { input: set([]), want: 0 },
  { input: set([22, 80], [53]), want: 3 },
  { input: parsePortSpec('-', lookup, ['tcp', 'udp']), want: 131070 },
];
for (const c of sizes) {
  test(`portSetSize counts ${c.want}`, () => {
    assert.equal(portSetSize(c.input), c.want);
  });
}
