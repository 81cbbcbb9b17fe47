/**
 * The `portcullis firewall` command end to end, as a user runs it: the built CLI inside a test
 * namespace (pcx-fwc*) plans, applies, reports status, confirms and rolls back nftables rules;
 * `firewall verify` scans the namespace host from the root namespace and exits 1 while the host
 * does not match the policy, 0 once it does; a malformed policy exits 2 before anything is
 * applied or written. Only 198.18.0.0/15 is used. Skipped, with the reason printed, when not
 * root or without nft.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canUseNetns, createTestbed, type Testbed } from '../helpers/testbed.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist/cli/launch.cjs');

const skipReason = ((): string | undefined => {
  const can = canUseNetns();
  if (!can.ok) return can.reason;
  try {
    execFileSync('sh', ['-c', 'command -v nft'], { stdio: 'ignore' });
  } catch {
    return 'nft is not installed (apt-get install nftables)';
  }
  if (!existsSync(BIN)) return 'dist/ is not built (scripts/ci.sh builds first)';
  return undefined;
})();
if (skipReason !== undefined) console.log(`# skipping firewall CLI netns test: ${skipReason}`);

function skipped(t: TestContext): boolean {
  if (skipReason === undefined) return false;
  t.skip(skipReason);
  return true;
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI, inside namespace `ns` when given; never throws on a non-zero exit. */
function cli(args: readonly string[], ns?: string): Promise<Run> {
  const [cmd, argv] = ns === undefined ? [process.execPath, [BIN, ...args]] : ['ip', ['netns', 'exec', ns, process.execPath, BIN, ...args]];
  return new Promise((resolve) => {
    execFile(cmd, argv, { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1', SSH_CONNECTION: '' } }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

const OPEN = [80, 443, 3306, 6379];
const POLICY = 'version: 1\nallow:\n  - { port: 80, proto: tcp }\n  - { port: 443, proto: tcp }\n';
const PORTS = '22,80,443,3306,6379,8080';

test('portcullis firewall: plan, apply, status, verify, confirm and rollback through the CLI', { timeout: 240_000 }, async (t) => {
  if (skipped(t)) return;
  let tb: Testbed | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'pcx-fwcli-'));
  const state = join(dir, 'state');
  const policy = join(dir, 'policy.yaml');
  writeFileSync(policy, POLICY);
  const timers = (): number[] => timersSafe(state);
  try {
    tb = await createTestbed({ profile: 'lan', delayMs: 0, open: OPEN, ipv6: false, name: `fwc-${process.pid}` });
    const ns = tb.ns;
    const ruleset = (): string => execFileSync('ip', ['netns', 'exec', ns, 'nft', 'list', 'ruleset'], { encoding: 'utf8' });
    const before = ruleset();

    // A malformed policy: exit 2 naming the line and field, nothing applied, no state written.
    const badPolicy = join(dir, 'bad.yaml');
    writeFileSync(badPolicy, 'version: 1\nallow:\n  - { port: 70000, proto: tcp }\n');
    const bad = await cli(['firewall', 'apply', '--policy', badPolicy, '--backend', 'nftables', '--state-dir', state], ns);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /bad\.yaml.*line 3/s);
    assert.match(bad.stderr, /70000/);
    assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(existsSync(state), false, 'no state directory written');
    assert.equal(ruleset(), before);

    // plan prints the rules and changes nothing.
    const plan = await cli(['firewall', 'plan', '--policy', policy, '--backend', 'nftables'], ns);
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /tcp dport .*80/);
    assert.equal(ruleset(), before);

    // Before any apply the host does not match the policy: verify exits 1 and names a port.
    const v0 = await cli(['firewall', 'verify', '--policy', policy, '-p', PORTS, tb.v4]);
    assert.equal(v0.code, 1, `${v0.stdout}\n${v0.stderr}`);
    assert.match(v0.stdout + v0.stderr, /3306/);

    // apply: rules in, a rollback timer waiting, status pending.
    const applied = await cli(['firewall', 'apply', '--policy', policy, '--backend', 'nftables', '--timeout', '60s', '--state-dir', state], ns);
    assert.equal(applied.code, 0, applied.stderr);
    assert.notEqual(ruleset(), before);
    assert.equal(timers().length, 1, 'one rollback timer');
    const st = await cli(['firewall', 'status', '--state-dir', state], ns);
    assert.equal(st.code, 0, st.stderr);
    assert.match(st.stdout, /pending/i);

    // verify from outside: every scanned port as the policy says, exit 0, in NDJSON too.
    const v1 = await cli(['firewall', 'verify', '--policy', policy, '-p', PORTS, '-oJ', '-', tb.v4]);
    assert.equal(v1.code, 0, `${v1.stdout}\n${v1.stderr}`);
    const states = new Map<number, string>();
    const records = v1.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; proto: string; port: number; state: string; ok: boolean });
    for (const r of records) if (r.type === 'verify' && r.proto === 'tcp') states.set(r.port, r.state);
    assert.ok(records.length >= 6 && records.every((r) => r.type === 'verify' && r.ok), v1.stdout);
    assert.deepEqual(Object.fromEntries(states), { 22: 'filtered', 80: 'open', 443: 'open', 3306: 'filtered', 6379: 'filtered', 8080: 'filtered' });

    // confirm: the timer goes away, the rules stay.
    const applied2 = ruleset();
    const c = await cli(['firewall', 'confirm', '--state-dir', state], ns);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(timers().length, 0, 'confirm stops the timer');
    assert.equal(ruleset(), applied2);
    const again = await cli(['firewall', 'confirm', '--state-dir', state], ns);
    assert.notEqual(again.code, 0, 'nothing left to confirm');

    // rollback: the very ruleset from before.
    const rb = await cli(['firewall', 'rollback', '--state-dir', state], ns);
    assert.equal(rb.code, 0, rb.stderr);
    assert.equal(ruleset(), before);
    const v2 = await cli(['firewall', 'verify', '--policy', policy, '-p', PORTS, tb.v4]);
    assert.equal(v2.code, 1, 'after rollback the host is open again, against the policy');
  } finally {
    for (const pid of timersSafe(state)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    await tb?.close();
  }
});

/** PIDs of rollback timers started for this state directory. */
function timersSafe(state: string): number[] {
  const out: number[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes('rollback-timer') && cmd.includes(state)) out.push(Number(pid));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}
