import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const LAUNCH = fileURLToPath(new URL('../../dist/cli/launch.cjs', import.meta.url));
const BUNDLE = fileURLToPath(new URL('../../dist/cli/bundle/manifest.json', import.meta.url));
const skip = !existsSync(LAUNCH) || !existsSync(BUNDLE) ? 'dist/ is not built with its bundle (npm run build; scripts/ci.sh builds first)' : process.platform === 'win32' ? 'no compile cache on Windows' : false;

/** Runs the installed entry point (dist/cli/launch.cjs) with its cache under `cacheHome`. */
function launch(cacheHome: string, args: readonly string[], extra: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [LAUNCH, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: cacheHome, PORTCULLIS_COMPILE_CACHE: 'verbose', ...extra } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function cacheFiles(cacheHome: string): string[] {
  const base = join(cacheHome, 'portcullis');
  if (!existsSync(base)) return [];
  return readdirSync(base).flatMap((d) => readdirSync(join(base, d)).map((f) => join(base, d, f)));
}

const SCAN = ['scan', '-sT', '-p', '1', '-Pn', '-n', '--no-progress', '127.0.0.1'];

test('the launcher compiles the CLI once and reads it back from its cache after that', { skip }, () => {
  const home = mkdtempSync(join(tmpdir(), 'pcx-cache-'));
  try {
    // An earlier build's entry, which the first run replaces.
    const dirs = launch(home, ['--version']).stderr.match(/\((\/[^)]*)\)/);
    const stale = dirs !== null ? join(dirs[1]!, `${'0'.repeat(64)}-1-1.cache`) : null;
    if (stale !== null) writeFileSync(stale, 'old');
    for (const f of cacheFiles(home)) if (f !== stale) rmSync(f, { recursive: true });
    const first = launch(home, SCAN);
    assert.equal(first.status, 0, first.stderr);
    const builtin = first.stderr.includes('compile cache builtin');
    // Node ≥ 22.1 keeps its own cache (module.enableCompileCache) in our directory.
    if (!builtin) {
      assert.match(first.stderr, /compile cache miss/);
      assert.ok(stale !== null && !existsSync(stale), 'the stale entry is gone');
    }
    const files = cacheFiles(home);
    assert.ok(files.length >= 1, 'a cache was written');
    const dir = join(home, 'portcullis');
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    const second = launch(home, SCAN);
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stderr, builtin ? /compile cache builtin/ : /compile cache hit/);
    // The same report, but for the times in it.
    const timeless = (out: string): string => out.replace(/\d{4}-\d\d-\d\d \d\d:\d\d|[\d.]+s latency|[\d.]+ seconds/g, '');
    assert.equal(timeless(second.stdout), timeless(first.stdout));
    assert.match(second.stdout, /1\/tcp\s+closed/);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('a damaged cache is rejected, the CLI still runs, and the cache is written anew', { skip }, (t) => {
  const home = mkdtempSync(join(tmpdir(), 'pcx-cache-'));
  try {
    const first = launch(home, SCAN);
    if (first.stderr.includes('compile cache builtin')) return t.skip("Node's own cache (Node ≥ 22.1) checks its entries itself");
    const [file] = cacheFiles(home);
    assert.ok(file !== undefined);
    const garbage = Buffer.alloc(statSync(file).size, 0x5a);
    writeFileSync(file, garbage);
    const second = launch(home, SCAN);
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stderr, /compile cache rejected/);
    assert.match(second.stdout, /1\/tcp\s+closed/);
    assert.notDeepEqual(readFileSync(file), garbage);
    assert.match(launch(home, SCAN).stderr, /compile cache hit/);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('no cache in a directory others can write, nor when turned off', { skip }, () => {
  const home = mkdtempSync(join(tmpdir(), 'pcx-cache-'));
  try {
    mkdirSync(join(home, 'portcullis'));
    chmodSync(join(home, 'portcullis'), 0o777);
    const r = launch(home, SCAN);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /compile cache unsafe/);
    assert.match(r.stdout, /1\/tcp\s+closed/);
    assert.deepEqual(cacheFiles(home), []);
    chmodSync(join(home, 'portcullis'), 0o700);
    const off = launch(home, SCAN, { PORTCULLIS_COMPILE_CACHE: 'off' });
    assert.equal(off.status, 0, off.stderr);
    assert.deepEqual(cacheFiles(home), []);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('the bundle finds its worker-thread entry: a connect scan on worker threads', { skip }, () => {
  const home = mkdtempSync(join(tmpdir(), 'pcx-cache-'));
  try {
    const r = launch(home, ['scan', '-sT', '-p', '1-300', '-Pn', '-n', '--no-progress', '127.0.0.1'], { PORTCULLIS_CONNECTOR: 'net', PORTCULLIS_WORKERS: '2' });
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /probing failed/);
    assert.match(r.stdout, /1 IP address \(1 host up\)/);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('a run that changes V8 flags (a scan of several addresses) writes no cache that a plain run would reject', { skip }, (t) => {
  const home = mkdtempSync(join(tmpdir(), 'pcx-cache-'));
  try {
    const many = launch(home, ['scan', '-sT', '-p', '1', '-Pn', '-n', '--no-progress', '127.0.0.1-2']);
    assert.equal(many.status, 0, many.stderr);
    if (many.stderr.includes('compile cache builtin')) return t.skip("Node's own cache (Node ≥ 22.1) handles its flags itself");
    assert.match(many.stderr, /compile cache miss/);
    assert.deepEqual(cacheFiles(home), []);
    assert.match(launch(home, SCAN).stderr, /compile cache miss/);
    assert.match(launch(home, SCAN).stderr, /compile cache hit/);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
