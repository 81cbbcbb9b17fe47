/**
 * Side-by-side benchmark: nmap and Portcullis scan all 65,535 TCP ports of the same target in
 * the same run, alternating which goes first, on the namespace testbed (test/helpers/testbed.ts)
 * and on loopback. For each profile it reports the median wall time, CPU time (user + sys) and
 * peak RSS of each tool (from /usr/bin/time), the Portcullis ÷ nmap ratios, and how many ports
 * each tool got right against the testbed's ground truth and against the other tool. The
 * markdown goes to stdout and between marker comments in docs/benchmarks.md. A script, not a
 * test: run it as root (the testbed needs network namespaces).
 *
 *   node --import tsx bench/bench.ts [--profiles loopback,lan,wan,hardened] [--runs 3] [--ipv6]
 *        [--scan-args "-T4"] [--nmap-args "-T4"] [--timeout 600] [--no-write] [--section NAME]
 *        [--type sT|sS]
 *
 * --ipv6 adds an IPv6 row per profile. --timeout is per tool run, in seconds. The table goes
 * between <!-- bench:begin --> and <!-- bench:end -->, or <!-- bench:NAME:begin --> /
 * <!-- bench:NAME:end --> with --section NAME. Until dist/cli/launch.cjs exists (npm run build),
 * only the nmap side is measured, and the output says so.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { canUseNetns, createTestbed, PROFILES, type PortRange, type Profile, type Testbed } from '../test/helpers/testbed.js';
import { closedPorts } from '../test/helpers/loopback.js';
import { listeningPorts } from '../test/helpers/ss.js';

type State = 'open' | 'closed' | 'filtered';
type Tool = 'nmap' | 'portcullis';

/** One tool run: resources, and the state of every port (or why there is none). */
interface Run {
  wall: number;
  cpu: number;
  rssMb: number;
  states: Map<number, string>;
  error?: string;
}

// ---- options -------------------------------------------------------------------------------

const argv = process.argv.slice(2);
function opt(name: string, dflt: string): string {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : dflt;
}
const ALL: readonly Profile[] = ['loopback', 'lan', 'wan', 'hardened'];
const profiles = opt('--profiles', ALL.join(',')).split(',').filter(Boolean);
for (const p of profiles) if (!ALL.includes(p as Profile)) throw new Error(`--profiles: unknown profile "${p}" (use ${ALL.join(', ')})`);
const runs = Number(opt('--runs', '3'));
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${opt('--runs', '')}`);
const timeoutS = Number(opt('--timeout', '600'));
if (!(timeoutS > 0)) throw new Error(`--timeout must be a positive number of seconds, got ${opt('--timeout', '')}`);
const ipv6 = argv.includes('--ipv6');
const scanArgs = opt('--scan-args', '').split(' ').filter(Boolean);
const nmapArgs = opt('--nmap-args', '-T4').split(' ').filter(Boolean);
const section = opt('--section', '');
// The TCP scan both tools run: -sT (connect) or -sS (SYN, as root).
const technique = opt('--type', 'sT');
if (technique !== 'sT' && technique !== 'sS') throw new Error(`--type must be sT or sS, got ${technique}`);

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(ROOT, 'dist/cli/launch.cjs');
const DOC = join(ROOT, 'docs/benchmarks.md');
const work = mkdtempSync(join(tmpdir(), 'pcx-bench-'));

/** The namespace hosts: 10 open ports, closed ranges around them, DROP and REJECT ranges. */
const OPEN = [22, 80, 443, 3306, 5432, 6379, 8080, 9200, 27017, 50000];
const DROP: readonly PortRange[] = [[1000, 1999], [40000, 40499]];
const REJECT_ADMIN: readonly PortRange[] = [[2000, 2999]];
const REJECT_RESET: readonly PortRange[] = [[3000, 3099]];

// ---- running and measuring -----------------------------------------------------------------

/** Runs cmd under /usr/bin/time and coreutils timeout; wall, CPU (user+sys) and peak RSS. */
function timed(cmd: string, args: readonly string[]): Promise<Omit<Run, 'states'>> {
  const timeFile = join(work, 'time.txt');
  rmSync(timeFile, { force: true });
  // timeout is the child of time, so time's rusage covers the scanner (its waited-for child).
  const child = spawn('/usr/bin/time', ['-f', '%e %U %S %M', '-o', timeFile, 'timeout', '-k', '5', String(timeoutS), cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      const last = existsSync(timeFile) ? readFileSync(timeFile, 'utf8').trim().split('\n').at(-1) ?? '' : '';
      const [e = NaN, u = NaN, s = NaN, m = NaN] = (/^[\d.]+ [\d.]+ [\d.]+ \d+$/.test(last) ? last : '').split(' ').map(Number);
      const error = code === 124 || code === 137 ? `timed out after ${timeoutS} s` : code !== 0 && code !== 1 ? `exit ${String(code)}: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : undefined;
      resolve({ wall: e, cpu: u + s, rssMb: m / 1024, ...(error !== undefined ? { error } : {}) });
    });
  });
}

/** Expands nmap's port lists ("1-21,23-79"). */
function expand(list: string): number[] {
  const out: number[] = [];
  for (const part of list.split(',')) {
    const [a, b] = part.split('-').map(Number) as [number, number | undefined];
    for (let p = a; p <= (b ?? a); p++) out.push(p);
  }
  return out;
}

async function runNmap(target: string): Promise<Run> {
  const xml = join(work, 'nmap.xml');
  rmSync(xml, { force: true });
  const t = await timed('nmap', [`-${technique}`, ...nmapArgs, '-p-', '-Pn', '-n', ...(target.includes(':') ? ['-6'] : []), '-oX', xml, target]);
  if (t.error !== undefined || !existsSync(xml)) return { ...t, states: new Map(), error: t.error ?? 'no XML output' };
  return { ...t, states: statesFromXml(xml) };
}

/**
 * Every port's state from an nmap XML file: listed ports, then the ones folded into
 * <extraports> (nmap 7.80+ and Portcullis name them in extrareasons' ports attribute; without
 * it, a single extraports group still says what every unlisted port is). Both tools' files are
 * read by this one function.
 */
function statesFromXml(xml: string): Map<number, string> {
  const states = new Map<number, string>();
  type Extra = { state: string; extrareasons?: { ports?: string }[] };
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => ['host', 'port', 'extraports', 'extrareasons'].includes(n) }).parse(readFileSync(xml, 'utf8')) as {
    nmaprun: { host?: { ports?: { port?: { portid: string; state: { state: string } }[]; extraports?: Extra[] } }[] };
  };
  const ports = doc.nmaprun.host?.[0]?.ports;
  for (const p of ports?.port ?? []) states.set(Number(p.portid), p.state.state);
  const extras = ports?.extraports ?? [];
  for (const ex of extras) for (const r of ex.extrareasons ?? []) if (r.ports !== undefined) for (const p of expand(r.ports)) states.set(p, ex.state);
  if (extras.length === 1 && states.size < 65535) for (let p = 1; p <= 65535; p++) if (!states.has(p)) states.set(p, extras[0]!.state);
  return states;
}

async function runPortcullis(target: string): Promise<Run> {
  // The same output as nmap's, read the same way: both tools write XML with the ports of each
  // collapsed state named per reason.
  const xml = join(work, 'portcullis.xml');
  rmSync(xml, { force: true });
  const t = await timed(process.execPath, [BIN, 'scan', `-${technique}`, '-p-', '-Pn', '-n', ...scanArgs, '-oX', xml, target]);
  if (t.error !== undefined || !existsSync(xml)) return { ...t, states: new Map(), error: t.error ?? 'no XML output' };
  return { ...t, states: statesFromXml(xml) };
}

// ---- comparing -----------------------------------------------------------------------------

/** Ground truth of one run; undefined for a port whose truth changed while the tool ran. */
type Truth = (port: number) => State | undefined;

/** Ports where `states` differs from `want` (ports with no truth are skipped). */
function differ(states: Map<number, string>, want: (p: number) => string | undefined): number[] {
  const bad: number[] = [];
  for (let p = 1; p <= 65535; p++) {
    const w = want(p);
    if (w !== undefined && states.get(p) !== w) bad.push(p);
  }
  return bad;
}

function counts(state: (p: number) => string | undefined): string {
  const c = { open: 0, closed: 0, filtered: 0, other: 0 };
  for (let p = 1; p <= 65535; p++) {
    const s = state(p);
    if (s === 'open' || s === 'closed' || s === 'filtered') c[s]++;
    else c.other++;
  }
  return `${c.open} / ${c.closed} / ${c.filtered}${c.other > 0 ? ` (+${c.other} other)` : ''}`;
}

function median(xs: readonly number[]): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((x, y) => x - y);
  if (s.length === 0) return NaN;
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

interface Row {
  profile: Profile;
  family: 4 | 6;
  truthCounts: string;
  volatile: number;
  nmap: Run[];
  /** Per run, the ground truth each tool was judged against. */
  truths: Map<Tool, Truth>[];
  portcullis: Run[];
  notes: string[];
}

// ---- one profile ---------------------------------------------------------------------------

async function benchProfile(profile: Profile, family: 4 | 6, withPortcullis: boolean): Promise<Row> {
  let tb: Testbed;
  if (profile === 'loopback') {
    tb = await createTestbed({ profile, open: await closedPorts(5, family === 6 ? '::1' : '127.0.0.1'), ipv6: family === 6 });
  } else {
    tb = await createTestbed({ profile, open: OPEN, drop: DROP, rejectAdmin: REJECT_ADMIN, rejectReset: REJECT_RESET, ipv6: family === 6 });
  }
  const target = family === 6 ? tb.v6! : tb.v4;
  const row: Row = { profile, family, truthCounts: '', volatile: 0, nmap: [], truths: [], portcullis: [], notes: [] };
  const fixedTruth: Truth = (p) => tb.expected(p, family);
  row.truthCounts = counts(fixedTruth);
  try {
    for (let i = 0; i < runs; i++) {
      // Alternate who goes first so neither always meets a warm or a cold path.
      const order: Tool[] = withPortcullis ? (i % 2 === 0 ? ['nmap', 'portcullis'] : ['portcullis', 'nmap']) : ['nmap'];
      const truths = new Map<Tool, Truth>();
      for (const tool of order) {
        // On loopback other services come and go: a port's truth is what ss shows both before
        // and after the tool ran; a port that changed in between is not counted.
        const before = profile === 'loopback' ? await listeningPorts(family === 6 ? '::1' : '127.0.0.1') : undefined;
        const r = tool === 'nmap' ? await runNmap(target) : await runPortcullis(target);
        (tool === 'nmap' ? row.nmap : row.portcullis).push(r);
        if (before !== undefined) {
          const after = await listeningPorts(family === 6 ? '::1' : '127.0.0.1');
          truths.set(tool, (p) => (before.has(p) !== after.has(p) ? undefined : before.has(p) ? 'open' : 'closed'));
          for (let p = 1; p <= 65535; p++) if (before.has(p) !== after.has(p)) row.volatile++;
        } else truths.set(tool, fixedTruth);
        process.stderr.write(`${profile} IPv${family} run ${i + 1}/${runs} ${tool}: ${r.error ?? `${r.wall.toFixed(2)} s wall, ${r.cpu.toFixed(2)} s CPU, ${r.rssMb.toFixed(0)} MB`}\n`);
      }
      // Disagreements of this run, listed when few.
      const nm = row.nmap.at(-1)!;
      const pc = withPortcullis ? row.portcullis.at(-1) : undefined;
      const list = (label: string, bad: number[], got: Map<number, string>, want: (p: number) => string | undefined): void => {
        if (bad.length === 0) return;
        const shown = bad.slice(0, 12).map((p) => `${p} (${got.get(p) ?? 'missing'}, want ${want(p) ?? '?'})`).join(', ');
        row.notes.push(`run ${i + 1}: ${label} on ${bad.length} port(s): ${shown}${bad.length > 12 ? ', …' : ''}`);
      };
      if (nm.error === undefined) list('nmap ≠ truth', differ(nm.states, truths.get('nmap')!), nm.states, truths.get('nmap')!);
      if (pc !== undefined && pc.error === undefined) {
        list('Portcullis ≠ truth', differ(pc.states, truths.get('portcullis')!), pc.states, truths.get('portcullis')!);
        if (nm.error === undefined) list('Portcullis ≠ nmap', differ(pc.states, (p) => nm.states.get(p)), pc.states, (p) => nm.states.get(p));
      }
      for (const [tool, r] of [['nmap', nm], ['Portcullis', pc]] as const) if (r?.error !== undefined) row.notes.push(`run ${i + 1}: ${tool} failed: ${r.error}`);
      row.truths.push(truths);
    }
  } finally {
    await tb.close();
  }
  return row;
}

// ---- report --------------------------------------------------------------------------------

const num = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const ratio = (a: number, b: number): string => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `**${(a / b).toFixed(2)}**` : 'n/a');

function timingRow(r: Row): string {
  const m = (xs: Run[], k: 'wall' | 'cpu' | 'rssMb'): number => median(xs.filter((x) => x.error === undefined).map((x) => x[k]));
  const cells = (['wall', 'cpu', 'rssMb'] as const).flatMap((k) => [num(m(r.nmap, k), k === 'rssMb' ? 0 : 2), num(m(r.portcullis, k), k === 'rssMb' ? 0 : 2), ratio(m(r.portcullis, k), m(r.nmap, k))]);
  return `| ${r.profile} | IPv${r.family} | ${cells.join(' | ')} |`;
}

function accuracyRow(r: Row): string {
  const perRun = (tool: Tool, vs: 'truth' | 'nmap'): string => {
    const rs = tool === 'nmap' ? r.nmap : r.portcullis;
    if (rs.length === 0) return 'n/a';
    return rs
      .map((run, i) => {
        if (run.error !== undefined) return 'failed';
        const nm = r.nmap[i];
        if (vs === 'nmap') return nm === undefined || nm.error !== undefined ? 'n/a' : String(differ(run.states, (p) => nm.states.get(p)).length);
        return String(differ(run.states, r.truths[i]?.get(tool) ?? (() => undefined)).length);
      })
      .join(' / ');
  };
  const lastCounts = (rs: Run[]): string => {
    const last = rs.filter((x) => x.error === undefined).at(-1);
    return last === undefined ? 'n/a' : counts((p) => last.states.get(p));
  };
  return `| ${r.profile} | IPv${r.family} | ${r.truthCounts} | ${lastCounts(r.nmap)} | ${lastCounts(r.portcullis)} | ${perRun('nmap', 'truth')} | ${perRun('portcullis', 'truth')} | ${perRun('portcullis', 'nmap')} |`;
}

function report(rows: Row[], withPortcullis: boolean): string {
  const nmapVersion = execFileSync('nmap', ['--version'], { encoding: 'utf8' }).split('\n')[0]?.replace(/ \(.*\)$/, '') ?? 'nmap ?';
  const profileText = rows
    .map((r) => r.profile)
    .filter((p, i, a) => a.indexOf(p) === i && p !== 'loopback')
    .map((p) => `${p} ${PROFILES[p].delayMs} ms each way${PROFILES[p].lossPerMille > 0 ? `, ${PROFILES[p].lossPerMille / 10}% loss each way` : ''}`)
    .join('; ');
  const set = (rs: readonly PortRange[]): string => rs.map(([a, b]) => `${a}-${b}`).join(', ');
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpus().length} cores (${cpus()[0]?.model.trim() ?? '?'}), Linux ${execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim()}, Node ${process.version}, ${nmapVersion}.`,
    `Median of ${runs} run(s) per tool, alternating which goes first; all 65,535 TCP ports; \`nmap -${technique} ${nmapArgs.join(' ')} -p- -Pn -n\` vs \`portcullis scan -${technique} -p- -Pn -n${scanArgs.length > 0 ? ` ${scanArgs.join(' ')}` : ''}\`.`,
  ];
  if (profileText !== '') lines.push(`Namespace hosts: open ${OPEN.join(', ')}; DROP ${set(DROP)}; REJECT admin-prohibited ${set(REJECT_ADMIN)}; REJECT tcp-reset ${set(REJECT_RESET)}; the rest closed (hardened: everything but the open ports dropped). Profiles: ${profileText}.`);
  if (rows.some((r) => r.profile === 'loopback')) lines.push('Loopback: 5 listeners of ours plus whatever `ss -ltn` shows listening.');
  if (!withPortcullis) lines.push('', '**Portcullis was not measured: dist/cli/launch.cjs does not exist (run `npm run build`). nmap side only.**');
  lines.push(
    '',
    '| profile | family | nmap wall s | Portcullis wall s | wall ratio | nmap CPU s | Portcullis CPU s | CPU ratio | nmap peak RSS MB | Portcullis peak RSS MB | RSS ratio |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(timingRow),
    '',
    'Ports per state (open / closed / filtered; last run) and disagreeing ports (each run):',
    '',
    '| profile | family | truth | nmap | Portcullis | nmap ≠ truth | Portcullis ≠ truth | Portcullis ≠ nmap |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map(accuracyRow),
  );
  const notes = rows.flatMap((r) => [...(r.volatile > 0 ? [`${r.profile} IPv${r.family}: ${r.volatile} loopback port(s) opened or closed by other processes during a run were not counted`] : []), ...r.notes.map((n) => `${r.profile} IPv${r.family} ${n}`)]);
  if (notes.length > 0) lines.push('', ...notes.map((n) => `- ${n}`));
  return lines.join('\n');
}

function writeDoc(text: string): void {
  const begin = section === '' ? '<!-- bench:begin -->' : `<!-- bench:${section}:begin -->`;
  const end = section === '' ? '<!-- bench:end -->' : `<!-- bench:${section}:end -->`;
  const doc = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '# Benchmarks\n';
  const a = doc.indexOf(begin);
  const b = doc.indexOf(end);
  writeFileSync(DOC, a >= 0 && b > a ? `${doc.slice(0, a + begin.length)}\n${text}\n${doc.slice(b)}` : `${doc.trimEnd()}\n\n${begin}\n${text}\n${end}\n`);
}

async function main(): Promise<number> {
  if (!existsSync('/usr/bin/time')) {
    console.error('bench: /usr/bin/time is missing (apt-get install time)');
    return 1;
  }
  const withPortcullis = existsSync(BIN);
  if (!withPortcullis) console.error(`bench: ${BIN} does not exist (run npm run build): measuring nmap only`);
  const can = canUseNetns();
  if (!can.ok && profiles.some((p) => p !== 'loopback')) {
    console.error(`bench: cannot build the namespace testbed: ${can.reason}`);
    return 1;
  }
  const rows: Row[] = [];
  try {
    for (const profile of profiles as Profile[]) for (const fam of ipv6 ? ([4, 6] as const) : ([4] as const)) rows.push(await benchProfile(profile, fam, withPortcullis));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const text = report(rows, withPortcullis);
  console.log(text);
  if (!argv.includes('--no-write')) writeDoc(text);
  return 0;
}

process.exitCode = await main();
