/** CSV output (-oC): a header row, then one row per port result, appended as they come. */
import type { PortResult, ScanSummary } from '../core/types.js';
import { csvField } from './escape.js';
import { closeOutput, type Output } from './output-file.js';
import type { ReportSink } from './sink.js';

/** The CSV columns, in order. */
export const CSV_COLUMNS = ['host', 'hostname', 'port', 'proto', 'state', 'reason', 'rtt_ms', 'tries', 'service'] as const;

/** Writes RFC 4180 rows with formula-injection guards. */
export class CsvSink implements ReportSink {
  private ended = false;
  constructor(private readonly out: Output) {}
  begin(): void {
    this.out.write(`${CSV_COLUMNS.join(',')}\r\n`);
  }
  port(r: PortResult): void {
    const row = [r.host, r.hostname, r.port, r.proto, r.state, r.reason, r.rttMs, r.tries, r.service?.name].map(csvField).join(',');
    this.out.write(`${row}\r\n`);
  }
  host(): void {}
  warning(): void {}
  end(_s: ScanSummary): Promise<void> {
    if (this.ended) return Promise.resolve();
    this.ended = true;
    return closeOutput(this.out);
  }
}
