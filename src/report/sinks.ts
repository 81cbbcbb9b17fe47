/** Fan-out to several sinks, and the file names of -oA. */
import type { HostReport, PortResult, ScanHeader, ScanSummary, ScanWarning } from '../core/types.js';
import type { OutputFormat, ReportSink } from './sink.js';

/** Sends every event to each sink in turn (the terminal, then each -o file, as the CLI lists them). */
export class MultiSink implements ReportSink {
  constructor(private readonly sinks: readonly ReportSink[]) {}
  begin(header: ScanHeader): void {
    for (const s of this.sinks) s.begin(header);
  }
  port(r: PortResult): void {
    for (const s of this.sinks) s.port(r);
  }
  host(h: HostReport): void {
    for (const s of this.sinks) s.host(h);
  }
  warning(w: ScanWarning): void {
    for (const s of this.sinks) s.warning(w);
  }
  /** Ends every sink even when one fails (a full disk must not leave the XML unfinished), then rejects with the first failure. */
  async end(summary: ScanSummary): Promise<void> {
    let first: { err: unknown } | undefined;
    for (const s of this.sinks) {
      try {
        await s.end(summary);
      } catch (err) {
        first ??= { err };
      }
    }
    if (first !== undefined) throw first.err;
  }
}

/** -oA BASE: the four files, named as nmap names its own (.nmap, .xml) plus ours. */
export function outputAll(base: string): { format: OutputFormat; dest: string }[] {
  return [
    { format: 'normal', dest: `${base}.nmap` },
    { format: 'xml', dest: `${base}.xml` },
    { format: 'ndjson', dest: `${base}.ndjson` },
    { format: 'csv', dest: `${base}.csv` },
  ];
}
