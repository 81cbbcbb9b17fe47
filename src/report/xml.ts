/**
 * nmap's XML format (-oX), valid against the nmap.dtd that nmap ships and readable by ndiff
 * and the tools built on nmap XML. The DTD fixes scanner="nmap"; `args` says Portcullis.
 * In a regular file the closing tags are rewritten after every host, so the file parses at
 * any moment, even after the process is killed.
 */
import type { HostReport, ScanHeader, ScanSummary } from '../core/types.js';
import { formatPortList } from '../core/port-spec.js';
import { escapeXml as x } from './escape.js';
import { closeOutput, type Output } from './output-file.js';
import type { ReportSink } from './sink.js';

/** One host element. */
export function renderXmlHost(h: HostReport): string {
  const parts: string[] = [];
  const start = Math.floor(h.startedAt / 1000);
  const end = Math.floor(h.endedAt / 1000);
  const statusReason = h.statusReason ?? (h.status === 'up' ? (h.ports[0]?.reason ?? Object.keys(h.notShown[0]?.reasons ?? {})[0] ?? 'user-set') : 'user-set');
  parts.push(`<host starttime="${start}" endtime="${end}"${h.timedOut ? ' timedout="true"' : ''}>`);
  // As with nmap -Pn, a host scanned without discovery is up; "user-set" says nothing answered to prove it.
  parts.push(`<status state="${h.status === 'down' ? 'down' : 'up'}" reason="${x(statusReason)}" reason_ttl="${h.statusTtl ?? 0}"/>`);
  parts.push(`<address addr="${x(h.host)}" addrtype="${h.family === 6 ? 'ipv6' : 'ipv4'}"/>`);
  parts.push(h.hostname !== undefined ? `<hostnames><hostname name="${x(h.hostname)}" type="user"/></hostnames>` : '<hostnames></hostnames>');
  parts.push('<ports>');
  for (const n of h.notShown) {
    parts.push(`<extraports state="${n.state}" count="${n.count}">`);
    // As nmap 7.80+: each reason names its ports, so the file says what every port is.
    for (const [reason, count] of Object.entries(n.reasons)) {
      const ports = n.ports?.[reason];
      parts.push(`<extrareasons reason="${x(reason)}" count="${count}" proto="${h.proto}"${ports !== undefined && ports.length > 0 ? ` ports="${formatPortList(ports)}"` : ''}/>`);
    }
    parts.push('</extraports>');
  }
  for (const p of h.ports) {
    parts.push(`<port protocol="${p.proto}" portid="${p.port}"><state state="${p.state}" reason="${x(p.reason)}" reason_ttl="${p.reasonTtl ?? 0}"/>`);
    if (p.service !== undefined) {
      const s = p.service;
      const attrs = [`name="${x(s.name)}"`];
      if (s.product !== undefined) attrs.push(`product="${x(s.product)}"`);
      if (s.version !== undefined) attrs.push(`version="${x(s.version)}"`);
      if (s.extrainfo !== undefined) attrs.push(`extrainfo="${x(s.extrainfo)}"`);
      if (s.os !== undefined) attrs.push(`ostype="${x(s.os)}"`);
      // As nmap: a service found inside TLS is tunnel="ssl".
      if (p.tls !== undefined && p.tls.via !== 'starttls' && s.name !== 'ssl') attrs.push('tunnel="ssl"');
      attrs.push(`method="${s.method}"`, `conf="${Math.max(0, Math.min(10, Math.round(s.confidence)))}"`);
      const cpes = (s.cpe ?? []).map((c) => `<cpe>${x(c)}</cpe>`).join('');
      parts.push(cpes === '' ? `<service ${attrs.join(' ')}/>` : `<service ${attrs.join(' ')}>${cpes}</service>`);
    }
    parts.push('</port>');
  }
  parts.push('</ports>');
  if (h.srttMs !== null) {
    const us = Math.round(h.srttMs * 1000);
    parts.push(`<times srtt="${us}" rttvar="${Math.round(us / 2)}" to="${Math.max(100000, us * 3)}"/>`);
  }
  parts.push('</host>');
  return `${parts.join('\n')}\n`;
}

/** Streams nmaprun; see the file comment for the crash-safety scheme. */
export class XmlSink implements ReportSink {
  private bodyEnd = 0;
  private hosts = 0;
  private hostsUp = 0;
  private startedAt = Date.now();
  private ended = false;
  private begun = false;

  constructor(private readonly out: Output) {}

  begin(h: ScanHeader): void {
    this.begun = true;
    this.startedAt = h.startedAt;
    const start = Math.floor(h.startedAt / 1000);
    const head = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<!DOCTYPE nmaprun>',
      `<!-- Portcullis ${x(h.version)} scan; nmap XML format (nmap.dtd) -->`,
      `<nmaprun scanner="nmap" args="${x(h.args.join(' '))}" start="${start}" startstr="${x(new Date(h.startedAt).toUTCString())}" version="${x(h.version)}" profile_name="portcullis" xmloutputversion="1.05">`,
      ...h.protocols.map((proto) => `<scaninfo type="${h.scanType}" protocol="${proto}" numservices="${h.numPorts}" services="${x(h.portSpec[proto] ?? '')}"/>`),
      '<verbose level="0"/>',
      '<debugging level="0"/>',
    ];
    this.out.write(`${head.join('\n')}\n`);
    this.bodyEnd = this.out.size;
    this.writeTrailer(null);
  }

  port(): void {}

  host(h: HostReport): void {
    this.hosts++;
    if (h.status === 'up') this.hostsUp++;
    const block = renderXmlHost(h);
    if (this.out.seekable) {
      this.out.rewriteFrom(this.bodyEnd, block);
      this.bodyEnd = this.out.size;
      this.writeTrailer(null);
    } else {
      this.out.write(block);
    }
  }

  warning(): void {}

  /** Closing tags; `s` null = provisional (the scan is still running or was killed). */
  private trailer(s: ScanSummary | null): string {
    const now = s?.endedAt ?? Date.now();
    const elapsed = ((s?.elapsedMs ?? now - this.startedAt) / 1000).toFixed(2);
    const up = s?.hostsUp ?? this.hostsUp;
    const total = s?.hostsTotal ?? this.hosts;
    const summary = `Portcullis done at ${new Date(now).toUTCString()}; ${total} IP address${total === 1 ? '' : 'es'} (${up} host${up === 1 ? '' : 's'} up) scanned in ${elapsed} seconds`;
    const exit = s === null ? ' exit="error" errormsg="scan did not finish (still running, or stopped)"' : s.interrupted ? ' exit="error" errormsg="interrupted"' : ' exit="success"';
    return `<runstats><finished time="${Math.floor(now / 1000)}" timestr="${x(new Date(now).toUTCString())}" elapsed="${elapsed}" summary="${x(summary)}"${exit}/><hosts up="${up}" down="${Math.max(0, total - up)}" total="${total}"/>\n</runstats>\n</nmaprun>\n`;
  }

  private writeTrailer(s: ScanSummary | null): void {
    if (this.out.seekable) this.out.rewriteFrom(this.bodyEnd, this.trailer(s));
  }

  end(s: ScanSummary): Promise<void> {
    if (this.ended) return Promise.resolve();
    this.ended = true;
    if (this.begun) {
      if (this.out.seekable) this.writeTrailer(s);
      else this.out.write(this.trailer(s));
    }
    return closeOutput(this.out);
  }
}
