/**
 * Runs discoverHosts over targets given on the command line and prints one JSON line per
 * host, then a summary line with the wall time. Meant to be run inside a test namespace:
 *   ip netns exec NS node --import tsx test/helpers/discover-cli.ts [--unprivileged] [--timeout MS]
 *     [--retries N] [--window N] [--up-only] TARGET...
 * Targets are addresses or CIDR blocks, expanded lazily (a /16 never becomes an array).
 */
import { setFlagsFromString } from 'node:v8';
import { parseTarget } from '../../src/core/target-spec.js';
import { formatIp } from '../../src/core/ip.js';
import { discoverHosts, type DiscoveryTarget } from '../../src/scan/discovery/discover.js';

const args = process.argv.slice(2);
let privileged = true;
let timeoutMs: number | undefined;
let retries: number | undefined;
let window: number | undefined;
let quiet = false;
const targets: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === '--unprivileged') privileged = false;
  else if (a === '--timeout') timeoutMs = Number(args[++i]);
  else if (a === '--retries') retries = Number(args[++i]);
  else if (a === '--window') window = Number(args[++i]);
  else if (a === '--up-only') quiet = true;
  else targets.push(a);
}

function* expand(): Generator<DiscoveryTarget> {
  for (const text of targets) {
    const spec = parseTarget(text);
    if (spec.kind !== 'block') throw new Error(`not an address or block: ${text}`);
    for (let i = 0; i < spec.block.size; i++) {
      const a = spec.block.at(i);
      yield { address: formatIp(a), family: a.family };
    }
  }
}

// As the portcullis CLI does for a scan of more than one address (src/cli/main.ts): V8 then
// favours memory over speed. Without it Node 24 lets the young generation grow ~100 MB larger
// than Node 20 does, which a memory bound would measure instead of ours.
let addresses = 0;
for (const text of targets) {
  const spec = parseTarget(text);
  addresses += spec.kind === 'block' ? spec.block.size : 1;
}
if (addresses > 1) setFlagsFromString('--optimize-for-size');

const started = performance.now();
let up = 0;
let total = 0;
for await (const r of discoverHosts(expand(), { privileged, timeoutMs, retries, window })) {
  total++;
  if (r.up) up++;
  if (r.up || !quiet) process.stdout.write(`${JSON.stringify(r)}\n`);
}
const wallMs = Math.round(performance.now() - started);
// Peak resident memory of the whole process (maxRSS is in KiB), tsx and its compile cache included.
const maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
process.stdout.write(`${JSON.stringify({ summary: { total, up, wallMs, maxRssMb } })}\n`);
