import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { canUseNetns, createTestbed } from '../helpers/testbed.js';

const BIN = fileURLToPath(new URL('../../dist/cli/launch.cjs', import.meta.url));
const can = canUseNetns();
const skip = !can.ok ? can.reason : !existsSync(BIN) ? 'dist/ is not built (scripts/ci.sh builds first)' : !existsSync('/usr/bin/python3') ? 'python3 is not installed' : false;
if (skip !== false) console.log(`# skipping the planted-listener audit test: ${skip}`);

const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats.default(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(new URL('../../docs/reference/audit.schema.json', import.meta.url), 'utf8')) as object);

interface Rec {
  type: string;
  proto: string;
  address: string;
  port: number;
  pid: number | null;
  pids: number[];
  exe: string | null;
  netns: { name: string | null; own: boolean };
  findings: { id: string; severity: string }[];
}

/** Starts a process that prints one line when it listens; resolves with that line. */
function start(children: ChildProcess[], cmd: string, args: string[]): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve({ child, line: buf.slice(0, nl).trim() });
    });
    child.once('exit', (code) => reject(new Error(`${cmd} exited with ${code}`)));
  });
}

const NODE_LISTEN = (host: string, port: number): string =>
  `const s=require('node:net').createServer(c=>c.destroy()).listen(${port},'${host}',()=>console.log(s.address().port));setInterval(()=>{},1e6)`;

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function listening(ns: string, port: number): boolean {
  return execFileSync('ip', ['netns', 'exec', ns, 'ss', '-ltnH', `sport = :${port}`], { encoding: 'utf8' }).trim() !== '';
}

test('audit reports each planted listener with its finding and leaves packaged daemons alone', { skip, timeout: 120_000 }, async () => {
  const tb = await createTestbed({ profile: 'lan', delayMs: 0, open: [], ipv6: false, name: 'audit-plant' });
  const dir = mkdtempSync(join(tmpdir(), 'pcx-audit-'));
  const children: ChildProcess[] = [];
  try {
    // 1. A copy of an interpreter (node) in /tmp, listening on loopback.
    const copy = join(dir, 'node');
    copyFileSync(process.execPath, copy);
    execFileSync('chmod', ['755', copy]);
    const tmpInterp = await start(children, copy, ['-e', NODE_LISTEN('127.0.0.1', 0)]);
    // 2. An executable deleted after it started.
    mkdirSync(join(dir, 'gone'));
    const doomed = join(dir, 'gone', 'server');
    copyFileSync(process.execPath, doomed);
    execFileSync('chmod', ['755', doomed]);
    const deleted = await start(children, doomed, ['-e', NODE_LISTEN('127.0.0.1', 0)]);
    unlinkSync(doomed);
    // 3. A listener inside another network namespace.
    const inNs = await start(children, 'ip', ['netns', 'exec', tb.ns, process.execPath, '-e', NODE_LISTEN('0.0.0.0', 18080)]);
    // 4. A raw socket (ICMP), which no port scan can see.
    const raw = await start(children, '/usr/bin/python3', ['-c', "import socket,time\ns=socket.socket(socket.AF_INET,socket.SOCK_RAW,socket.IPPROTO_ICMP)\nprint('up',flush=True)\ntime.sleep(600)"]);
    // 5. A Redis on every interface (in the namespace, so nothing outside can reach it).
    const redisBin = existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : undefined;
    if (redisBin !== undefined) {
      children.push(spawn('ip', ['netns', 'exec', tb.ns, redisBin, '--port', '6379', '--bind', '0.0.0.0', '--save', '', '--appendonly', 'no', '--protected-mode', 'no', '--daemonize', 'no', '--dir', dir], { stdio: 'ignore' }));
    } else console.log('# redis-server is not installed: the Redis case is left out');
    // 6. Packaged nginx (master + worker sharing the socket) and sshd from /usr/sbin, on every interface.
    const nginx = existsSync('/usr/sbin/nginx');
    if (nginx) {
      mkdirSync(join(dir, 'ng'), { recursive: true });
      writeFileSync(join(dir, 'nginx.conf'), `daemon off;\nworker_processes 1;\npid ${dir}/nginx.pid;\nerror_log stderr warn;\nevents { worker_connections 64; }\nhttp { access_log off; client_body_temp_path ${dir}/ng/b; proxy_temp_path ${dir}/ng/p; fastcgi_temp_path ${dir}/ng/f; uwsgi_temp_path ${dir}/ng/u; scgi_temp_path ${dir}/ng/s; server { listen 0.0.0.0:80; location / { return 204; } } }\n`);
      children.push(spawn('ip', ['netns', 'exec', tb.ns, '/usr/sbin/nginx', '-e', 'stderr', '-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' }));
    } else console.log('# nginx is not installed: the nginx case is left out');
    const sshd = existsSync('/usr/sbin/sshd');
    if (sshd) {
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'hostkey')], { stdio: 'ignore' });
      mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
      writeFileSync(join(dir, 'sshd_config'), `Port 22\nListenAddress 0.0.0.0\nHostKey ${dir}/hostkey\nPidFile ${dir}/sshd.pid\nUsePAM no\nPasswordAuthentication no\n`);
      children.push(spawn('ip', ['netns', 'exec', tb.ns, '/usr/sbin/sshd', '-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: 'ignore' }));
    } else console.log('# openssh-server is not installed: the sshd case is left out');
    await waitFor(() => (redisBin === undefined || listening(tb.ns, 6379)) && (!nginx || listening(tb.ns, 80)) && (!sshd || listening(tb.ns, 22)), 15_000);

    const out = execFileSync(process.execPath, [BIN, 'audit', '-oJ', '-'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const records = out.trim().split('\n').map((l) => JSON.parse(l) as Rec);
    for (const r of records) assert.ok(validate(r), `${JSON.stringify(r).slice(0, 200)}: ${ajv.errorsText(validate.errors)}`);
    assert.equal(records[0]!.type, 'audit');
    assert.equal(records.at(-1)!.type, 'audit-summary');
    const listeners = records.filter((r) => r.type === 'listener');
    const ids = (r: Rec | undefined): string[] => (r?.findings ?? []).map((f) => f.id);
    const serious = (r: Rec | undefined): string[] => (r?.findings ?? []).filter((f) => f.severity !== 'info').map((f) => f.id);

    const a = listeners.find((r) => r.proto === 'tcp' && r.port === Number(tmpInterp.line) && r.netns.own);
    assert.equal(a?.pid, tmpInterp.child.pid);
    assert.equal(a?.exe, copy);
    assert.ok(ids(a).includes('exe-in-temp-dir') && ids(a).includes('interpreter-listening'), `tmp interpreter: ${ids(a).join()}`);

    const b = listeners.find((r) => r.proto === 'tcp' && r.port === Number(deleted.line) && r.netns.own);
    assert.equal(b?.pid, deleted.child.pid);
    assert.ok(ids(b).includes('exe-deleted'), `deleted exe: ${ids(b).join()}`);

    const c = listeners.find((r) => r.proto === 'tcp' && r.port === 18080 && r.netns.name === tb.ns);
    assert.ok(c !== undefined, 'listener in the other namespace');
    assert.equal(c.netns.own, false);
    assert.equal(c.exe, process.execPath);
    assert.ok(inNs.line === '18080');

    const d = listeners.find((r) => r.proto === 'raw' && r.pid === raw.child.pid);
    assert.ok(d !== undefined, 'raw socket listed');
    assert.equal(d.port, 1);
    assert.ok(ids(d).includes('raw-socket'), `raw: ${ids(d).join()}`);

    if (redisBin !== undefined) {
      const e = listeners.find((r) => r.proto === 'tcp' && r.port === 6379 && r.netns.name === tb.ns);
      assert.ok(serious(e).includes('local-service-on-all-interfaces'), `redis: ${ids(e).join()}`);
    }
    if (nginx) {
      const f = listeners.find((r) => r.proto === 'tcp' && r.port === 80 && r.netns.name === tb.ns);
      assert.equal(f?.exe, '/usr/sbin/nginx');
      assert.equal(f?.pids.length, 2, 'nginx master and worker both hold the socket');
      assert.deepEqual(serious(f), [], `nginx: ${ids(f).join()}`);
    }
    if (sshd) {
      const g = listeners.find((r) => r.proto === 'tcp' && r.port === 22 && r.netns.name === tb.ns);
      assert.equal(g?.exe, '/usr/sbin/sshd');
      assert.deepEqual(serious(g), [], `sshd: ${ids(g).join()}`);
    }
  } finally {
    for (const ch of children) ch.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    for (const ch of children) if (ch.exitCode === null && ch.signalCode === null) ch.kill('SIGKILL');
    await tb.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
