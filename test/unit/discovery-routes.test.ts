import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIp } from '../../src/core/ip.js';
import { parseIpLinkJson, parseIpRouteJson, pathTo, type Path } from '../../src/core/discovery/routes.js';

// The scanner namespace of test/helpers/lan-testbed.ts (`ip -j -4 route show table all`),
// plus routes of the kinds a real machine has: a default route, a tunnel, reject routes, ECMP.
const V4 = JSON.stringify([
  { dst: 'default', gateway: '198.18.202.2', dev: 'up0', flags: [] },
  { dst: '198.18.200.0/24', dev: 'br0', protocol: 'kernel', scope: 'link', prefsrc: '198.18.200.1', flags: [] },
  { dst: '198.18.201.0/24', gateway: '198.18.202.2', dev: 'up0', flags: [] },
  { dst: '198.18.202.0/30', dev: 'up0', protocol: 'kernel', scope: 'link', prefsrc: '198.18.202.1', flags: [] },
  { dst: '198.18.203.0/24', dev: 'tun0', scope: 'link', flags: [] },
  { dst: '198.18.204.0/24', dev: 'br0', metric: 100, flags: [] },
  { dst: '198.18.204.0/24', gateway: '198.18.202.2', dev: 'up0', metric: 50, flags: [] },
  { type: 'unreachable', dst: '198.18.0.0/15', metric: 4000, flags: [] },
  { type: 'blackhole', dst: '198.18.205.0/24', flags: [] },
  { dst: '198.18.206.0/24', nexthops: [{ gateway: '198.18.202.2', dev: 'up0' }], flags: [] },
  { dst: '198.18.207.0/24', dev: 'lo', flags: [] },
  { type: 'local', dst: '127.0.0.0/8', dev: 'lo', table: 'local', protocol: 'kernel', scope: 'host', prefsrc: '127.0.0.1', flags: [] },
  { type: 'local', dst: '198.18.200.1', dev: 'br0', table: 'local', protocol: 'kernel', scope: 'host', prefsrc: '198.18.200.1', flags: [] },
  { type: 'broadcast', dst: '198.18.200.255', dev: 'br0', table: 'local', protocol: 'kernel', scope: 'link', prefsrc: '198.18.200.1', flags: [] },
  { type: 'local', dst: '198.18.208.0/24', dev: 'lo', table: 'local', scope: 'host', flags: [] },
  { dst: '198.18.209.0/24', dev: 'br0', table: '100', flags: [] },
  { dst: 'not-an-address', dev: 'br0', flags: [] },
  { dst: '198.18.210.0/33', dev: 'br0', flags: [] },
]);
const V6 = JSON.stringify([
  { dst: 'fd00::/64', dev: 'eth0', protocol: 'kernel', metric: 256, flags: [], pref: 'medium' },
  { dst: 'fe80::/64', dev: 'eth0', protocol: 'kernel', metric: 256, flags: [], pref: 'medium' },
  { dst: 'default', gateway: 'fd00::1', dev: 'eth0', metric: 1024, flags: [], pref: 'medium' },
  { type: 'unreachable', dst: '2001:2::/48', dev: 'lo', metric: 4000, flags: [], pref: 'medium' },
  { dst: '2001:2:0:c8::/64', dev: 'br0', metric: 256, flags: [] },
  { type: 'local', dst: '::1', dev: 'lo', table: 'local', protocol: 'kernel', metric: 0, flags: [], pref: 'medium' },
  { type: 'local', dst: 'fd00::2', dev: 'eth0', table: 'local', protocol: 'kernel', metric: 0, flags: [] },
  { type: 'multicast', dst: 'ff00::/8', dev: 'eth0', table: 'local', protocol: 'kernel', metric: 256, flags: [], pref: 'medium' },
]);
const LINKS = JSON.stringify([
  { ifindex: 1, ifname: 'lo', flags: ['LOOPBACK', 'UP', 'LOWER_UP'], link_type: 'loopback' },
  { ifindex: 2, ifname: 'br0', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], link_type: 'ether' },
  { ifindex: 3, ifname: 'up0', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], link_type: 'ether' },
  { ifindex: 4, ifname: 'tun0', flags: ['POINTOPOINT', 'NOARP', 'UP'], link_type: 'none' },
  { ifindex: 5, ifname: 'eth0', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], link_type: 'ether' },
]);

const routes = [...parseIpRouteJson(V4, 4), ...parseIpRouteJson(V6, 6)];
const links = parseIpLinkJson(LINKS);

test('parseIpRouteJson keeps the rows it can read, with defaults for absent fields', () => {
  assert.equal(parseIpRouteJson(V4, 4).length, 16, 'the bad destination and the /33 are skipped');
  const def = routes[0]!;
  assert.deepEqual(def, { family: 4, prefix: { family: 4, value: 0 }, length: 0, type: 'unicast', table: 'main', dev: 'up0', viaGateway: true, metric: 0 });
  assert.deepEqual(parseIpRouteJson('garbage', 4), []);
  assert.deepEqual(parseIpRouteJson('{"dst":"default"}', 4), []);
});

test('parseIpLinkJson reads names, types and NOARP', () => {
  assert.deepEqual(links.get('tun0'), { name: 'tun0', type: 'none', noArp: true });
  assert.deepEqual(links.get('br0'), { name: 'br0', type: 'ether', noArp: false });
  assert.equal(parseIpLinkJson('[').size, 0);
});

const cases: { address: string; want: Path; why: string }[] = [
  { address: '127.0.0.1', want: { kind: 'local' }, why: 'loopback' },
  { address: '127.9.9.9', want: { kind: 'local' }, why: 'all of 127/8' },
  { address: '::1', want: { kind: 'local' }, why: 'IPv6 loopback' },
  { address: '198.18.200.1', want: { kind: 'local' }, why: 'our own LAN address' },
  { address: '198.18.208.77', want: { kind: 'local' }, why: 'a local route for a whole block' },
  { address: 'fd00::2', want: { kind: 'local' }, why: 'our own IPv6 address' },
  { address: '198.18.200.10', want: { kind: 'on-link', dev: 'br0' }, why: 'the directly connected /24' },
  { address: '198.18.200.0', want: { kind: 'on-link', dev: 'br0' }, why: 'no broadcast route for the network address on this kernel' },
  { address: '198.18.200.255', want: { kind: 'broadcast' }, why: 'the broadcast address' },
  { address: '198.18.202.2', want: { kind: 'on-link', dev: 'up0' }, why: 'the router, on the transit /30' },
  { address: '198.18.201.10', want: { kind: 'routed' }, why: 'behind the router' },
  { address: '198.18.206.1', want: { kind: 'routed' }, why: 'several next hops' },
  { address: '198.18.203.5', want: { kind: 'routed' }, why: 'a tunnel resolves no neighbours' },
  { address: '198.18.204.5', want: { kind: 'routed' }, why: 'the lower metric wins a tie' },
  { address: '198.18.207.5', want: { kind: 'routed' }, why: 'a loopback device is no LAN' },
  { address: '198.18.209.5', want: { kind: 'unroutable' }, why: 'other tables are not consulted; the main table rejects it' },
  { address: '198.18.205.1', want: { kind: 'unroutable' }, why: 'a blackhole' },
  { address: '198.19.0.1', want: { kind: 'unroutable' }, why: 'the unreachable /15' },
  { address: '192.0.2.1', want: { kind: 'routed' }, why: 'the default route' },
  { address: 'fd00::99', want: { kind: 'on-link', dev: 'eth0' }, why: 'an on-link IPv6 prefix' },
  { address: '2001:2:0:c8::10', want: { kind: 'on-link', dev: 'br0' }, why: 'a /64 inside an unreachable /48' },
  { address: '2001:2:0:c9::10', want: { kind: 'unroutable' }, why: 'the rest of the unreachable /48' },
  { address: '2001:db8::1', want: { kind: 'routed' }, why: 'the IPv6 default route' },
  { address: 'ff02::1', want: { kind: 'broadcast' }, why: 'multicast' },
];
for (const c of cases) {
  test(`pathTo ${c.address}: ${c.want.kind} (${c.why})`, () => {
    assert.deepEqual(pathTo(parseIp(c.address)!, routes, links), c.want);
  });
}

test('pathTo without any route says unroutable, except for loopback', () => {
  assert.deepEqual(pathTo(parseIp('198.18.200.10')!, [], links), { kind: 'unroutable' });
  assert.deepEqual(pathTo(parseIp('127.0.0.1')!, [], links), { kind: 'local' });
});
