/** NDJSON output (-oJ): one JSON record per line, each written whole. */
import type { HostReport, PortResult, ScanHeader, ScanSummary, ScanWarning } from '../core/types.js';
import type { Output } from './output-file.js';
import { headerRecord, hostRecord, portRecord, summaryRecord, warningRecord } from './records.js';
import type { ReportSink } from './sink.js';

/** Streams records; JSON.stringify escapes whatever the network sent. */
export class NdjsonSink implements ReportSink {
  private ended = false;
  constructor(private readonly out: Output) {}
  private line(rec: Record<string, unknown>): void {
    this.out.write(`${JSON.stringify(rec)}\n`);
  }
  begin(h: ScanHeader): void {
    this.line(headerRecord(h));
  }
  port(r: PortResult): void {
    this.line(portRecord(r));
  }
  host(h: HostReport): void {
    this.line(hostRecord(h));
  }
  warning(w: ScanWarning): void {
    this.line(warningRecord(w));
  }
  end(s: ScanSummary): Promise<void> {
    if (this.ended) return Promise.resolve();
    this.ended = true;
    this.line(summaryRecord(s));
    this.out.close();
    return Promise.resolve();
  }
}
