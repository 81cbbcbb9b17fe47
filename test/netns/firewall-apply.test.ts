/**
 * firewall apply / confirm / rollback for real, nftables and iptables, inside test namespaces
 * (pcx-fw*): the functions run in the namespace through a small driver (`ip netns exec NS node
 * --import tsx driver.mts`), so the rollback timer they start lives there too. Checked from the
 * root namespace with our own scanner and with ssh: allowed ports open and every other one
 * filtered; rollback gives back the very ruleset saved before; the timer rolls back without a
 * confirm and not after one; an SSH session survives an apply that closes port 22, and the SSH
 * guard keeps new sessions working. Only 198.18.0.0/15 and loopback are used. Skipped, with the
 * reason printed, when not root or without the tools.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { handWrittenNftTables } from '../../src/firewall/detect.js';
import { canUseNetns, createTestbed, type Testbed } from '../helpers/testbed.js';
import { parsePolicy } from '../../src/policy/parse-policy.js';
import { buildRuleModel } from '../../src/firewall/model.js';
import { render } from '../../src/firewall/render/index.js';
import { normalizeIptablesSave, type ApplyResult, type ApplyStatus, type RenderedRules, type RollbackResult } from '../../src/firewall/apply.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist/cli/launch.cjs');
const APPLY = pathToFileURL(join(ROOT, 'src/firewall/apply.ts')).href;

function has(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const skipReason = ((): string | undefined => {
  const can = canUseNetns();
  if (!can.ok) return can.reason;
  for (const tool of ['iptables-save', 'iptables-restore', 'ip6tables-save', 'ip6tables-restore']) if (!has(tool)) return `${tool} is not installed (apt-get install iptables)`;
  if (!existsSync(BIN)) return 'dist/ is not built (scripts/ci.sh builds first)';
  return undefined;
})();
if (skipReason !== undefined) console.log(`# skipping firewall apply netns tests: ${skipReason}`);
const sshReason = skipReason ?? (!existsSync('/usr/sbin/sshd') || !has('ssh') || !has('ssh-keygen') ? 'openssh-server and openssh-client are not installed (apt-get install openssh-server openssh-client)' : undefined);

function skipped(t: TestContext, reason = skipReason): boolean {
  if (reason === undefined) return false;
  t.skip(reason);
  return true;
}

/** Runs apply.ts functions inside a namespace; the request and answer travel as JSON. */
const DRIVER = `
import { readFileSync } from 'node:fs';
const api = await import(process.env.PCX_APPLY_MODULE);
const req = JSON.parse(readFileSync(process.argv[2], 'utf8'));
try {
  const opts = { stateDir: req.stateDir };
  const out =
    req.op === 'apply' ? await api.applyRendered(req.rendered, { ...opts, timeoutMs: req.timeoutMs })
    : req.op === 'confirm' ? await api.confirm(opts)
    : req.op === 'rollback' ? await api.rollback(opts)
    : await api.status(opts);
  process.stdout.write(JSON.stringify({ ok: true, out }));
} catch (err) {
  process.stdout.write(JSON.stringify({ ok: false, code: err?.code, message: String(err?.message ?? err) }));
}
`;

type DriverAnswer<T> = { ok: true; out: T } | { ok: false; code?: string; message: string };

/** One namespace's harness: its temp dir, state dir and driver. */
class Harness {
  readonly dir: string;
  readonly stateDir: string;
  private n = 0;

  constructor(readonly ns: string) {
    this.dir = mkdtempSync(join(tmpdir(), 'pcx-fwapply-'));
    this.stateDir = join(this.dir, 'state');
    writeFileSync(join(this.dir, 'driver.mts'), DRIVER);
  }

  /** Runs one operation inside the namespace. */
  async call<T>(op: 'apply' | 'confirm' | 'rollback' | 'status', extra: Record<string, unknown> = {}): Promise<DriverAnswer<T>> {
    const req = join(this.dir, `req-${++this.n}.json`);
    writeFileSync(req, JSON.stringify({ op, stateDir: this.stateDir, ...extra }));
    const out = await new Promise<string>((resolve, reject) => {
      execFile('ip', ['netns', 'exec', this.ns, process.execPath, '--import', 'tsx', join(this.dir, 'driver.mts'), req], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, PCX_APPLY_MODULE: APPLY } }, (err, stdout, stderr) => (err === null ? resolve(stdout) : reject(new Error(`driver ${op}: ${err.message}\n${stderr}`))));
    });
    return JSON.parse(out) as DriverAnswer<T>;
  }

  async ok<T>(op: 'apply' | 'confirm' | 'rollback' | 'status', extra: Record<string, unknown> = {}): Promise<T> {
    const r = await this.call<T>(op, extra);
    assert.ok(r.ok, `${op} failed: ${r.ok ? '' : `${r.code ?? ''} ${r.message}`}`);
    return r.out;
  }

  apply(rendered: RenderedRules, timeoutMs: number): Promise<ApplyResult> {
    return this.ok<ApplyResult>('apply', { rendered, timeoutMs });
  }

  /** The namespace's firewall as text: nft list ruleset, or both iptables dumps without comment lines. */
  ruleset(backend: 'nftables' | 'iptables'): string {
    const inNs = (cmd: string): string => execFileSync('ip', ['netns', 'exec', this.ns, cmd, ...(cmd === 'nft' ? ['list', 'ruleset'] : [])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (backend === 'nftables') return inNs('nft');
    return `${normalizeIptablesSave(inNs('iptables-save'))}\n--- v6\n${normalizeIptablesSave(inNs('ip6tables-save'))}`;
  }

  log(): string {
    try {
      return readFileSync(join(this.stateDir, 'rollback.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** Kills any rollback timer started for this state dir (a failed test must not leave one). */
  killTimers(): void {
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        if (cmd.includes('rollback-timer') && cmd.includes(this.stateDir)) process.kill(Number(pid), 'SIGKILL');
      } catch {
        // exited meanwhile
      }
    }
  }

  timersAlive(): number {
    let n = 0;
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        if (cmd.includes('rollback-timer') && cmd.includes(this.stateDir)) n++;
      } catch {
        // exited meanwhile
      }
    }
    return n;
  }

  close(): void {
    this.killTimers();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function rendered(yaml: string, backend: 'nftables' | 'iptables', sshConnection?: string): RenderedRules {
  const model = buildRuleModel(parsePolicy(yaml, 'policy.yaml'), { sshConnection });
  return render(model, backend);
}

/** TCP connect scan with our scanner from the root namespace: port → state. */
function scan(host: string, ports: readonly number[]): Map<number, string> {
  const out = execFileSync(process.execPath, [BIN, 'scan', '-sT', '-Pn', '-p', ports.join(','), '--max-retries', '1', '-oJ', '-', host], { encoding: 'utf8', maxBuffer: 16 << 20 });
  const states = new Map<number, string>();
  for (const line of out.trim().split('\n')) {
    const r = JSON.parse(line) as { type: string; port: number; state: string };
    if (r.type === 'port') states.set(r.port, r.state);
  }
  return states;
}

const LISTENERS = [21, 25, 80, 443, 3306, 5432, 6379, 8000, 8001, 9000];
const ALLOWED = new Set([80, 443, 8000, 8001]);
const SCANNED = [...LISTENERS, 1, 22, 23, 8002];
/** Rules someone else loaded before us (a comment nft cannot print, a nat table): rollback must keep them as they were. */
const PRE_V4 = '*filter\n-A INPUT -p tcp -m tcp --dport 9999 -m comment --comment "kept by rollback" -j ACCEPT\nCOMMIT\n*nat\n-A POSTROUTING -s 198.18.0.0/15 -d 198.18.0.0/15 -j RETURN\nCOMMIT\n';
const PRE_V6 = '*filter\n-A INPUT -p tcp -m tcp --dport 9999 -j ACCEPT\nCOMMIT\n';
const POLICY = 'version: 1\nallow:\n  - { port: 80, proto: tcp }\n  - { port: 443, proto: tcp }\n  - { port: 8000-8001, proto: tcp }\ndeny:\n  - { port: 23, proto: tcp }\n';

for (const backend of ['nftables', 'iptables'] as const) {
  test(`firewall apply (${backend}) filters what the policy does not allow, and rollback restores the ruleset exactly`, async (t) => {
    if (skipped(t)) return;
    let tb: Testbed | undefined;
    let h: Harness | undefined;
    try {
      tb = await createTestbed({ profile: 'lan', delayMs: 0, open: LISTENERS, ipv6: false, name: `fwa-${backend.slice(0, 3)}-${process.pid}` });
      h = new Harness(tb.ns);
      execFileSync('ip', ['netns', 'exec', tb.ns, 'iptables-restore', '--noflush'], { input: PRE_V4 });
      execFileSync('ip', ['netns', 'exec', tb.ns, 'ip6tables-restore', '--noflush'], { input: PRE_V6 });
      const before = h.ruleset(backend);
      const iptBefore = h.ruleset('iptables');
      const nftBefore = h.ruleset('nftables');
      const pre = scan(tb.v4, SCANNED);
      for (const p of SCANNED) assert.equal(pre.get(p), LISTENERS.includes(p) ? 'open' : 'closed', `before apply, port ${p}`);

      // (a) apply, then scan: allowed listeners open, everything else filtered.
      const r = await h.apply(rendered(POLICY, backend), 30_000);
      assert.equal(r.confirmed, false);
      assert.ok(r.timerPid !== undefined && h.timersAlive() === 1, 'one rollback timer runs');
      // Its own session (setsid): the hang-up of a dropped SSH session's terminal does not reach it.
      const stat = readFileSync(`/proc/${r.timerPid}/stat`, 'utf8');
      assert.equal(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]), r.timerPid, 'the timer leads its own session');
      const st = await h.ok<ApplyStatus>('status');
      assert.equal(st.state, 'pending');
      const again = await h.call('apply', { rendered: rendered(POLICY, backend), timeoutMs: 30_000 });
      assert.ok(!again.ok && again.code === 'PC_FIREWALL_STATE', 'a second apply is refused while one is pending');
      const post = scan(tb.v4, SCANNED);
      let agree = 0;
      for (const p of SCANNED) if (post.get(p) === (ALLOWED.has(p) ? 'open' : 'filtered')) agree++;
      console.log(`# ${backend}: after apply ${agree}/${SCANNED.length} ports as the policy says: ${JSON.stringify([...post])}`);
      assert.equal(agree, SCANNED.length);

      // (b) rollback: the very ruleset from before, the timer gone, the ports back.
      const rb = await h.ok<RollbackResult>('rollback');
      assert.equal(rb.exact, true, rb.notes.join('; '));
      assert.equal(h.ruleset(backend), before);
      // iptables-restore makes iptables-nft create the base chains iptables-save already showed
      // (FORWARD, OUTPUT) in nft: the same iptables ruleset, so with iptables only nft's own tables are compared.
      if (backend === 'nftables') assert.equal(h.ruleset('nftables'), nftBefore, 'nft list ruleset too');
      else assert.deepEqual(handWrittenNftTables(h.ruleset('nftables')), handWrittenNftTables(nftBefore), 'the nft tables');
      assert.equal(h.ruleset('iptables'), iptBefore, 'iptables-save too');
      console.log(`# ${backend}: ruleset after rollback identical to before (${before.length} bytes)`);
      await sleep(200);
      assert.equal(h.timersAlive(), 0, 'rollback stopped the timer');
      assert.equal((await h.ok<ApplyStatus>('status')).state, 'none');
      const back = scan(tb.v4, SCANNED);
      for (const p of SCANNED) assert.equal(back.get(p), pre.get(p), `after rollback, port ${p}`);
      const none = await h.call('rollback');
      assert.ok(!none.ok && none.code === 'PC_FIREWALL_STATE', 'nothing to roll back');

      // Rollback after confirm restores the ruleset from before the apply too.
      await h.apply(rendered(POLICY, backend), 0);
      assert.notEqual(h.ruleset(backend), before);
      assert.equal((await h.ok<RollbackResult>('rollback')).exact, true);
      assert.equal(h.ruleset(backend), before);
    } finally {
      h?.close();
      await tb?.close();
    }
  });

  test(`firewall apply (${backend}) rolls back by itself without a confirm, and not after one; a refused load changes nothing`, async (t) => {
    if (skipped(t)) return;
    let tb: Testbed | undefined;
    let h: Harness | undefined;
    try {
      tb = await createTestbed({ profile: 'lan', delayMs: 0, open: [80, 9000], ipv6: false, name: `fwt-${backend.slice(0, 3)}-${process.pid}` });
      h = new Harness(tb.ns);
      const before = h.ruleset(backend);

      // A load the backend refuses leaves nothing changed and names the backend's error; with
      // iptables the IPv6 half fails after the IPv4 half went in, which is taken out again.
      const good = rendered(POLICY, backend);
      const broken: RenderedRules =
        backend === 'nftables'
          ? { backend, files: [{ name: 'portcullis.nft', content: good.files[0]!.content.replace('tcp dport 80 accept', 'tcp dport 99999 accept') }] }
          : { backend, files: good.files.map((f) => (f.name === 'v6' ? { ...f, content: f.content.replace('--dport 80 ', '--dport 99999 ') } : f)) };
      assert.notDeepEqual(broken.files, good.files);
      const failed = await h.call('apply', { rendered: broken, timeoutMs: 30_000 });
      assert.ok(!failed.ok && failed.code === 'PC_FIREWALL_APPLY', JSON.stringify(failed));
      assert.match(failed.message, backend === 'nftables' ? /nft -f .*Error/s : /ip6tables-restore .*99999/s);
      assert.equal(h.ruleset(backend), before, 'nothing left changed');
      assert.equal((await h.ok<ApplyStatus>('status')).state, 'none');
      assert.equal(h.timersAlive(), 0);

      // (c) no confirm: the timer restores the ruleset shortly after the 2 s deadline.
      const start = Date.now();
      await h.apply(rendered(POLICY, backend), 2000);
      assert.notEqual(h.ruleset(backend), before);
      let back = -1;
      while (Date.now() - start < 15_000) {
        if (h.ruleset(backend) === before) {
          back = Date.now() - start;
          break;
        }
        await sleep(100);
      }
      console.log(`# ${backend}: timed rollback (2 s deadline) restored the ruleset after ${back} ms`);
      assert.ok(back >= 1900, `restored after ${back} ms; not before the deadline`);
      await sleep(300);
      assert.equal(h.timersAlive(), 0);
      assert.match(h.log(), /timer: no confirm before the deadline: rolled back .*identical/);
      assert.equal((await h.ok<ApplyStatus>('status')).state, 'none');

      // With a confirm: the rules stay past the deadline and the timer is gone.
      await h.apply(rendered(POLICY, backend), 2000);
      const applied = h.ruleset(backend);
      const c = await h.ok<ApplyStatus>('confirm');
      assert.equal(c.state, 'confirmed');
      await sleep(3500);
      assert.equal(h.ruleset(backend), applied, 'confirmed rules stay after the deadline');
      assert.equal(h.timersAlive(), 0, 'confirm stopped the timer');
      assert.equal((await h.ok<ApplyStatus>('status')).state, 'confirmed');
      const twice = await h.call('confirm');
      assert.ok(!twice.ok && twice.code === 'PC_FIREWALL_STATE');
      assert.equal((await h.ok<RollbackResult>('rollback')).exact, true);
      assert.equal(h.ruleset(backend), before);
    } finally {
      h?.close();
      await tb?.close();
    }
  });
}

/** Waits until host:port accepts a TCP connection. */
async function waitPort(host: string, port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host, port, timeout: 500 }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
      s.on('timeout', () => {
        s.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`${host}:${port} never accepted`);
    await sleep(100);
  }
}

function sshArgs(key: string, host: string): string[] {
  return ['-F', '/dev/null', '-i', key, '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=3', '-o', 'LogLevel=ERROR', `root@${host}`];
}

/** Runs one short ssh command; its exit code. */
function sshOnce(key: string, host: string): Promise<number> {
  return new Promise((resolve) => {
    const c = spawn('ssh', [...sshArgs(key, host), 'true'], { stdio: 'ignore' });
    c.on('exit', (code) => resolve(code ?? -1));
  });
}

test('firewall apply keeps an SSH session alive, blocks new ones without the guard and admits them with it', async (t) => {
  if (skipped(t, sshReason)) return;
  let tb: Testbed | undefined;
  let h: Harness | undefined;
  let sshd: ChildProcess | undefined;
  const sessions: ChildProcess[] = [];
  try {
    tb = await createTestbed({ profile: 'lan', delayMs: 0, open: [80], ipv6: false, name: `fws-${process.pid}` });
    h = new Harness(tb.ns);
    const hostKey = join(h.dir, 'host_key');
    const key = join(h.dir, 'client_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    writeFileSync(join(h.dir, 'authorized_keys'), readFileSync(`${key}.pub`));
    // sshd insists on its privilege-separation directory, which the package creates only at boot.
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    const conf = join(h.dir, 'sshd_config');
    // StrictModes off: the keys live under the world-writable /tmp.
    writeFileSync(conf, [`Port 22`, `ListenAddress ${tb.v4}`, `HostKey ${hostKey}`, `PidFile ${join(h.dir, 'sshd.pid')}`, `AuthorizedKeysFile ${join(h.dir, 'authorized_keys')}`, 'StrictModes no', 'UsePAM no', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'PermitRootLogin prohibit-password', ''].join('\n'));
    sshd = spawn('ip', ['netns', 'exec', tb.ns, '/usr/sbin/sshd', '-D', '-e', '-f', conf], { stdio: 'ignore' });
    await waitPort(tb.v4, 22, 10_000);

    for (const backend of ['nftables', 'iptables'] as const) {
      const before: string = h.ruleset(backend);
      // (d) a session that is running when the apply closes port 22.
      const session = spawn('ssh', [...sshArgs(key, tb.v4), 'echo start $SSH_CONNECTION; sleep 6; echo alive'], { stdio: ['ignore', 'pipe', 'pipe'] });
      sessions.push(session);
      let out = '';
      session.stdout?.on('data', (d: Buffer) => (out += d.toString()));
      session.stderr?.on('data', (d: Buffer) => (out += d.toString()));
      const exited = new Promise<number>((resolve) => session.on('exit', (code) => resolve(code ?? -1)));
      const until = Date.now() + 10_000;
      while (!out.includes('start') && Date.now() < until) await sleep(50);
      assert.match(out, /start /, `the session did not start: ${out}`);
      const sshConnection = /start (.+)/.exec(out)?.[1]?.trim();

      await h.apply(rendered(POLICY, backend), 30_000);
      assert.notEqual(await sshOnce(key, tb.v4), 0, `${backend}: a new SSH connection is filtered without the guard`);
      assert.equal(await exited, 0, `${backend}: the running session ended badly: ${out}`);
      assert.match(out, /alive/, `${backend}: the running session survived the apply`);
      await h.ok<RollbackResult>('rollback');
      assert.equal(h.ruleset(backend), before);

      // With the guard (the session's SSH_CONNECTION in the model), new sessions still work.
      assert.match(sshConnection ?? '', / 22$/);
      await h.apply(rendered(POLICY, backend, sshConnection), 30_000);
      assert.equal(await sshOnce(key, tb.v4), 0, `${backend}: the SSH guard keeps port 22 open`);
      const st = scan(tb.v4, [22, 80, 9000]);
      assert.deepEqual([...st].sort(), [[22, 'open'], [80, 'open'], [9000, 'filtered']]);
      await h.ok<RollbackResult>('rollback');
      assert.equal(h.ruleset(backend), before);
      console.log(`# ${backend}: SSH session survived the apply; new sessions filtered without the guard, admitted with it`);
    }
  } finally {
    for (const s of sessions) s.kill('SIGKILL');
    sshd?.kill('SIGTERM');
    h?.close();
    await tb?.close();
  }
});
