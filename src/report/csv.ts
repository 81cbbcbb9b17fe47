/** CSV output (-oC): a header row, then one row per port result, appended as they come. */
import type { PortResult, ScanSummary } from '../core/types.js';
import { csvField } from './escape.js';
import { closeOutput, type Output } from './output-file.js';
import type { ReportSink } from './sink.js';

/** The CSV columns, in order. */
export const CSV_COLUMNS = ['host', 'hostname', 'port', 'proto', 'state', 'reason', 'rtt_ms', 'tries', 'service', 'service_method', 'product', 'version', 'extrainfo', 'cpe', 'tls_protocol', 'tls_subject', 'tls_not_after'] as const;

/** Writes RFC 4180 rows with formula-injection guards. */
export class CsvSink implements ReportSink {
  private ended = false;
  constructor(private readonly out: Output) {}
  begin(): void {
    this.out.write(`${CSV_COLUMNS.join(',')}\r\n`);
  }
  port(r: PortResult): void {
    const s = r.service;
    const row = [r.host, r.hostname, r.port, r.proto, r.state, r.reason, r.rttMs, r.tries, s?.name, s?.method, s?.product, s?.version, s?.extrainfo, s?.cpe?.join(' '), r.tls?.protocol, r.tls?.cert?.subject, r.tls?.cert?.notAfter].map(csvField).join(',');
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
