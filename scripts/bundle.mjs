#!/usr/bin/env node
// Bundles the built CLI (dist/, from tsc) for start-up speed; `npm run build` runs it after tsc.
//
// A scan's own work starts only once Node has loaded the CLI: ~56 ES modules, ~100 ms on a
// slow machine, against nmap's whole 90 ms for a one-port scan. One file loads faster (no
// resolution or linking per module), and a CommonJS file can be compiled from V8's code cache
// (dist/cli/launch.cjs keeps one per user), which ES modules on Node 20 cannot. Measured on a
// two-core VM: a one-port scan 245 ms → 208 ms as one file → 184 ms with the code cache.
//
// Writes dist/cli/launch.cjs (the executable, see src/cli/launch.ts) and dist/cli/bundle/:
//   portcullis.cjs      the CLI (dist/cli/bin.js and everything it loads, dependencies excepted)
//   probe-worker.js     the connect scan's worker thread entry, beside the code that starts it
//   rollback-timer.js   the firewall rollback timer, a process of its own (same reason)
//   manifest.json       { main, sha256 }: the launcher names its code cache after the hash, so
//                       a cache made for another build is never used for this one
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const out = join(dist, 'cli', 'bundle');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// Dependencies stay outside (required from node_modules at run time), as does the addon.
const common = { bundle: true, platform: 'node', target: 'node20', packages: 'external', logLevel: 'warning', legalComments: 'none' };

// CommonJS output. Modules find files beside themselves through import.meta.url (the addon at
// ../../../native/..., the worker and rollback-timer entries at ./): in a CommonJS file that is
// the file's own URL, and dist/cli/bundle/ is as deep as dist/scan/raw/.
const cjs = {
  ...common,
  format: 'cjs',
  // Whitespace and syntax only, names kept (stack traces still name functions): 937 → 750 kB,
  // which Node reads, checks against its code cache and evaluates at every start (measured:
  // --version 38 → 35 ms, a loopback -p- SYN scan 202 → 199 ms, on Node 24).
  minifyWhitespace: true,
  minifySyntax: true,
  banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__bundleUrl' },
};

await build({
  ...cjs,
  entryPoints: [join(dist, 'cli', 'bin.js')],
  outfile: join(out, 'portcullis.cjs'),
  // import() of a built-in becomes a require: a script compiled from V8's code cache has no
  // dynamic-import callback (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING).
  supported: { 'dynamic-import': false },
});
// The shebang of bin.js would sit inside the function wrapper the launcher compiles the file in.
const main = join(out, 'portcullis.cjs');
writeFileSync(main, readFileSync(main, 'utf8').replace(/^#!.*\n/, ''));
for (const [entry, name] of [
  [join(dist, 'scan', 'probe-worker.js'), 'probe-worker.js'],
  [join(dist, 'firewall', 'rollback-timer.js'), 'rollback-timer.js'],
]) {
  await build({ ...common, entryPoints: [entry], outfile: join(out, name), format: 'esm' });
}
// The executable itself, as CommonJS (dist/cli/launch.cjs beside launch.js: the same
// ./bundle/ and ./bin.js), so that a run never starts Node's ES module loader.
await build({
  ...cjs,
  entryPoints: [join(dist, 'cli', 'launch.js')],
  outfile: join(dist, 'cli', 'launch.cjs'),
  // Its fallback when there is no bundle: loaded from dist/, not copied in.
  external: ['./bin.js'],
});
const sha256 = createHash('sha256').update(readFileSync(main)).digest('hex');
writeFileSync(join(out, 'manifest.json'), `${JSON.stringify({ main: 'portcullis.cjs', sha256 }, null, 2)}\n`);
