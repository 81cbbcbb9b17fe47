/**
 * Side-by-side benchmark: Portcullis and nmap scan the same targets in the same run, on the
 * namespace testbed (test/helpers/testbed.ts) and on loopback. For each profile it reports the
 * median wall time, CPU time and peak RSS of each tool, their ratio, and how many of the
 * 65,535 ports each got right against the testbed's ground truth and against each other.
 * It rewrites the results table in docs/benchmarks.md. A script, not a test: run it as root.
 *
 *   node --import tsx bench/bench.ts [--profiles loopback,lan,wan,hardened] [--runs 3] [--ipv6]
 *        [--scan-args "-T4"] [--nmap-args "-T4"] [--no-write] [--section NAME]
 *
 * The table goes between <!-- bench:begin --> and <!-- bench:end --> in docs/benchmarks.md,
 * or between <!-- bench:NAME:begin --> / <!-- bench:NAME:end --> with --section NAME.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { canUseNetns, cleanLeftovers, createTestbed, type Profile, type Testbed } from '../test/helpers/testbed.js';
import { startListeners } from '../test/helpers/loopback.js';
import { listeningPorts } from '../test/helpers/ss.js';

interface Measure {
  wall: number;
  cpu: number;
  rssMb: number;
  states: Map<number, string>;
}

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : dflt;
};
const profiles = opt('--profiles', 'loopback,lan,wan,hardened').split(',') as Profile[];
const runs = Number(opt('--runs', '3'));
const ipv6 = argv.includes('--ipv6');
const scanArgs = opt('--scan-args', '').split(' ').filter(Boolean);
const nmapArgs = opt('--nmap-args', '-T4').split(' ').filter(Boolean);
const ROOT = new URL('../', import.meta.url).pathname;
const BIN = join(ROOT, 'dist/cli/bin.js');
const work = mkdtempSync(join(tmpdir(), 'pc-bench-'));

const OPEN = [22, 80, 443, 3306, 5432, 6379, 8080, 9200, 27017, 50000];
const SPEC = { open: OPEN, drop: [[1000, 1999]] as const, rejectAdmin: [[2000, 2999]] as const, rejectReset: [[3000, 3099]] as const };

function timed(cmd: string, args: string[], ns?: string): { wall: number; cpu: number; rssMb: number } {
  const full = ['-f', '%e %U %S %M', '-o', join(work, 'time.txt'), cmd, ...args];
  const r = ns === undefined ? spawnSync('/usr/bin/time', full, { stdio: ['ignore', 'ignore', 'pipe'] }) : spawnSync('ip', ['netns', 'exec', ns, '/usr/bin/time', ...full], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} failed (${String(r.status)}): ${r.stderr.toString().slice(-500)}`);
  const [e, u, s, m] = readFileSync(join(work, 'time.txt'), 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number) as [number, number, number, number];
  return { wall: e, cpu: u + s, rssMb: m / 1024 };
}

function expand(spec: string): number[] {
  const out: number[] = [];
  for (const part of spec.split(',')) {
    const [a, b] = part.split('-').map(Number) as [number, number | undefined];
    for (let p = a; p <= (b ?? a); p++) out.push(p);
  }
  return out;
}

function runNmap(target: string): Measure {
  const xml = join(work, 'nmap.xml');
  const t = timed('nmap', ['-sT', ...nmapArgs, '-p-', '-Pn', '-n', ...(target.includes(':') ? ['-6'] : []), '-oX', xml, target]);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => ['port', 'extraports', 'extrareasons', 'host'].includes(n) }).parse(readFileSync(xml, 'utf8')) as {
    nmaprun: { host?: { ports: { port?: { portid: string; state: { state: string } }[]; extraports?: { state: string; extrareasons?: { ports?: string }[] }[] } }[] };
  };
  const states = new Map<number, string>();
  const ports = doc.nmaprun.host?.[0]?.ports;
  for (const ex of ports?.extraports ?? []) for (const r of ex.extrareasons ?? []) if (r.ports !== undefined) for (const p of expand(r.ports)) states.set(p, ex.state);
  for (const p of ports?.port ?? []) states.set(Number(p.portid), p.state.state);
  return { ...t, states };
}

function runPortcullis(target: string): Measure {
  const out = join(work, 'pc.ndjson');
  const t = timed(process.execPath, [BIN, 'scan', '-p-', '-Pn', '-n', ...scanArgs, '-oJ', out, target]);
  const states = new Map<number, string>();
  for (const line of readFileSync(out, 'utf8').split('\n')) {
    if (line === '') continue;
    const r = JSON.parse(line) as { type: string; port: number; state: string };
    if (r.type === 'port') states.set(r.port, r.state);
  }
  return { ...t, states };
}

function disagreements(a: Map<number, string>, truth: (p: number) => string): number[] {
  const bad: number[] = [];
  for (let p = 1; p <= 65535; p++) if (a.get(p) !== truth(p)) bad.push(p);
  return bad;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

interface Row {
  profile: string;
  family: string;
  pc: Measure[];
  nm: Measure[];
  pcWrong: number[];
  nmWrong: number[];
  between: number[];
}

async function benchProfile(profile: Profile, family: 4 | 6): Promise<Row> {
  let tb: Testbed | undefined;
  let target: string;
  let truth: (p: number) => string;
  let stopListeners: (() => Promise<void>) | undefined;
  if (profile === 'loopback') {
    const l = await startListeners(5, family === 6 ? '::1' : '127.0.0.1');
    stopListeners = () => l.close();
    target = family === 6 ? '::1' : '127.0.0.1';
    const listening = await listeningPorts(family === 6 ? '::1' : '127.0.0.1');
    truth = (p) => (listening.has(p) ? 'open' : 'closed');
  } else {
    tb = await createTestbed({ profile, index: 7, ...SPEC });
    target = family === 6 ? tb.v6 : tb.v4;
    truth = (p) => tb!.expected(p);
  }
  const row: Row = { profile, family: `IPv${family}`, pc: [], nm: [], pcWrong: [], nmWrong: [], between: [] };
  try {
    for (let i = 0; i < runs; i++) {
      // Alternate who goes first so neither always meets a warm or a cold path.
      const order = i % 2 === 0 ? ['pc', 'nm'] : ['nm', 'pc'];
      for (const who of order) {
        if (who === 'pc') row.pc.push(runPortcullis(target));
        else row.nm.push(runNmap(target));
        process.stderr.write(`${profile} IPv${family} run ${i + 1} ${who}: ${(who === 'pc' ? row.pc : row.nm).at(-1)!.wall}s\n`);
      }
      const pc = row.pc.at(-1)!;
      const nm = row.nm.at(-1)!;
      row.pcWrong.push(...disagreements(pc.states, truth));
      row.nmWrong.push(...disagreements(nm.states, truth));
      row.between.push(...disagreements(pc.states, (p) => nm.states.get(p) ?? 'missing'));
    }
  } finally {
    await tb?.close();
    await stopListeners?.();
  }
  return row;
}

function fmt(row: Row): string {
  const m = (xs: Measure[], k: keyof Omit<Measure, 'states'>) => median(xs.map((x) => x[k]));
  const pcWall = m(row.pc, 'wall');
  const nmWall = m(row.nm, 'wall');
  const agree = (wrong: number[]) => `${(100 - (100 * wrong.length) / (65535 * runs)).toFixed(3)}%`;
  return `| ${row.profile} | ${row.family} | ${pcWall.toFixed(2)} | ${nmWall.toFixed(2)} | **${(pcWall / nmWall).toFixed(2)}** | ${m(row.pc, 'cpu').toFixed(2)} / ${m(row.nm, 'cpu').toFixed(2)} | ${m(row.pc, 'rssMb').toFixed(0)} / ${m(row.nm, 'rssMb').toFixed(0)} | ${agree(row.pcWrong)} | ${agree(row.nmWrong)} | ${agree(row.between)} |`;
}

async function main(): Promise<void> {
  if (!existsSync(BIN)) throw new Error('dist/cli/bin.js is missing: run npm run build first');
  const can = canUseNetns();
  if (!can.ok && profiles.some((p) => p !== 'loopback')) throw new Error(`cannot build the testbed: ${can.reason}`);
  cleanLeftovers();
  const rows: Row[] = [];
  for (const profile of profiles) for (const fam of ipv6 ? ([4, 6] as const) : ([4] as const)) rows.push(await benchProfile(profile, fam));
  const nmapVersion = execFileSync('nmap', ['--version'], { encoding: 'utf8' }).split('\n')[0];
  const header = [
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Linux ${execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim()}, Node ${process.version}, ${nmapVersion}.`,
    `Median of ${runs} runs per tool, alternating order; all 65,535 TCP ports; Portcullis \`scan -p- -Pn -n ${scanArgs.join(' ')}\` vs \`nmap -sT ${nmapArgs.join(' ')} -p- -Pn -n\`.`,
    'Ground truth: 10 open ports, 1000 dropped, 1000 rejected with ICMP admin-prohibited, 100 rejected with TCP reset, the rest closed (loopback: what `ss -ltn` lists).',
    '',
    '| profile | family | Portcullis s | nmap s | wall ratio | CPU s (pc / nmap) | peak RSS MB (pc / nmap) | Portcullis = truth | nmap = truth | Portcullis = nmap |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(fmt),
  ].join('\n');
  console.log(header);
  for (const r of rows) {
    if (r.pcWrong.length > 0) console.log(`${r.profile} ${r.family}: Portcullis wrong on ${r.pcWrong.slice(0, 20).join(',')}`);
    if (r.between.length > 0) console.log(`${r.profile} ${r.family}: differs from nmap on ${r.between.slice(0, 20).join(',')}`);
  }
  if (!argv.includes('--no-write')) {
    const doc = join(ROOT, 'docs/benchmarks.md');
    const section = opt('--section', '');
    const begin = section === '' ? '<!-- bench:begin -->' : `<!-- bench:${section}:begin -->`;
    const end = section === '' ? '<!-- bench:end -->' : `<!-- bench:${section}:end -->`;
    const text = existsSync(doc) ? readFileSync(doc, 'utf8') : `# Benchmarks\n\n${begin}\n${end}\n`;
    const a = text.indexOf(begin);
    const b = text.indexOf(end);
    writeFileSync(doc, a >= 0 && b > a ? `${text.slice(0, a + begin.length)}\n${header}\n${text.slice(b)}` : `${text}\n${begin}\n${header}\n${end}\n`);
  }
  rmSync(work, { recursive: true, force: true });
}

await main();
