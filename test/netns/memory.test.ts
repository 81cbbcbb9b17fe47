import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { canUseNetns, withLocalSlash16 } from '../helpers/testbed.js';

const can = canUseNetns();
const BIN = fileURLToPath(new URL('../../dist/cli/launch.cjs', import.meta.url));
const skip = !can.ok ? can.reason : !existsSync(BIN) ? 'dist/ is not built (scripts/ci.sh builds first)' : existsSync('/usr/bin/time') ? false : '/usr/bin/time is missing (package time)';
if (skip !== false) console.log(`# skipping the memory test: ${skip}`);

/** Peak RSS in MB of one CLI scan of `target` × 100 ports, run inside `ns`. */
function peakRss(ns: string, target: string): number {
  const out = execFileSync('sh', ['-c', `ip netns exec ${ns} /usr/bin/time -f '@@%M' ${process.execPath} ${BIN} scan -sT -p 1-100 -n -Pn --no-progress -oJ /dev/null ${target} 2>&1 >/dev/null | grep @@`], { encoding: 'utf8' });
  return Number(out.trim().slice(2)) / 1024;
}

test('memory follows the work in flight: 1,024 hosts × 100 ports within 1.5× of one host', { skip }, async () => {
  await withLocalSlash16((ns) => {
    const one = peakRss(ns, '198.18.0.1');
    const many = peakRss(ns, '198.18.0.0/22');
    console.log(`# one host: ${one.toFixed(1)} MB, 1,024 hosts: ${many.toFixed(1)} MB`);
    assert.ok(many <= one * 1.5, `${many.toFixed(1)} MB vs ${one.toFixed(1)} MB`);
    return Promise.resolve();
  });
});
