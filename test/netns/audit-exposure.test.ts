/**
 * readFirewall against the real tools in a throwaway network namespace (pcx-fwx-PID): an nft
 * ruleset and iptables-legacy rules are loaded there, a sleep runs inside, and the firewall of the
 * sleep's namespace is read through nsenter and judged. No packet is sent anywhere. Skipped, with
 * the reason printed, when not root or without ip/nft/nsenter.
 */
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { readFirewall } from '../../src/audit/exposure/read-firewall.js';
import { judgeExposure } from '../../src/audit/exposure/judge.js';

const NS = `pcx-fwx-${process.pid}`;

function has(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const skipReason = ((): string | undefined => {
  if (process.platform !== 'linux') return `network namespaces are Linux-only (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'network-namespace tests need root (CI runs as root)';
  for (const tool of ['ip', 'nft', 'nsenter', 'iptables-save']) if (!has(tool)) return `${tool} is not installed (apt-get install iproute2 nftables util-linux iptables)`;
  return undefined;
})();
if (skipReason !== undefined) console.log(`# skipping audit exposure netns tests: ${skipReason}`);
const legacy = skipReason === undefined && has('iptables-legacy-restore') && has('iptables-legacy-save');

function skipped(t: TestContext): boolean {
  if (skipReason === undefined) return false;
  t.skip(skipReason);
  return true;
}

const RULESET = `
table inet pcx_audit {
  chain input {
    type filter hook input priority 0; policy accept;
    ct state established,related accept
    iif "lo" accept
    tcp dport 2222 accept
    tcp dport 6379 drop
    ip saddr 198.18.0.0/15 tcp dport 5432 accept
    tcp dport 5432 drop
  }
}
`;

/** iptables-legacy rules beside the nft ruleset: a packet must pass both. */
const LEGACY_RULES = '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p tcp -m tcp --dport 8080 -j DROP\nCOMMIT\n';

let holder: ChildProcess | undefined;

/** The pid of the sleep inside the namespace; without it the test would read our own firewall. */
function holderPid(): number {
  const pid = holder?.pid;
  assert.ok(pid !== undefined, 'no process inside the namespace');
  return pid;
}

before(async () => {
  if (skipReason !== undefined) return;
  execFileSync('ip', ['netns', 'add', NS]);
  execFileSync('ip', ['netns', 'exec', NS, 'nft', '-f', '-'], { input: RULESET });
  if (legacy) execFileSync('ip', ['netns', 'exec', NS, 'iptables-legacy-restore'], { input: LEGACY_RULES });
  // `ip netns exec` enters the namespace and then execs sleep: the pid is the sleep's once its netns differs from ours.
  holder = spawn('ip', ['netns', 'exec', NS, 'sleep', '30'], { stdio: 'ignore' });
  const own = readlinkSync('/proc/self/ns/net');
  for (let i = 0; i < 100; i++) {
    try {
      if (holder.pid !== undefined && readlinkSync(`/proc/${holder.pid}/ns/net`) !== own) return;
    } catch {
      // not there yet
    }
    await sleep(20);
  }
  throw new Error(`the process started by ip netns exec never entered ${NS}`);
});

after(() => {
  if (skipReason !== undefined) return;
  holder?.kill('SIGKILL');
  try {
    execFileSync('ip', ['netns', 'del', NS], { stdio: 'ignore' });
  } catch {
    // already gone
  }
});

test('readFirewall reads the nft ruleset of another namespace and judgeExposure uses it', async (t) => {
  if (skipped(t)) return;
  const fw = await readFirewall({ netnsPid: holderPid() });
  assert.deepEqual(fw.errors, []);
  assert.deepEqual(
    fw.nft?.tables.map((tb) => `${tb.family} ${tb.name}`),
    ['inet pcx_audit'],
  );
  const q = { family: 4, proto: 'tcp', address: '0.0.0.0' } as const;
  const open = judgeExposure(fw, { ...q, port: 2222 });
  assert.deepEqual([open.exposure, open.reason.en], ['reachable', 'accepted by "tcp dport 2222 accept" (inet pcx_audit input)']);
  const shut = judgeExposure(fw, { ...q, port: 6379 });
  assert.deepEqual([shut.exposure, shut.reason.en], ['blocked', 'dropped by "tcp dport 6379 drop" (inet pcx_audit input)']);
  const some = judgeExposure(fw, { ...q, port: 5432 });
  assert.equal(some.exposure, 'reachable');
  assert.match(some.reason.en, /^accepted only from 198\.18\.0\.0\/15, by/);
  assert.equal(judgeExposure(fw, { ...q, family: 6, address: '::', port: 5432 }).exposure, 'blocked');
});

test('readFirewall of another namespace does not read our own ruleset', async (t) => {
  if (skipped(t)) return;
  const ours = await readFirewall({});
  assert.ok(!(ours.nft?.tables ?? []).some((tb) => tb.name === 'pcx_audit'), 'the namespace ruleset leaked into our own');
});

test('readFirewall follows the legacy-tables warning and the judge requires both rulesets to pass', async (t) => {
  if (skipped(t)) return;
  if (!legacy) {
    t.skip('iptables-legacy-restore / iptables-legacy-save are not installed');
    return;
  }
  const fw = await readFirewall({ netnsPid: holderPid() });
  assert.equal(fw.iptables?.v4?.legacyTablesPresent, true);
  assert.equal(fw.iptables?.legacyV4?.backend, 'legacy');
  const q = { family: 4, proto: 'tcp', address: '0.0.0.0' } as const;
  const dropped = judgeExposure(fw, { ...q, port: 8080 });
  assert.deepEqual([dropped.exposure, dropped.reason.en], ['blocked', 'dropped by "-p tcp -m tcp --dport 8080 -j DROP" (iptables filter INPUT)']);
  assert.equal(judgeExposure(fw, { ...q, port: 2222 }).exposure, 'reachable');
});
