/**
 * main(argv, io) → exit code. Parses the command line, runs the command, writes to the given
 * streams. Never calls process.exit(): bin.ts owns the process.
 */
import { invalidOption, isPortcullisError, PortcullisError, t, type Bilingual } from '../core/errors.js';
import { parseTargetFile } from '../core/target-spec.js';
import type { ScanEvent, ScanSummary } from '../core/types.js';
import { openSink, writesEveryPort, type ReportSink } from '../report/sink.js';
import { escapeTerminal } from '../report/escape.js';
import { MultiSink } from '../report/sinks.js';
import { resolveScanOptions, type ScanOptions, type ScanProgress } from '../scan/options.js';
import { runScan as executeScan } from '../scan/scan.js';
import { VERSION } from '../version.js';
import { renderHelp } from './help.js';
import { readInputFile } from './input-file.js';
import { langFromEnv, parseArgs, type ScanCliOptions } from './parse-args.js';
import { startProgress } from './progress.js';

/** The process pieces main() uses; tests pass their own. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { readonly isTTY?: boolean };
  readonly stderr: NodeJS.WriteStream | (NodeJS.WritableStream & { readonly isTTY?: boolean });
  readonly stdin: NodeJS.ReadableStream & { readonly fd?: number };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly signal?: AbortSignal | undefined;
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  // Known before parsing, so that even a parse error speaks the user's language.
  const langArg = argv.find((a, i) => a.startsWith('--lang=') || argv[i - 1] === '--lang');
  let lang: 'en' | 'es' = langArg === undefined ? langFromEnv(io.env) : langArg.endsWith('es') ? 'es' : 'en';
  try {
    const cmd = parseArgs(argv, io.env);
    switch (cmd.kind) {
      case 'help':
        io.stdout.write(renderHelp(cmd.lang, cmd.command));
        return 0;
      case 'version':
        io.stdout.write(`portcullis ${VERSION}\n`);
        return 0;
      case 'scan':
        lang = cmd.lang;
        return await runScan(cmd.targets, cmd.options, cmd.lang, cmd.color, argv, io);
      case 'audit':
        lang = cmd.lang;
        // Loaded on use: a scan's start-up does not pay for the audit's and the firewall's modules.
        return await (await import('./audit-command.js')).runAuditCommand(cmd.options, cmd.lang, cmd.color, io);
      case 'firewall':
        lang = cmd.lang;
        return await (await import('./firewall-command.js')).runFirewallCommand(cmd.action, cmd.targets, cmd.options, cmd.lang, io);
    }
  } catch (err) {
    if (isPortcullisError(err)) {
      io.stderr.write(`portcullis: ${err.localized(lang)}\n`);
      if (err.code === 'PC_INVALID_OPTION') {
        const which = argv[0] === 'audit' || argv[0] === 'firewall' ? argv[0] : 'scan';
        io.stderr.write(lang === 'es' ? `Consulte «portcullis ${which} --help».\n` : `See "portcullis ${which} --help".\n`);
      }
      return err.exitCode;
    }
    throw err;
  }
}

function readTargetList(path: string, what: Bilingual): string[] {
  const list = parseTargetFile(readInputFile(path, what));
  if (list.length === 0) throw new PortcullisError('PC_EMPTY_INPUT', t(`${what.en} "${path}" holds no targets`, `${what.es} "${path}" no contiene objetivos`), { subject: path });
  return list;
}

async function runScan(
  positional: readonly string[],
  o: ScanCliOptions,
  lang: 'en' | 'es',
  colorFlag: boolean | undefined,
  argv: readonly string[],
  io: CliIo,
): Promise<number> {
  const targets = [...positional];
  if (o.inputList !== undefined) targets.push(...readTargetList(o.inputList, t('input list', 'la lista de objetivos')));
  const exclude = [...(o.exclude ?? [])];
  if (o.excludeFile !== undefined) exclude.push(...readTargetList(o.excludeFile, t('exclude file', 'el fichero de exclusiones')));
  if (targets.length === 0) {
    throw new PortcullisError('PC_EMPTY_INPUT', t('no targets were given (name at least one address, range or hostname, or use -iL)', 'no se indicó ningún objetivo (indique al menos una dirección, rango o nombre de host, o use -iL)'), { subject: 'targets' });
  }

  if (o.pingOnly === true && o.noPing === true) throw invalidOption('-sn', t('-sn (discovery only) and -Pn (no discovery) contradict each other', '-sn (solo descubrimiento) y -Pn (sin descubrimiento) se contradicen'));
  if (o.versionIntensity !== undefined && o.serviceDetection !== true) throw invalidOption('--version-intensity', t('needs -sV', 'necesita -sV'));
  if (o.versionTimeout !== undefined && o.serviceDetection !== true) throw invalidOption('--version-timeout', t('needs -sV', 'necesita -sV'));
  if (o.synScan === true && o.connectScan === true) throw invalidOption('-sS', t('choose one TCP scan type: -sS or -sT', 'elija un solo tipo de escaneo TCP: -sS o -sT'));
  let live: Readonly<ScanProgress> | undefined;
  const options: ScanOptions = {
    targets,
    tcpScan: o.synScan === true ? 'syn' : o.connectScan === true ? 'connect' : o.udpScan === true ? undefined : 'auto',
    udp: o.udpScan,
    udpFast: o.udpFast,
    verify: o.verify,
    portEvents: (o.outputs ?? []).some((x) => writesEveryPort(x.format)) ? 'all' : 'listed',
    serviceDetection: o.serviceDetection,
    versionIntensity: o.versionIntensity,
    serviceTiming: o.versionTimeout === undefined ? undefined : { totalMs: Math.max(1, Math.round(o.versionTimeout)) },
    discovery: o.pingOnly === true ? 'only' : o.noPing === true ? 'off' : 'on',
    ports: o.ports,
    topPorts: o.topPorts,
    excludePorts: o.excludePorts,
    exclude,
    resolveAll: o.resolveAll,
    timing: o.timing,
    minRate: o.minRate,
    maxRate: o.maxRate,
    minParallelism: o.minParallelism,
    maxParallelism: o.maxParallelism,
    maxRetries: o.maxRetries,
    hostTimeoutMs: o.hostTimeout,
    initialRttTimeoutMs: o.initialRttTimeout,
    minRttTimeoutMs: o.minRttTimeout,
    maxRttTimeoutMs: o.maxRttTimeout,
    scanDelayMs: o.scanDelay,
    seed: o.seed,
    sequential: o.sequential,
    signal: io.signal,
    args: ['portcullis', ...argv],
    onStats: (s) => (live = s),
  };
  // Validate everything before any output file is created: bad input leaves nothing behind.
  const resolved = resolveScanOptions(options);
  // A scan of many hosts keeps more work in flight and allocates results for all of them: V8
  // then favours memory over speed, which holds 1,024 hosts × 100 ports within 1.5× of one
  // host's peak RSS. One address gives up ~5% of its speed for nothing (docs/benchmarks.md).
  if (resolved.targets.reduce((n, t) => n + (t.kind === 'block' ? t.block.size : 1), 0) > 1) {
    (await import('node:v8')).setFlagsFromString('--optimize-for-size');
  }

  const color = colorFlag ?? (io.stdout.isTTY === true && io.env['NO_COLOR'] === undefined);
  const outputs = o.outputs ?? [];
  const sinks: ReportSink[] = [];
  try {
    if (!outputs.some((x) => x.dest === '-')) {
      sinks.push(await openSink('normal', '-', { color, reason: o.reason ?? false, openOnly: o.open ?? false, verbose: o.verbose ?? 0, lang, explain: o.explain ?? false }));
    }
    for (const out of outputs) {
      sinks.push(await openSink(out.format, out.dest, { color: false, reason: o.reason ?? false, openOnly: o.open ?? false, verbose: o.verbose ?? 0, lang, explain: o.explain ?? false }));
    }
  } catch (err) {
    for (const s of sinks) await s.end(abortedSummary()).catch(() => undefined);
    throw err;
  }
  const sink = new MultiSink(sinks);

  const showProgress = o.progress ?? io.stderr.isTTY === true;
  const stopProgress = showProgress ? startProgress(io.stderr as NodeJS.WriteStream, () => live, lang) : () => undefined;
  const verbose = o.verbose ?? 0;
  const terminal = !outputs.some((x) => x.dest === '-');
  let summary: ScanSummary | undefined;
  const onEvent = (e: ScanEvent): void => {
    switch (e.type) {
      case 'header':
        sink.begin(e.header);
        break;
      case 'port':
        sink.port(e.result);
        // As nmap -v: open ports are announced the moment they are found, long scans included.
        if (verbose > 0 && e.result.state === 'open' && terminal) {
          io.stdout.write(`${lang === 'es' ? 'Descubierto puerto abierto' : 'Discovered open port'} ${e.result.port}/${e.result.proto} ${lang === 'es' ? 'en' : 'on'} ${e.result.host}\n`);
        }
        break;
      case 'host':
        sink.host(e.report);
        break;
      case 'warning':
        io.stderr.write(`${lang === 'es' ? 'Aviso' : 'Warning'}: ${escapeTerminal(e.warning.message)}\n`);
        sink.warning(e.warning);
        break;
      case 'summary':
        summary = e.summary;
        break;
    }
  };
  try {
    // The options object main() validated: the scan reuses that resolution (and its seed).
    await executeScan(options, onEvent);
  } finally {
    stopProgress();
    await sink.end(summary ?? abortedSummary());
  }
  if (summary === undefined || summary.interrupted) {
    io.stderr.write(lang === 'es' ? 'portcullis: escaneo interrumpido; las salidas escritas hasta ahora están completas.\n' : 'portcullis: scan interrupted; the outputs written so far are complete.\n');
    return 130;
  }
  return summary.failedTargets.length > 0 ? 1 : 0;
}

function abortedSummary(): ScanSummary {
  return { endedAt: Date.now(), elapsedMs: 0, hostsTotal: 0, hostsUp: 0, probesSent: 0, portsScanned: 0, counts: {}, interrupted: true, failedTargets: [] };
}
