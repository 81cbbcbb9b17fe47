/**
 * Memory follows the work in flight, not the target space: peak RSS of a scan of a whole /16
 * × 100 ports against one host × 100 ports, inside a namespace that owns 198.18.0.0/16 on its
 * loopback (nothing leaves it). Prints both and the ratio; a script, run as root.
 *
 *   node --import tsx bench/memory.ts [--prefix 16]
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { withLocalSlash16 } from '../test/helpers/testbed.js';

const prefix = Number(process.argv[process.argv.indexOf('--prefix') + 1] ?? 16) || 16;
const BIN = fileURLToPath(new URL('../dist/cli/launch.cjs', import.meta.url));

function run(ns: string, target: string): { rssMb: number; wall: number } {
  const r = execFileSync('sh', ['-c', `ip netns exec ${ns} /usr/bin/time -f '@@%M %e' ${process.execPath} ${BIN} scan -sT -p 1-100 -n -Pn --no-progress -oJ /dev/null ${target} 2>&1 >/dev/null | grep @@`], { encoding: 'utf8' });
  const [m, e] = r.trim().slice(2).split(' ').map(Number) as [number, number];
  return { rssMb: m / 1024, wall: e };
}

await withLocalSlash16((ns) => {
  const one = run(ns, '198.18.0.1');
  const many = run(ns, `198.18.0.0/${prefix}`);
  const hosts = 2 ** (32 - prefix);
  console.log(`one host × 100 ports:      ${one.rssMb.toFixed(1)} MB peak RSS, ${one.wall.toFixed(2)} s`);
  console.log(`${hosts} hosts × 100 ports: ${many.rssMb.toFixed(1)} MB peak RSS, ${many.wall.toFixed(2)} s (${((hosts * 100) / many.wall).toFixed(0)} probes/s)`);
  console.log(`ratio: ${(many.rssMb / one.rssMb).toFixed(2)}×`);
  return Promise.resolve();
});
