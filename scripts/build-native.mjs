#!/usr/bin/env node
// Builds the optional raw-socket addon (native/rawsock) that the SYN scan (-sS) needs. It runs
// from `npm ci` / `npm install` (the package's `install` script, which also runs when the
// package is installed from the registry; `files` ships the sources) and from scripts/ci.sh. The
// addon is optional: when it cannot be built this prints ONE line saying why and exits 0, and
// everything but -sS works as before.
//
// node-gyp: the one npm runs us with (npm_config_node_gyp), else one in node_modules, else the
// copy bundled with the npm next to this node. Headers: this node's own include/node when it
// ships them (no download); otherwise node-gyp fetches them as usual.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = join(root, 'native', 'rawsock');
const unavailable = (why) => {
  console.log(`portcullis: raw-socket addon not built (${why}); SYN scan (-sS) will be unavailable`);
};

function findNodeGyp() {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && existsSync(fromNpm)) return fromNpm;
  try {
    return createRequire(join(root, 'package.json')).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    // not a dependency; try npm's own copy
  }
  const prefix = dirname(dirname(process.execPath));
  for (const p of [join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'), join(prefix, 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')]) {
    if (existsSync(p)) return p;
  }
  return null;
}

/** The most telling line of a failed build: a compiler error or node-gyp's own complaint. */
function why(output) {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  const pick =
    lines.find((l) => /\berror:|: not found$|^make: .*No such file/.test(l) && !l.startsWith('gyp ERR!')) ??
    lines.find((l) => /^[A-Za-z]+Error: /.test(l)) ?? // gyp's Python, e.g. a missing compiler
    lines.find((l) => l.startsWith('gyp ERR! stack Error')) ??
    lines.find((l) => l.startsWith('gyp ERR!')) ??
    lines.at(-1) ??
    'unknown error';
  return pick.replace(/^gyp ERR! (stack )?/, '').slice(0, 200);
}

function main() {
  if (process.platform !== 'linux') return unavailable(`raw sockets are supported on Linux only, this is ${process.platform}`);
  if (!existsSync(join(dir, 'binding.gyp'))) return unavailable('native/rawsock is missing from this install');
  const gyp = findNodeGyp();
  if (gyp === null) return unavailable('node-gyp not found (it comes with npm)');
  const args = [gyp, 'rebuild', '--directory', dir];
  const prefix = dirname(dirname(process.execPath));
  if (existsSync(join(prefix, 'include', 'node', 'node_api.h')) && existsSync(join(prefix, 'include', 'node', 'common.gypi'))) args.push(`--nodedir=${prefix}`);
  const r = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } });
  if (r.error) return unavailable(`node-gyp did not run: ${r.error.message}`);
  if (r.status !== 0) return unavailable(`build failed: ${why(`${r.stdout}\n${r.stderr}`)}`);
  if (!existsSync(join(dir, 'build', 'Release', 'rawsock.node'))) return unavailable('build reported success but produced no rawsock.node');
  console.log('portcullis: raw-socket addon built (native/rawsock/build/Release/rawsock.node)');
}

main();
