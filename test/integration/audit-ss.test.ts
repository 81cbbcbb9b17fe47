import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { runAudit } from '../../src/audit/audit.js';
import type { Listener } from '../../src/audit/types.js';

const root = process.getuid?.() === 0;
const hasSs = (() => {
  try {
    execFileSync('ss', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const skip = process.platform !== 'linux' ? 'not Linux' : !hasSs ? 'ss (iproute2) is not installed' : !root ? 'needs root to see every process behind a socket, as ss -p does' : false;
if (skip !== false) console.log(`# skipping the ss comparison: ${skip}`);

interface SsRow {
  readonly proto: 'tcp' | 'udp';
  readonly address: string;
  readonly port: number;
  readonly pids: readonly number[];
}

/** `ss -tulpnH`: "tcp LISTEN 0 128 127.0.0.1:5432 0.0.0.0:* users:(("postgres",pid=2201,fd=5))". */
function ss(): SsRow[] {
  const out: SsRow[] = [];
  for (const line of execFileSync('ss', ['-tulpnH'], { encoding: 'utf8' }).split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5) continue;
    const local = f[4]!;
    const i = local.lastIndexOf(':');
    const address = local.slice(0, i).replace(/^\[|\]$/g, '').replace(/%.*$/, '');
    const pids = [...line.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
    out.push({ proto: f[0] as 'tcp' | 'udp', address: address === '*' ? '*' : address, port: Number(local.slice(i + 1)), pids: [...new Set(pids)].sort((a, b) => a - b) });
  }
  return out;
}

function key(proto: string, address: string, port: number): string {
  return `${proto} ${address} ${port}`;
}

function exeOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, '');
  } catch {
    return undefined;
  }
}

test('audit lists every listener ss -tulpn shows, with the same pids and executables', { skip, timeout: 60_000 }, async () => {
  const before = ss();
  const report = await runAudit({});
  const after = ss();
  // Sockets that came or went while the audit ran are not a disagreement; the rest must match.
  const stable = before.filter((r) => after.some((a) => key(a.proto, a.address, a.port) === key(r.proto, r.address, r.port) && a.pids.join() === r.pids.join()));
  assert.ok(stable.length >= 6, `ss shows ${stable.length} stable listeners`);
  const own = report.listeners.filter((l) => l.netns.own && (l.kind === 'tcp' || l.kind === 'udp'));
  const byKey = new Map<string, Listener[]>();
  for (const l of own) {
    // ss prints "*" for a wildcard socket whose family it does not show (dual-stack "::" as [::]).
    for (const a of [l.address, l.address === '0.0.0.0' || l.address === '::' ? '*' : l.address]) {
      const k = key(l.kind, a, l.port);
      byKey.set(k, [...(byKey.get(k) ?? []), l]);
    }
  }
  let matched = 0;
  const problems: string[] = [];
  for (const r of stable) {
    const candidates = byKey.get(key(r.proto, r.address, r.port)) ?? [];
    const hit = candidates.find((l) => l.processes.map((p) => p.pid).join() === r.pids.join());
    if (hit === undefined) {
      problems.push(`${key(r.proto, r.address, r.port)} pids ${r.pids.join(',') || '-'}: audit has ${candidates.map((l) => `[${l.processes.map((p) => p.pid).join(',') || '-'}]`).join(' ') || 'nothing'}`);
      continue;
    }
    for (const p of hit.processes) {
      const exe = exeOf(p.pid);
      if (exe !== undefined && p.exe !== exe) problems.push(`${key(r.proto, r.address, r.port)} pid ${p.pid}: exe ${p.exe ?? '-'} vs /proc ${exe}`);
    }
    matched++;
  }
  assert.deepEqual(problems, []);
  assert.equal(matched, stable.length);
  // The machine's own services, by name and port, with their owners known.
  for (const [port, names] of [
    [5432, ['postgres']],
    [3306, ['mariadbd', 'mysqld']],
    [6379, ['redis-server']],
    [5672, ['beam.smp']],
    [1883, ['mosquitto']],
    [4222, ['nats-server']],
  ] as const) {
    const l = own.find((x) => x.kind === 'tcp' && x.port === port);
    if (!stable.some((r) => r.port === port)) {
      console.log(`# ${port}/tcp is not listening on this machine`);
      continue;
    }
    assert.ok(l !== undefined, `${port}/tcp listed`);
    assert.ok(names.some((n) => l.processes[0]?.name === n), `${port}/tcp owner ${l.processes[0]?.name ?? '-'}`);
    assert.ok(l.processes[0]?.exe?.startsWith('/usr/'), `${port}/tcp exe ${l.processes[0]?.exe ?? '-'}`);
    assert.ok(l.processes[0]?.user !== undefined && l.processes[0].startTime !== undefined);
  }
});
