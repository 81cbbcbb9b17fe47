/** NDJSON output (-oJ): one JSON record per line, each written whole. */
import type { HostReport, PortResult, ScanHeader, ScanSummary, ScanWarning } from '../core/types.js';
import { closeOutput, type Output } from './output-file.js';
import { headerRecord, hostRecord, portRecord, riskOf, summaryRecord, warningRecord } from './records.js';
import type { ReportSink } from './sink.js';
import type { Lang } from './messages.js';

/** The last host's JSON prefix: a scan writes its ports host by host, thousands in a row. */
let lastHost: string | undefined;
let lastHostname: string | undefined;
let lastPrefix = '';

/** One port record as a line, for results without version details. */
export function portLine(r: PortResult): string {
  if (r.host !== lastHost || r.hostname !== lastHostname) {
    lastHost = r.host;
    lastHostname = r.hostname;
    lastPrefix = `{"type":"port","host":${JSON.stringify(r.host)}${r.hostname === undefined ? '' : `,"hostname":${JSON.stringify(r.hostname)}`}`;
  }
  const svc = r.service === undefined ? '' : `,"service":{"name":${JSON.stringify(r.service.name)},"cpe":[],"method":"${r.service.method}","confidence":${r.service.confidence}}`;
  return `${lastPrefix},"port":${r.port},"proto":"${r.proto}","state":"${r.state}","reason":"${r.reason}"${r.reasonTtl === undefined ? '' : `,"reason_ttl":${r.reasonTtl}`},"rtt_ms":${r.rttMs === null ? 'null' : r.rttMs},"tries":${r.tries}${svc}}\n`;
}

/** Streams records; JSON.stringify escapes whatever the network sent. */
export class NdjsonSink implements ReportSink {
  private ended = false;
  constructor(
    private readonly out: Output,
    private readonly lang: Lang = 'en',
  ) {}
  private line(rec: Record<string, unknown>): void {
    this.out.write(`${JSON.stringify(rec)}\n`);
  }
  begin(h: ScanHeader): void {
    this.line(headerRecord(h));
  }
  port(r: PortResult): void {
    // Open ports carry what Portcullis knows of their risk, in the output's language.
    const risk = r.state === 'open' ? riskOf(r, this.lang) : undefined;
    // The hot path (one line per port): the common shape is written directly, the same text
    // JSON.stringify(portRecord(r)) gives (a unit test holds the two equal).
    if (risk === undefined && r.verified === undefined && r.tls === undefined && (r.service === undefined || (r.service.product === undefined && r.service.version === undefined && r.service.extrainfo === undefined && r.service.cpe === undefined && r.service.os === undefined))) {
      this.out.write(portLine(r));
    } else this.line(portRecord(r, risk));
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
    return closeOutput(this.out);
  }
}
