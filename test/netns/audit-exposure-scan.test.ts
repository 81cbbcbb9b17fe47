import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { canUseNetns, createTestbed } from '../helpers/testbed.js';

const BIN = fileURLToPath(new URL('../../dist/cli/launch.cjs', import.meta.url));
const can = canUseNetns();
const skip = !can.ok ? can.reason : !existsSync(BIN) ? 'dist/ is not built (scripts/ci.sh builds first)' : false;
if (skip !== false) console.log(`# skipping the audit exposure test: ${skip}`);

const ALLOWED = 18443;
const DROPPED = 18444;
const REJECTED = 18445;

// A default-deny host firewall as an administrator writes it: established traffic, loopback and
// one service in; everything else dropped, one port answered with a reject.
const POLICY = `table inet pcx_host {
  chain input {
    type filter hook input priority filter + 10; policy drop;
    ct state established,related accept
    iif lo accept
    meta l4proto icmp accept
    tcp dport ${ALLOWED} accept
    tcp dport ${REJECTED} reject with tcp reset
  }
}
`;

interface Rec {
  type: string;
  proto: string;
  port: number;
  netns: { name: string | null };
  exposure: string;
  exposure_reason: string;
}

test('audit says reachable and blocked as the namespace firewall decides, and a scan from outside agrees', { skip, timeout: 120_000 }, async () => {
  const tb = await createTestbed({ profile: 'lan', delayMs: 0, open: [ALLOWED, DROPPED, REJECTED], ipv6: false, name: 'audit-fw' });
  try {
    execFileSync('ip', ['netns', 'exec', tb.ns, 'nft', '-f', '-'], { input: POLICY });
    const out = execFileSync(process.execPath, [BIN, 'audit', '-oJ', '-'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const mine = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Rec)
      .filter((r) => r.type === 'listener' && r.proto === 'tcp' && r.netns.name === tb.ns);
    const exposure = (port: number): string | undefined => mine.find((r) => r.port === port)?.exposure;
    assert.equal(exposure(ALLOWED), 'reachable', JSON.stringify(mine));
    assert.equal(exposure(DROPPED), 'blocked', JSON.stringify(mine));
    assert.equal(exposure(REJECTED), 'blocked', JSON.stringify(mine));

    // The same three ports scanned from the root namespace, through the veth.
    const scan = execFileSync(process.execPath, [BIN, 'scan', '-sT', '-Pn', '-p', `${ALLOWED},${DROPPED},${REJECTED}`, '--max-retries', '1', '-oJ', '-', tb.v4], { encoding: 'utf8' });
    const states = new Map(
      scan
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; port: number; state: string })
        .filter((r) => r.type === 'port')
        .map((r) => [r.port, r.state]),
    );
    assert.equal(states.get(ALLOWED), 'open');
    // Blocked means other machines cannot connect: dropped reads filtered; a firewall reset reads closed.
    assert.equal(states.get(DROPPED), 'filtered');
    assert.equal(states.get(REJECTED), 'closed');
    for (const [port, state] of states) assert.equal(exposure(port) === 'reachable', state === 'open', `port ${port}: audit ${exposure(port) ?? '-'}, scan ${state}`);
  } finally {
    await tb.close();
  }
});
