/**
 * Runs discoverHosts over targets given on the command line and prints one JSON line per
 * host, then a summary line with the wall time. Meant to be run inside a test namespace:
 *   ip netns exec NS node --import tsx test/helpers/discover-cli.ts [--unprivileged] [--timeout MS] [--retries N] TARGET...
 * Targets are addresses or CIDR blocks, expanded lazily (a /16 never becomes an array).
 */
import { parseTarget } from '../../src/core/target-spec.js';
import { formatIp } from '../../src/core/ip.js';
import { discoverHosts, type DiscoveryTarget } from '../../src/scan/discovery/discover.js';

const args = process.argv.slice(2);
let privileged = true;
let timeoutMs: number | undefined;
let retries: number | undefined;
const targets: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === '--unprivileged') privileged = false;
  else if (a === '--timeout') timeoutMs = Number(args[++i]);
  else if (a === '--retries') retries = Number(args[++i]);
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

const started = performance.now();
let up = 0;
let total = 0;
for await (const r of discoverHosts(expand(), { privileged, timeoutMs, retries })) {
  total++;
  if (r.up) up++;
  process.stdout.write(`${JSON.stringify(r)}\n`);
}
process.stdout.write(`${JSON.stringify({ summary: { total, up, wallMs: Math.round(performance.now() - started), rssMb: Math.round(process.memoryUsage().rss / 2 ** 20) } })}\n`);
