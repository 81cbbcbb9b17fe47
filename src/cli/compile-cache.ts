/**
 * Loads the bundled CLI (dist/cli/bundle, made by scripts/bundle.mjs) through V8's code cache,
 * so a run does not parse and compile the CLI again: the bytecode from an earlier run is read
 * back (measured on a two-core VM: a one-port scan 208 ms → 184 ms; see docs/benchmarks.md).
 * Node ≥ 22.1 has this built in (module.enableCompileCache); on Node 20 a CommonJS bundle is
 * compiled with vm.Script and its cachedData, which is what that built-in does too.
 *
 * The cache is code the process runs, so it lives only in a directory that the user owns and
 * nobody else can write: $XDG_CACHE_HOME/portcullis or ~/.cache/portcullis (0700), checked before
 * every use, never a shared temporary directory (a scanner runs as root: a cache planted there
 * would run as root). On Windows there is no such check to make, so no cache. Entries are named
 * after the bundle's SHA-256 (manifest.json), size and modification time, under the Node
 * version: V8 itself checks a cache only against the source length, its version and its flags.
 *
 * PORTCULLIS_COMPILE_CACHE=off turns the cache off; =verbose says on stderr what it did.
 */
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import nodeModule, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type * as V8 from 'node:v8';
import { Script } from 'node:vm';

/** What became of the code cache in one run. */
export type CacheStatus = 'off' | 'unsafe' | 'miss' | 'hit' | 'rejected' | 'builtin';

/** The parts of a directory's lstat that decide whether a cache may live in it. */
export interface DirFacts {
  readonly isDirectory: boolean;
  readonly isSymbolicLink: boolean;
  readonly uid: number;
  readonly mode: number;
}

/** A directory only `uid` can write: a real directory (not a link), owned by uid, no group or other write bit. */
export function isPrivateDir(d: DirFacts, uid: number): boolean {
  return d.isDirectory && !d.isSymbolicLink && d.uid === uid && (d.mode & 0o022) === 0;
}

/**
 * Where the user's cache directory is, or null where none is used: XDG_CACHE_HOME when it is an
 * absolute path (the XDG rule), else ~/.cache; never on Windows (no uid to check).
 */
export function cacheBase(env: Readonly<Record<string, string | undefined>>, home: string, platform: NodeJS.Platform): string | null {
  if (platform === 'win32' || home === '') return null;
  const xdg = env['XDG_CACHE_HOME'];
  return xdg !== undefined && xdg.startsWith('/') ? xdg : join(home, '.cache');
}

function facts(path: string): DirFacts | null {
  try {
    const st = lstatSync(path);
    return { isDirectory: st.isDirectory(), isSymbolicLink: st.isSymbolicLink(), uid: st.uid, mode: st.mode };
  } catch {
    return null;
  }
}

/** This user's private cache directory for this Node version, created if need be; null when unsafe or impossible. */
function privateDir(env: NodeJS.ProcessEnv): string | null {
  const uid = process.getuid?.();
  if (uid === undefined) return null;
  let home = '';
  try {
    home = homedir();
  } catch {
    return null;
  }
  const base = cacheBase(env, home, process.platform);
  if (base === null) return null;
  const own = join(base, 'portcullis');
  const dir = join(own, `node-${process.version}-${process.arch}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch {
    return null;
  }
  // Both levels we made: whoever could replace one could plant a cache.
  for (const d of [own, dir]) {
    const f = facts(d);
    if (f === null || !isPrivateDir(f, uid)) return null;
  }
  return dir;
}

interface Manifest {
  readonly main: string;
  readonly sha256: string;
}

function readManifest(bundleDir: string): Manifest | null {
  try {
    const m = JSON.parse(readFileSync(join(bundleDir, 'manifest.json'), 'utf8')) as Partial<Manifest>;
    if (typeof m.main === 'string' && /^[\w.-]+$/.test(m.main) && typeof m.sha256 === 'string' && /^[0-9a-f]{64}$/.test(m.sha256)) return { main: m.main, sha256: m.sha256 };
  } catch {
    // no bundle: the caller runs the unbundled CLI
  }
  return null;
}

/**
 * Runs the bundled CLI in `bundleDir` and returns what became of the code cache, or null when
 * there is no bundle (the caller then loads dist/cli/bin.js itself).
 */
export function runBundled(bundleDir: string, env: NodeJS.ProcessEnv = process.env): CacheStatus | null {
  const manifest = readManifest(bundleDir);
  if (manifest === null) return null;
  const file = join(bundleDir, manifest.main);
  const st = statSync(file, { throwIfNoEntry: false });
  if (st === undefined) return null;
  const mode = env['PORTCULLIS_COMPILE_CACHE'];
  const dir = mode === 'off' ? null : privateDir(env);
  // Named after the build's hash, and after the file's size and modification time too: a bundle
  // changed after the build (by hand) never meets the cache of the one it replaced.
  const entry = `${manifest.sha256}-${st.size}-${Math.trunc(st.mtimeMs)}.cache`;
  const status = load(file, dir, entry) ?? (mode === 'off' ? 'off' : 'unsafe');
  if (mode === 'verbose') process.stderr.write(`portcullis: compile cache ${status}${dir !== null ? ` (${dir})` : ''}\n`);
  return status;
}

/** Runs `file` with its cache `entry` in `dir`; null when there is no directory to keep it in. */
function load(file: string, dir: string | null, entry: string): CacheStatus | null {
  const require = createRequire(file);
  // Node ≥ 22.1: its own cache (keyed by the source's hash), in our private directory.
  const builtin = (nodeModule as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache;
  if (builtin !== undefined) {
    if (dir !== null) builtin(dir);
    require(file);
    return dir !== null ? 'builtin' : null;
  }
  const cacheFile = dir === null ? null : join(dir, entry);
  let cachedData: Buffer | undefined;
  if (cacheFile !== null) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      // first run with this build
    }
  }
  // No dynamic-import callback: a script compiled from the cache would not keep it, so the
  // bundle has no import() (scripts/bundle.mjs turns them into requires).
  const script = new Script(nodeModule.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
  const status: CacheStatus | null = dir === null ? null : cachedData === undefined ? 'miss' : script.cachedDataRejected === true ? 'rejected' : 'hit';
  if (dir !== null && cacheFile !== null && status !== 'hit') {
    // V8 ties a cache to its flags: a run that changes them (a scan of many hosts sets
    // --optimize-for-size) would write a cache the next plain run rejects. node:v8 is loaded
    // only here, on the runs that write.
    const v8 = createRequire(import.meta.url)('node:v8') as typeof V8;
    const tag = v8.cachedDataVersionTag();
    // Written at exit, so it holds the functions this run compiled too (a scan's engine), not
    // only the top level; written whole under another name and renamed, so a reader never
    // sees half of it.
    process.once('exit', () => {
      if (v8.cachedDataVersionTag() !== tag) return;
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      try {
        writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
        renameSync(tmp, cacheFile);
        // Earlier builds' entries are dead weight now (~0.5 MB each).
        for (const f of readdirSync(dir)) if (f.endsWith('.cache') && f !== entry) unlinkSync(join(dir, f));
      } catch {
        // a full disk or a read-only home: the next run compiles again
      }
    });
  }
  const module = { exports: {} };
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  run.call(module.exports, module.exports, require, module, file, dirname(file));
  return status;
}
