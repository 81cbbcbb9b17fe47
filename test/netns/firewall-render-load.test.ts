/**
 * The nftables and iptables renderings, loaded for real into a throwaway network namespace
 * (pcx-rnd-PID): each golden output is checked with the tool's own parser (`nft -c -f`,
 * `iptables-restore --test --noflush`), then applied twice, to show a second apply replaces our
 * rules instead of adding to them and leaves other tables and chains (Docker's) alone. No packet
 * is sent. ufw, firewalld, pf and Windows have no loader that runs inside a namespace: their
 * goldens are only compared, in test/unit/firewall-render.test.ts. Skipped, with the reason
 * printed, when not root or without the tools.
 *
 * Docs: https://wiki.nftables.org/wiki-nftables/index.php/Atomic_rule_replacement (nft -f is one
 * transaction); iptables-restore(8), https://www.unix.com/man-page/posix/8/iptables-restore/
 * (--noflush, --test).
 */
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRuleModel, type RuleModel } from '../../src/firewall/model.js';
import { render } from '../../src/firewall/render/index.js';
import type { Backend, Rendered } from '../../src/firewall/render/types.js';
import { parsePolicy } from '../../src/policy/parse-policy.js';

const NS = `pcx-rnd-${process.pid}`;
const GOLDEN = new URL('../fixtures/firewall/golden/', import.meta.url);
/** The golden cases, as in test/unit/firewall-render.test.ts. */
const CASES: Readonly<Record<string, string | undefined>> = { minimal: undefined, full: '198.18.0.9 51000 198.18.0.1 22', 'ipv4-only': undefined };

function has(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const skipReason = ((): string | undefined => {
  if (process.platform !== 'linux') return `network namespaces are Linux-only (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'network-namespace tests need root (CI runs as root)';
  for (const tool of ['ip', 'nft', 'iptables', 'ip6tables', 'iptables-restore', 'ip6tables-restore']) if (!has(tool)) return `${tool} is not installed (apt-get install iproute2 nftables iptables)`;
  return undefined;
})();
if (skipReason !== undefined) console.log(`# skipping firewall render load tests: ${skipReason}`);

function skipped(t: TestContext): boolean {
  if (skipReason === undefined) return false;
  t.skip(skipReason);
  return true;
}

let dir = '';

/** Runs argv inside the namespace; returns stdout. */
function inNs(argv: readonly string[], input?: string): string {
  return execFileSync('ip', ['netns', 'exec', NS, ...argv], { encoding: 'utf8', ...(input === undefined ? {} : { input }) });
}

function model(name: string): RuleModel {
  return buildRuleModel(parsePolicy(readFileSync(new URL(`policies/${name}.yaml`, GOLDEN), 'utf8'), 'policy.yaml'), { sshConnection: CASES[name] });
}

/** The rendering, after checking it is exactly the golden file (so the golden output is what gets loaded). */
function golden(name: string, backend: Backend): Rendered {
  const r = render(model(name), backend);
  assert.equal(r.text, readFileSync(new URL(`${backend}/${name}.txt`, GOLDEN), 'utf8'), `${backend}/${name}.txt is stale`);
  return r;
}

/** Writes the rendering's files and returns name -> path. */
function write(r: Rendered, name: string): Map<string, string> {
  const paths = new Map<string, string>();
  for (const f of r.files) {
    const p = join(dir, `${name}.${f.name}`);
    writeFileSync(p, f.content);
    paths.set(f.name, p);
  }
  return paths;
}

before(() => {
  if (skipReason !== undefined) return;
  dir = mkdtempSync(join(tmpdir(), 'pcx-rnd-'));
  execFileSync('ip', ['netns', 'add', NS]);
  // Someone else's table and Docker's chain, which applying ours must leave alone.
  inNs(['nft', '-f', '-'], 'table inet other {\n  chain input {\n    type filter hook input priority 10; policy accept;\n    tcp dport 7 accept\n  }\n}\n');
  inNs(['iptables-restore', '--noflush'], '*filter\n:DOCKER-USER - [0:0]\n-A DOCKER-USER -j RETURN\nCOMMIT\n');
});

after(() => {
  if (skipReason !== undefined) return;
  try {
    execFileSync('ip', ['netns', 'del', NS], { stdio: 'ignore' });
  } catch {
    // already gone
  }
  rmSync(dir, { recursive: true, force: true });
});

for (const name of Object.keys(CASES)) {
  test(`nftables ${name} golden passes nft -c and a second apply gives the same table`, (t) => {
    if (skipped(t)) return;
    const r = golden(name, 'nftables');
    const file = write(r, name).get('portcullis.nft') ?? assert.fail('no nft file');
    inNs(['nft', '-c', '-f', file]);
    inNs(['nft', '-f', file]);
    const first = inNs(['nft', 'list', 'table', 'inet', 'portcullis']);
    inNs(['nft', '-f', file]);
    assert.equal(inNs(['nft', 'list', 'table', 'inet', 'portcullis']), first);
    assert.match(first, /policy drop;/);
    assert.match(inNs(['nft', 'list', 'table', 'inet', 'other']), /tcp dport 7 accept/, 'the other table is untouched');
  });

  test(`iptables ${name} golden passes restore --test and a second apply leaves one jump`, (t) => {
    if (skipped(t)) return;
    const r = golden(name, 'iptables');
    const paths = write(r, name);
    inNs(['iptables-restore', '--test', '--noflush', paths.get('v4') ?? assert.fail('no v4')]);
    inNs(['ip6tables-restore', '--test', '--noflush', paths.get('v6') ?? assert.fail('no v6')]);
    const apply = (): void => {
      for (const argv of r.commands) inNs(argv.map((a) => paths.get(a) ?? a));
    };
    apply();
    const first = [inNs(['iptables', '-S', 'PORTCULLIS-INPUT']), inNs(['ip6tables', '-S', 'PORTCULLIS-INPUT'])];
    apply();
    assert.deepEqual([inNs(['iptables', '-S', 'PORTCULLIS-INPUT']), inNs(['ip6tables', '-S', 'PORTCULLIS-INPUT'])], first, 'the chain is replaced, not appended to');
    for (const tool of ['iptables', 'ip6tables']) {
      const jumps = inNs([tool, '-S', 'INPUT']).split('\n').filter((l) => l === '-A INPUT -j PORTCULLIS-INPUT');
      assert.equal(jumps.length, 1, `${tool}: exactly one jump from INPUT`);
    }
    assert.match(first[0] ?? '', /-A PORTCULLIS-INPUT -j DROP\n$/);
    assert.match(inNs(['iptables', '-S', 'DOCKER-USER']), /-A DOCKER-USER -j RETURN/, 'Docker chains are not flushed');
  });
}
