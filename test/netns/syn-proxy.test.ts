import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canUseNetns, createTestbed } from '../helpers/testbed.js';
import { synScanAvailability } from '../../src/scan/syn-prober.js';

const BIN = fileURLToPath(new URL('../../dist/cli/launch.cjs', import.meta.url));
const can = canUseNetns();
const syn = synScanAvailability();
const skip = !can.ok ? can.reason : !syn.ok ? `no SYN scan here: ${syn.reason}` : !existsSync(BIN) ? 'dist/ is not built (scripts/ci.sh builds first)' : false;
if (skip !== false) console.log(`# skipping the SYN proxy test: ${skip}`);

// nftables synproxy answers every SYN itself and only then asks the real stack: to a SYN scan
// every port looks open.
const SYNPROXY = `table inet pcx_synproxy {
  chain pre { type filter hook prerouting priority raw; policy accept; tcp flags syn notrack; }
  chain in { type filter hook input priority filter; policy accept; ct state invalid,untracked synproxy mss 1460 wscale 7 timestamp sack-perm; ct state invalid drop; }
}
`;
const BANNER_PORT = 2222;

test('SYN scan of a host behind a SYN proxy: only the ports that really listen are verified open', { skip, timeout: 180_000 }, async () => {
  const tb = await createTestbed({ profile: 'lan', open: [22, 80], ipv6: false });
  const banner = spawn('ip', ['netns', 'exec', tb.ns, process.execPath, '-e', `require('node:net').createServer((s) => { s.on('error', () => {}); s.end('SSH-2.0-pcx-test\\r\\n'); }).listen(${BANNER_PORT}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((res) => banner.stdout.once('data', () => res()));
    execFileSync('ip', ['netns', 'exec', tb.ns, 'nft', '-f', '-'], { input: SYNPROXY });
    execFileSync('ip', ['netns', 'exec', tb.ns, 'sysctl', '-qw', 'net.ipv4.tcp_syncookies=2', 'net.netfilter.nf_conntrack_tcp_loose=0']);
    const out = join(mkdtempSync(join(tmpdir(), 'pcx-synproxy-')), 'scan.ndjson');
    execFileSync(process.execPath, [BIN, 'scan', '-sS', '-Pn', '-n', '--no-progress', '-p', `1-1000,${BANNER_PORT}`, '-oJ', out, tb.v4], { stdio: ['ignore', 'ignore', 'inherit'] });
    const ports = readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((r) => r['type'] === 'port');
    assert.equal(ports.length, 1001);
    const listening = new Set([22, 80, BANNER_PORT]);
    const plainOpen = ports.filter((r) => r['state'] === 'open' && r['verified'] !== false).map((r) => r['port'] as number);
    console.log(`# ${ports.filter((r) => r['state'] === 'open').length} ports answered SYN-ACK; verified open: ${plainOpen.join(', ')}`);
    for (const p of plainOpen) assert.ok(listening.has(p), `port ${p} reported as verified open but nothing listens there`);
    // The service that speaks is confirmed; the proxy's empty handshakes are not.
    assert.ok(plainOpen.includes(BANNER_PORT), 'the banner service was not confirmed');
    assert.ok(ports.filter((r) => r['verified'] === false).length >= 990);
  } finally {
    banner.kill();
    await tb.close();
  }
});
