import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished, ROOT, runCli } from '../helpers/cli.js';

const linux = process.platform === 'linux';
const root = process.getuid?.() === 0;
if (!linux) console.log('# skipping the audit CLI tests: not Linux');

interface Rec {
  type: string;
  kind?: string;
  proto?: string;
  port?: number;
  pid?: number | null;
  message?: string;
  listener?: { port: number; pid: number | null };
  policy_line?: number;
  expected?: string;
  actual?: string;
}

function records(stdout: string): Rec[] {
  return stdout
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Rec);
}

/** A loopback TCP listener in a child process; resolves with its port. */
async function listener(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['-e', "const s=require('node:net').createServer(c=>c.destroy()).listen(0,'127.0.0.1',()=>console.log(s.address().port));setInterval(()=>{},1e6)"], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('exit', () => reject(new Error('listener exited')));
  });
  return { child, port };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await gone;
}

test('audit --policy reports the listeners it does not allow and exits 1', { skip: !linux, timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pcx-audit-cli-'));
  const l = await listener();
  try {
    const policy = join(dir, 'policy.yaml');
    writeFileSync(policy, `version: 1\nallow:\n  - { port: 22, proto: tcp }\n  - { port: ${l.port}, proto: tcp, bind: loopback, exe: /usr/lib/nothing/* }\ndeny:\n  - { port: 23, proto: tcp }\n`);
    const run = await runCli(['audit', '--policy', policy, '-oJ', '-']);
    assert.equal(run.code, 1, run.stderr);
    const devs = records(run.stdout).filter((r) => r.type === 'deviation');
    const mine = devs.find((r) => r.listener?.port === l.port);
    assert.equal(mine?.kind, 'wrong-exe', JSON.stringify(devs));
    assert.equal(mine.policy_line, 4);
    assert.equal(mine.expected, '/usr/lib/nothing/*');
    if (root) assert.equal(mine.actual, process.execPath);
    // Everything else listening on this machine is unexpected under this policy.
    assert.ok(devs.filter((r) => r.kind === 'unexpected-listener').length >= 1);
    const summary = records(run.stdout).at(-1)!;
    assert.equal(summary.type, 'audit-summary');

    // Allowing it with its real executable clears that deviation.
    writeFileSync(policy, `version: 1\nallow:\n  - { port: ${l.port}, proto: tcp, bind: loopback, exe: ${process.execPath} }\n`);
    const again = await runCli(['audit', '--policy', policy, '-oJ', '-']);
    assert.equal(records(again.stdout).some((r) => r.type === 'deviation' && r.listener?.port === l.port), false, again.stdout);

    // The terminal report lists the deviations too, in Spanish when asked.
    const es = await runCli(['audit', '--policy', policy, '--lang', 'es']);
    assert.match(es.stdout, /Solo locales \(\d+\)/);
    assert.match(es.stdout, /sockets a la escucha/);
  } finally {
    await stop(l.child);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('audit --baseline reports what appeared and vanished since --save-baseline', { skip: !linux, timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pcx-audit-cli-'));
  const base = join(dir, 'base.json');
  let l = await listener();
  try {
    const saved = await runCli(['audit', '--save-baseline', base, '-oJ', join(dir, 'first.ndjson')]);
    assert.equal(saved.code, 0, saved.stderr);
    const b = JSON.parse(readFileSync(base, 'utf8')) as { format: string; listeners: { port: number; pid: number | null }[] };
    assert.equal(b.format, 'portcullis-baseline');
    assert.ok(b.listeners.some((x) => x.port === l.port));
    assert.ok(existsSync(join(dir, 'first.ndjson')));

    const gone = l.port;
    await stop(l.child);
    l = await listener();
    const run = await runCli(['audit', '--baseline', base, '-oJ', '-']);
    assert.equal(run.code, 1, run.stderr);
    const changes = records(run.stdout).filter((r) => r.type === 'change');
    assert.ok(changes.some((r) => r.kind === 'vanished' && r.message?.includes(`:${gone}`)), JSON.stringify(changes));
    assert.ok(changes.some((r) => r.kind === 'appeared' && r.listener?.port === l.port), JSON.stringify(changes));
  } finally {
    await stop(l.child);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('audit refuses a malformed policy naming line and field, and writes nothing', { skip: !linux, timeout: 30_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pcx-audit-cli-'));
  try {
    const cases: [string, RegExp][] = [
      ['version: 1\nallow:\n  - { port: 70000, proto: tcp }\n', /line 3: allow\[0\]\.port: 70000/],
      ['version: 1\nallow:\n  - { port: 22, prot: tcp }\n', /line 3: allow\[0\].*prot/],
      ['version: 1\nallow:\n  - { port: 22, proto: tcp }\ndeny:\n  - { port: 22, proto: tcp }\n', /line[s]? 3.*5|line 5.*3/],
      ['', /policy/i],
    ];
    for (const [text, want] of cases) {
      const policy = join(dir, 'bad.yaml');
      writeFileSync(policy, text);
      const out = join(dir, 'out.ndjson');
      const run = await runCli(['audit', '--policy', policy, '-oJ', out, '--save-baseline', join(dir, 'b.json')]);
      assert.equal(run.code, 2, text);
      assert.match(run.stderr, want);
      assert.equal(existsSync(out), false, 'no output file');
      assert.equal(existsSync(join(dir, 'b.json')), false, 'no baseline file');
    }
    const corrupt = join(dir, 'corrupt.json');
    writeFileSync(corrupt, '{"format":"portcullis-baseline","version":1,"listeners":[{"port":"x"}]');
    const bad = await runCli(['audit', '--baseline', corrupt]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /corrupt\.json/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('audit flags: scan-only flags and targets are refused with exit 2', { skip: !linux }, async () => {
  const p = await runCli(['audit', '-p', '22']);
  assert.equal(p.code, 2);
  assert.match(p.stderr, /-p: does not apply to "portcullis audit"/);
  const t = await runCli(['audit', '127.0.0.1']);
  assert.equal(t.code, 2);
  assert.match(t.stderr, /takes no targets/);
  const h = await runCli(['audit', '--help']);
  assert.equal(h.code, 0);
  assert.match(h.stdout, /--save-baseline FILE/);
  assert.doesNotMatch(h.stdout, /--top-ports/);
});

test('audit without privilege lists sockets and counts the owners it cannot see', { skip: !linux || !root ? 'needs root to drop to nobody' : false, timeout: 60_000 }, async () => {
  const child = spawn('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--import', 'tsx', join(ROOT, 'src/cli/bin.ts'), 'audit', '-oJ', '-'], { cwd: ROOT, env: { ...process.env, HOME: '/tmp' } });
  const run = await finished(child);
  assert.equal(run.code, 0, run.stderr);
  const recs = records(run.stdout);
  const summary = recs.at(-1) as unknown as { unknown_owner: number; unreadable_processes: number; listeners: number };
  assert.ok(summary.listeners > 0);
  assert.ok(summary.unreadable_processes > 0, JSON.stringify(summary));
  // Root's and the services' sockets are listed without their process.
  assert.ok(summary.unknown_owner > 0, JSON.stringify(summary));
});
