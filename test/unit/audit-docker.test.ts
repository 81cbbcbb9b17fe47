import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDockerConfig, parseDockerProxyCmdline, readDockerContainers, resolveDockerProxy, type DockerContainer } from '../../src/audit/docker.js';

const ROOT = new URL('../fixtures/audit/docker/', import.meta.url);
const WEB = '3f4e8b2a9c1d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f';
const DB = 'a91c0e7d52b84f36a0d9e1c7b3f58e2d4c6a09b7e1f3d5c8a2b4e6f0d1c3a5b7';
const OLD = '0c5d2e8f1a3b4c6d7e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d';

const config = (id: string): string => readFileSync(new URL(`${id}/config.v2.json`, ROOT), 'utf8');
/** /proc/PID/cmdline: arguments separated (and ended) by NUL. */
const cmdline = (name: string): string[] => readFileSync(new URL(name, ROOT), 'utf8').split('\0').filter((a) => a !== '');

const CONFIGS: readonly { id: string; want: DockerContainer }[] = [
  {
    id: WEB,
    want: {
      id: WEB,
      name: 'web',
      ipAddresses: ['172.17.0.2'],
      ports: [
        { containerPort: 80, proto: 'tcp', hostIp: '0.0.0.0', hostPort: 8080 },
        { containerPort: 80, proto: 'tcp', hostIp: '::', hostPort: 8080 },
      ],
    },
  },
  {
    id: DB,
    want: {
      id: DB,
      name: 'shop-db-1',
      ipAddresses: ['172.18.0.2', 'fd00:db8:1::2'],
      ports: [
        { containerPort: 5432, proto: 'tcp', hostIp: '127.0.0.1', hostPort: 5432 },
        { containerPort: 9187, proto: 'udp', hostIp: '0.0.0.0', hostPort: 9187 },
      ],
    },
  },
  { id: OLD, want: { id: OLD, name: 'old-redis', ipAddresses: [], ports: [] } },
];

for (const c of CONFIGS) {
  test(`parseDockerConfig reads container ${c.want.name}`, () => {
    assert.deepEqual(parseDockerConfig(config(c.id)), c.want);
  });
}

const BAD_CONFIGS: readonly [string, string][] = [
  ['truncated JSON', '{"ID":"abc",'],
  ['a JSON array', '[]'],
  ['no ID', '{"Name":"/x"}'],
  ['an empty ID', '{"ID":""}'],
];

for (const [name, text] of BAD_CONFIGS) {
  test(`parseDockerConfig returns null for ${name}`, () => {
    assert.equal(parseDockerConfig(text), null);
  });
}

test('parseDockerConfig reads an old engine\'s empty HostIp as all addresses', () => {
  const got = parseDockerConfig('{"ID":"x","Name":"/a","NetworkSettings":{"Ports":{"4567/tcp":[{"HostIp":"","HostPort":"4567"}]}}}');
  assert.deepEqual(got?.ports, [{ containerPort: 4567, proto: 'tcp', hostIp: '0.0.0.0', hostPort: 4567 }]);
});

const PROXIES: readonly { name: string; argv: string[]; want: ReturnType<typeof parseDockerProxyCmdline> }[] = [
  {
    name: 'a recorded IPv4 proxy with a trailing boolean flag',
    argv: cmdline('docker-proxy-v4.cmdline'),
    want: { proto: 'tcp', hostIp: '0.0.0.0', hostPort: 8080, containerIp: '172.17.0.2', containerPort: 80 },
  },
  {
    name: 'a recorded IPv6 proxy',
    argv: cmdline('docker-proxy-v6.cmdline'),
    want: { proto: 'tcp', hostIp: '::', hostPort: 8080, containerIp: '172.17.0.2', containerPort: 80 },
  },
  {
    name: 'a UDP proxy without the program name, with -flag=value and --flag',
    argv: ['-proto=udp', '--host-ip', '0.0.0.0', '-host-port=9187', '-container-ip', '172.18.0.2', '--container-port=9187'],
    want: { proto: 'udp', hostIp: '0.0.0.0', hostPort: 9187, containerIp: '172.18.0.2', containerPort: 9187 },
  },
  { name: 'a command line missing the container port', argv: ['/usr/bin/docker-proxy', '-proto', 'tcp', '-host-ip', '0.0.0.0', '-host-port', '80', '-container-ip', '172.17.0.2'], want: null },
  { name: 'an unknown protocol', argv: ['-proto', 'icmp', '-host-ip', '0.0.0.0', '-host-port', '80', '-container-ip', '172.17.0.2', '-container-port', '80'], want: null },
  { name: 'a port out of range', argv: ['-proto', 'tcp', '-host-ip', '0.0.0.0', '-host-port', '70000', '-container-ip', '172.17.0.2', '-container-port', '80'], want: null },
];

for (const c of PROXIES) {
  test(`parseDockerProxyCmdline reads ${c.name}`, () => {
    assert.deepEqual(parseDockerProxyCmdline(c.argv), c.want);
  });
}

const containers = (): DockerContainer[] => [OLD, WEB, DB].map((id) => parseDockerConfig(config(id))).filter((c): c is DockerContainer => c !== null);

test('resolveDockerProxy finds the container a proxy forwards to', () => {
  const proxy = parseDockerProxyCmdline(cmdline('docker-proxy-v6.cmdline'));
  assert.ok(proxy !== null);
  assert.deepEqual(resolveDockerProxy(proxy, containers()), { runtime: 'docker', id: WEB, name: 'web' });
});

test('resolveDockerProxy prefers the container that publishes the mapping when two share an address', () => {
  const stale: DockerContainer = { id: 'f'.repeat(64), name: 'stale', ipAddresses: ['172.17.0.2'], ports: [] };
  const proxy = { proto: 'tcp', hostIp: '0.0.0.0', hostPort: 8080, containerIp: '172.17.0.2', containerPort: 80 } as const;
  assert.equal(resolveDockerProxy(proxy, [stale, ...containers()])?.id, WEB);
  // Without the publishing container, one container at the address is still the answer…
  assert.equal(resolveDockerProxy(proxy, [stale])?.id, 'f'.repeat(64));
  // …but two at the address with no exact match is a guess, so none.
  assert.equal(resolveDockerProxy(proxy, [stale, { ...stale, id: 'e'.repeat(64) }]), undefined);
});

test('resolveDockerProxy returns undefined for an address no container has', () => {
  const proxy = { proto: 'tcp', hostIp: '0.0.0.0', hostPort: 8080, containerIp: '172.30.0.9', containerPort: 80 } as const;
  assert.equal(resolveDockerProxy(proxy, containers()), undefined);
});

test('readDockerContainers reads every readable config and skips broken ones', async () => {
  const got = await readDockerContainers(new URL('.', ROOT).pathname);
  assert.deepEqual(got.map((c) => c.name).sort(), ['old-redis', 'shop-db-1', 'web']);
});

test('readDockerContainers returns [] when the directory is missing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-docker-'));
  try {
    assert.deepEqual(await readDockerContainers(join(dir, 'nope')), []);
    assert.deepEqual(await readDockerContainers(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
