import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../dist/cli/launch.cjs', import.meta.url));
const skip = existsSync(BIN) ? false : 'dist/ is not built (scripts/ci.sh builds first)';

/**
 * Node's built-in modules a CLI run loaded, from the built CLI (not tsx, which loads its own).
 * Each is start-up time on every scan: node:crypto alone is ~8 ms, node:dns ~1.5 ms.
 */
function builtinsLoaded(args: readonly string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'pcx-startup-'));
  try {
    const hook = join(dir, 'hook.mjs');
    writeFileSync(hook, "process.on('exit', () => process.stderr.write('@@' + JSON.stringify(process.moduleLoadList) + '\\n'));\n");
    const run = spawnSync(process.execPath, ['--import', hook, BIN, ...args], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(run.status, 0, run.stderr);
    const line = run.stderr.split('\n').find((l) => l.startsWith('@@'));
    assert.ok(line !== undefined, run.stderr);
    return (JSON.parse(line.slice(2)) as string[]).filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a connect scan of an address loads neither node:crypto nor node:dns', { skip }, () => {
  const loaded = builtinsLoaded(['scan', '-sT', '-p', '1', '-Pn', '-n', '--no-progress', '127.0.0.1']);
  assert.ok(loaded.includes('net') || loaded.includes('fs'), `the hook saw the run: ${loaded.length} modules`);
  for (const unwanted of ['crypto', 'dns', 'dns/promises', 'worker_threads']) assert.ok(!loaded.includes(unwanted), `${unwanted} was loaded`);
});

test('a scan of a hostname does load the resolver', { skip }, () => {
  const loaded = builtinsLoaded(['scan', '-sT', '-p', '1', '-Pn', '--no-progress', 'localhost']);
  assert.ok(loaded.includes('dns/promises'));
});

/** The optimising compilers a CLI run used, from V8's --trace-opt. */
function tiersUsed(args: readonly string[], env: Record<string, string> = {}): Set<string> {
  const run = spawnSync(process.execPath, ['--trace-opt', BIN, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...env }, maxBuffer: 64 << 20 });
  assert.equal(run.status, 0, run.stderr);
  return new Set([...run.stdout.matchAll(/completed (?:compiling|optimizing) .*?\(target (\w+)\)/g)].map((m) => m[1]!));
}

const nodeMajor = Number(process.versions.node.split('.')[0]);
const longScan = ['scan', '-sT', '-p', '1-30000', '-Pn', '-n', '--no-progress', '-oX', '/dev/null', '127.0.0.1'];

test('on Node ≥ 22 the CLI optimises with Maglev only, unless PORTCULLIS_TURBOFAN=1', { skip: skip || (nodeMajor < 22 && 'Node < 22 keeps TurboFan') }, () => {
  const tiers = tiersUsed(longScan);
  assert.ok(tiers.has('MAGLEV'), [...tiers].join());
  assert.ok(![...tiers].some((t) => t.startsWith('TURBOFAN')), [...tiers].join());
  assert.ok([...tiersUsed(longScan, { PORTCULLIS_TURBOFAN: '1' })].some((t) => t.startsWith('TURBOFAN')));
});

test('on Node 20 the CLI keeps TurboFan', { skip: skip || (nodeMajor >= 22 && 'Node ≥ 22 has Maglev') }, () => {
  assert.ok([...tiersUsed(longScan)].some((t) => t.startsWith('TURBOFAN')));
});
