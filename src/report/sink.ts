/** The report sink interface and the factory that opens one per output format. */
import type { HostReport, PortResult, ScanHeader, ScanSummary, ScanWarning } from '../core/types.js';
import type { Lang } from './messages.js';
import { openOutput, type TextStream } from './output-file.js';
import { NormalSink } from './normal.js';
import { NdjsonSink } from './ndjson.js';
import { CsvSink } from './csv.js';
import { XmlSink } from './xml.js';

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
  /** Where '-' writes; defaults to process.stdout. */
  readonly stdout?: TextStream;
}

/** Opens a sink writing `format` to `dest` ('-' = stdout). Throws PC_OUTPUT_FILE. */
export function openSink(format: OutputFormat, dest: string, opts: SinkOptions = {}): ReportSink {
  const out = openOutput(dest, opts.stdout ?? process.stdout);
  switch (format) {
    case 'normal':
      return new NormalSink(out, opts);
    case 'ndjson':
      return new NdjsonSink(out, opts.lang);
    case 'csv':
      return new CsvSink(out);
    case 'xml':
      return new XmlSink(out);
  }
}
