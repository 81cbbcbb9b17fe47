/**
 * Service identification side by side: `nmap -sV` and `portcullis scan -sV` over the same corpus
 * of real servers (test/helpers/service-corpus.ts), in the same run, alternating which goes
 * first. Each tool scans the namespace host (TCP and UDP ports) and then the loopback services
 * (TCP); its wall time is the sum of the two. Reports the median wall time of each tool and the
 * ratio, each tool's accuracy against the ground truth (service name, product where the server
 * names it, version where it reveals it), the service-name agreement between the two tools and
 * a per-entry table of the last run. The markdown goes to stdout and between
 * <!-- sv:begin --> and <!-- sv:end --> in docs/benchmarks.md. A script, not a test: run it as
 * root after `npm run build`.
 *
 *   node --import tsx bench/service-bench.ts [--runs 3] [--timeout 600] [--no-write]
 *        [--scan-args "..."] [--nmap-args "..."] [--from-source]
 *
 * --from-source runs the CLI from src/ through tsx instead of dist/ (slower to start: Portcullis
 * pays for it), to measure a working tree without building it over a shared dist/.
 * --timeout bounds one tool's run over one site, in seconds. Until dist/cli/launch.cjs exists, only
 * the nmap side is measured, and the output says so.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { corpusMissing, startCorpus, type ServiceCorpus, type Site } from '../test/helpers/service-corpus.js';
import { agreement, entryTable, judge, parseNmapXml, parsePortcullis, pct, type Observations, type Score } from '../test/helpers/service-corpus-score.js';

type Tool = 'nmap' | 'portcullis';

/** One tool's pass over the whole corpus. */
interface Run {
  /** Seconds until the process exited (summed over sites). */
  wall: number;
  /** Seconds the tool itself reports for its scans (nmap runstats elapsed, Portcullis summary elapsed_ms). */
  reported: number;
  score: Score;
  /** Per site: seconds, or why the run failed. */
  sites: string[];
  error?: string;
}

// ---- options -------------------------------------------------------------------------------

const argv = process.argv.slice(2);
function opt(name: string, dflt: string): string {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : dflt;
}
const runs = Number(opt('--runs', '3'));
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${opt('--runs', '')}`);
const timeoutS = Number(opt('--timeout', '600'));
if (!(timeoutS > 0)) throw new Error(`--timeout must be a positive number of seconds, got ${opt('--timeout', '')}`);
const scanArgs = opt('--scan-args', '').split(' ').filter(Boolean);
const nmapArgs = opt('--nmap-args', '').split(' ').filter(Boolean);

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const fromSource = argv.includes('--from-source');
const BIN = join(ROOT, fromSource ? 'src/cli/bin.ts' : 'dist/cli/launch.cjs');
const BIN_ARGS = fromSource ? ['--import', 'tsx', BIN] : [BIN];
const DOC = join(ROOT, 'docs/benchmarks.md');
const BEGIN = '<!-- sv:begin -->';
const END = '<!-- sv:end -->';
const work = mkdtempSync(join(tmpdir(), 'pcx-sv-bench-'));
const SITES: readonly Site[] = ['ns', 'loopback'];

// ---- running -------------------------------------------------------------------------------

/** Runs cmd under coreutils timeout; wall seconds and why it failed, if it did. */
function timed(cmd: string, args: readonly string[]): Promise<{ wall: number; error?: string }> {
  const t0 = process.hrtime.bigint();
  const child = spawn('timeout', ['-k', '5', String(timeoutS), cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      const error = code === 124 || code === 137 ? `timed out after ${timeoutS} s` : code !== 0 ? `exit ${String(code)}: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : undefined;
      resolve({ wall, ...(error !== undefined ? { error } : {}) });
    });
  });
}

/** The scan flags both tools get for a site: connect scan, UDP too where it has UDP ports. */
function common(c: ServiceCorpus, site: Site): string[] {
  const spec = c.portSpec(site);
  return ['-sT', ...(spec.includes('U:') ? ['-sU'] : []), '-sV', '-Pn', '-n', '-p', spec];
}

const target = (c: ServiceCorpus, site: Site): string => (site === 'ns' ? c.v4 : '127.0.0.1');

/** The scan time a tool states in its output; NaN when it wrote none. */
function reportedSeconds(tool: Tool, text: string): number {
  if (tool === 'nmap') {
    const m = /<finished [^>]*elapsed="([\d.]+)"/.exec(text);
    return m?.[1] !== undefined ? Number(m[1]) : NaN;
  }
  const line = text.split('\n').find((l) => l.startsWith('{"type":"summary"'));
  const ms = line !== undefined ? (JSON.parse(line) as { elapsed_ms?: number }).elapsed_ms : undefined;
  return ms !== undefined ? ms / 1000 : NaN;
}

async function runTool(tool: Tool, c: ServiceCorpus): Promise<Run> {
  const seen: Observations = new Map();
  const sites: string[] = [];
  let wall = 0;
  let reported = 0;
  let error: string | undefined;
  for (const site of SITES) {
    const out = join(work, `${tool}-${site}.${tool === 'nmap' ? 'xml' : 'ndjson'}`);
    rmSync(out, { force: true });
    const t =
      tool === 'nmap'
        ? await timed('nmap', [...common(c, site), ...nmapArgs, '-oX', out, target(c, site)])
        : await timed(process.execPath, [...BIN_ARGS, 'scan', ...common(c, site), ...scanArgs, '-oJ', out, target(c, site)]);
    wall += t.wall;
    sites.push(t.error !== undefined ? `${site}: ${t.error}` : `${site} ${t.wall.toFixed(2)} s`);
    if (t.error !== undefined) error ??= `${site}: ${t.error}`;
    const text = existsSync(out) ? readFileSync(out, 'utf8') : '';
    if (tool === 'nmap') parseNmapXml(text, seen);
    else parsePortcullis(text, seen);
    const own = reportedSeconds(tool, text);
    reported += own;
    // A run that timed out may still have finished its scan: say so (its own elapsed time).
    if (t.error !== undefined && Number.isFinite(own)) sites[sites.length - 1] += ` (its scan ended after ${own.toFixed(2)} s)`;
  }
  return { wall, reported, score: judge(c.entries, seen), sites, ...(error !== undefined ? { error } : {}) };
}

// ---- report --------------------------------------------------------------------------------

function median(xs: readonly number[]): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((x, y) => x - y);
  if (s.length === 0) return NaN;
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function report(c: ServiceCorpus, results: Record<Tool, Run[]>, withPortcullis: boolean): string {
  const nmapVersion = execFileSync('nmap', ['--version'], { encoding: 'utf8' }).split('\n')[0]?.replace(/ \(.*\)$/, '') ?? 'nmap ?';
  const ok = (rs: Run[]): Run[] => rs.filter((r) => r.error === undefined);
  const mWall = (t: Tool): number => median(ok(results[t]).map((r) => r.wall));
  // The tools' own elapsed times, from every run that wrote them (also one that then failed to exit).
  const mOwn = (t: Tool): number => median(results[t].map((r) => r.reported));
  const num = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
  const ratioOf = (a: number, b: number): string => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `**${(a / b).toFixed(2)}**` : 'n/a');
  const ratio = ratioOf(mWall('portcullis'), mWall('nmap'));
  const ownRatio = ratioOf(mOwn('portcullis'), mOwn('nmap'));
  const services = new Set(c.entries.map((e) => `${e.name}/${e.proto}`)).size;
  // A run that did not exit is still judged on the output it wrote, and marked †.
  const perRun = (t: Tool, k: 'name' | 'product' | 'version'): string => results[t].map((r) => `${pct(r.score[k])}${r.error !== undefined ? ' †' : ''}`).join(' / ') || 'n/a';
  const agree = results.nmap.map((n, i) => {
    const p = results.portcullis[i];
    return p === undefined ? undefined : agreement(p.score, n.score);
  });
  const spec = (site: Site): string => `\`${common(c, site).join(' ')}\``;
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpus().length} cores (${cpus()[0]?.model.trim() ?? '?'}), Linux ${execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim()}, Node ${process.version}, ${nmapVersion}.`,
    ...(fromSource ? ['Portcullis ran from src/ through tsx (--from-source), not from a build.'] : []),
    `${c.entries.length} ports, ${services} distinct services (${c.entries.filter((e) => e.site === 'ns').length} in the namespace host, ${c.entries.filter((e) => e.site === 'loopback').length} on loopback). Median of ${runs} run(s) per tool, alternating which goes first. Each tool runs ${spec('ns')} on the namespace host, then ${spec('loopback')} on 127.0.0.1${nmapArgs.length > 0 ? `; nmap also gets \`${nmapArgs.join(' ')}\`` : ''}${scanArgs.length > 0 ? `; Portcullis also gets \`${scanArgs.join(' ')}\`` : ''}; wall time is the sum of the two.`,
  ];
  if (!withPortcullis) lines.push('', '**Portcullis was not measured: dist/cli/launch.cjs does not exist (run `npm run build`). nmap side only.**');
  lines.push(
    '',
    '| tool | wall s (median, to exit) | scan s (median, as the tool reports it) | service name right | product right (where named) | version right (where revealed) |',
    '|---|---|---|---|---|---|',
    `| nmap -sV | ${num(mWall('nmap'))} | ${num(mOwn('nmap'))} | ${perRun('nmap', 'name')} | ${perRun('nmap', 'product')} | ${perRun('nmap', 'version')} |`,
    `| portcullis -sV | ${num(mWall('portcullis'))} | ${num(mOwn('portcullis'))} | ${perRun('portcullis', 'name')} | ${perRun('portcullis', 'product')} | ${perRun('portcullis', 'version')} |`,
    '',
    `Wall-time ratio Portcullis ÷ nmap: ${ratio} (runs that exited on their own); by the tools' own elapsed times: ${ownRatio}. Service-name agreement between the two (same name, right or wrong alike; each run): ${agree.map((a) => (a === undefined ? 'n/a' : pct(a))).join(' / ') || 'n/a'}.`,
  );
  const lastN = results.nmap.at(-1);
  const lastP = results.portcullis.at(-1);
  const tables = [...(lastN !== undefined ? [{ label: 'nmap -sV', score: lastN.score }] : []), ...(lastP !== undefined ? [{ label: 'portcullis -sV', score: lastP.score }] : [])];
  if (tables.length > 0) lines.push('', 'Last run, entry by entry (✓ right, ✗ wrong; "hidden": the server does not reveal it, not counted):', '', entryTable(tables));
  const lastAgree = agree.at(-1);
  if (lastAgree !== undefined && lastAgree.differing.length > 0) lines.push('', `Names the two disagree on (last run): ${lastAgree.differing.join('; ')}.`);
  const notes = (['nmap', 'portcullis'] as const).flatMap((t) => results[t].map((r, i) => (r.error !== undefined ? `- run ${i + 1}: ${t} failed: ${r.sites.join('; ')}` : undefined)).filter((x): x is string => x !== undefined));
  if (notes.length > 0) lines.push('', '† The run failed (below); its accuracy is judged on the output it wrote.', '', ...notes);
  return lines.join('\n');
}

function writeDoc(text: string): void {
  const doc = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '# Benchmarks\n';
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  writeFileSync(DOC, a >= 0 && b > a ? `${doc.slice(0, a + BEGIN.length)}\n${text}\n${doc.slice(b)}` : `${doc.trimEnd()}\n\n${BEGIN}\n${text}\n${END}\n`);
}

async function main(): Promise<number> {
  const missing = corpusMissing();
  if (missing !== undefined) {
    console.error(`service-bench: cannot start the corpus: ${missing}`);
    return 1;
  }
  const withPortcullis = existsSync(BIN);
  if (!withPortcullis) console.error(`service-bench: ${BIN} does not exist (run npm run build): measuring nmap only`);
  const results: Record<Tool, Run[]> = { nmap: [], portcullis: [] };
  const c = await startCorpus();
  try {
    for (let i = 0; i < runs; i++) {
      // Alternate who goes first so neither always meets the servers' warm or cold paths.
      const order: Tool[] = withPortcullis ? (i % 2 === 0 ? ['nmap', 'portcullis'] : ['portcullis', 'nmap']) : ['nmap'];
      for (const tool of order) {
        const r = await runTool(tool, c);
        results[tool].push(r);
        process.stderr.write(`run ${i + 1}/${runs} ${tool}: ${r.wall.toFixed(2)} s (${r.sites.join(', ')}); name ${pct(r.score.name)}, product ${pct(r.score.product)}, version ${pct(r.score.version)}\n`);
      }
    }
  } finally {
    await c.close();
    rmSync(work, { recursive: true, force: true });
  }
  const text = report(c, results, withPortcullis);
  console.log(text);
  if (!argv.includes('--no-write')) writeDoc(text);
  return 0;
}

process.exitCode = await main();
