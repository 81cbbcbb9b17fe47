/** The report sink interface and the factory that opens one per output format. */
import type { HostReport, PortResult, ScanHeader, ScanSummary, ScanWarning } from '../core/types.js';
import type { RiskInfo } from '../identify/risk.js';
import type { Lang } from './messages.js';
import { openOutput, type TextStream } from './output-file.js';
import { NormalSink } from './normal.js';

/** Receives a scan's events in order and writes them somewhere. */
export interface ReportSink {
  begin(header: ScanHeader): void;
  port(r: PortResult): void;
  host(h: HostReport): void;
  warning(w: ScanWarning): void;
  /** Writes the summary, flushes and closes. Safe after an interrupt, and safe to call twice. */
  end(summary: ScanSummary): Promise<void>;
}

/** Output formats (-oN, -oJ, -oX, -oC). */
export type OutputFormat = 'normal' | 'ndjson' | 'xml' | 'csv';

/**
 * Whether a format writes every port as it is decided (one line each) rather than reading the
 * collapsed ones from the host reports: a scan writing only the others can skip their events
 * (ScanOptions.portEvents 'listed').
 */
export function writesEveryPort(format: OutputFormat): boolean {
  return format === 'ndjson' || format === 'csv';
}

/** Presentation options shared by the sinks. */
export interface SinkOptions {
  readonly color?: boolean;
  readonly reason?: boolean;
  readonly openOnly?: boolean;
  readonly verbose?: number;
  readonly lang?: Lang;
  /** Normal output: show the VERSION column (set from the header when -sV ran). */
  readonly versionColumn?: boolean;
  /** Normal output: the risk explanation under each open port (--explain). */
  readonly explain?: boolean;
  /** Where --explain reads each open port's risk from (openSink loads it when explain is set). */
  readonly risk?: RiskLookup;
  /** Where '-' writes; defaults to process.stdout. */
  readonly stdout?: TextStream;
}

/** The risk knowledge of an open port (report/records.ts riskOf). */
export type RiskLookup = (p: PortResult, lang: Lang) => RiskInfo | undefined;

/**
 * Opens a sink writing `format` to `dest` ('-' = stdout). Throws PC_OUTPUT_FILE. Only the
 * terminal's format is loaded with this module: the others, and the risk tables (~150 KB of
 * code) that NDJSON and --explain need, are imported here when asked for, so a scan that does
 * not write them does not pay their start-up.
 */
export async function openSink(format: OutputFormat, dest: string, opts: SinkOptions = {}): Promise<ReportSink> {
  // Everything is loaded before the file is created: nothing is left half-made.
  switch (format) {
    case 'normal': {
      const risk = opts.explain === true ? (opts.risk ?? (await import('./records.js')).riskOf) : opts.risk;
      return new NormalSink(openOutput(dest, opts.stdout ?? process.stdout), { ...opts, risk });
    }
    case 'ndjson': {
      const { NdjsonSink } = await import('./ndjson.js');
      return new NdjsonSink(openOutput(dest, opts.stdout ?? process.stdout), opts.lang);
    }
    case 'csv': {
      const { CsvSink } = await import('./csv.js');
      return new CsvSink(openOutput(dest, opts.stdout ?? process.stdout));
    }
    case 'xml': {
      const { XmlSink } = await import('./xml.js');
      return new XmlSink(openOutput(dest, opts.stdout ?? process.stdout));
    }
  }
}
