/** The NDJSON record shapes (snake_case, as docs/reference/ndjson.schema.json describes). */
import type { HostReport, PortResult, ScanHeader, ScanSummary, ScanWarning, ServiceInfo, TlsInfo } from '../core/types.js';
import { riskFor, type RiskInfo } from '../identify/risk.js';
import type { Lang } from './messages.js';

/** The risk knowledge for a port's service (by name, or by its well-known port). */
export function riskOf(p: PortResult, lang: Lang): RiskInfo | undefined {
  const name = p.service?.name ?? 'unknown';
  // Inside TLS, HTTP is HTTPS (its own entry); other services are named as nmap does, "ssl/imap".
  // A STARTTLS upgrade leaves the service what it is (plain "smtp", as nmap shows it).
  const asked = p.tls === undefined || p.tls.via === 'starttls' || name === 'ssl' ? name : name === 'http' ? 'https' : `ssl/${name}`;
  return riskFor({ name: asked, port: p.port, proto: p.proto, method: p.service?.method }, lang);
}

function service(s: ServiceInfo | undefined): Record<string, unknown> | undefined {
  if (s === undefined) return undefined;
  return { name: s.name, product: s.product, version: s.version, extrainfo: s.extrainfo, os: s.os, cpe: s.cpe ?? [], method: s.method, confidence: s.confidence };
}

/** The TLS record of a port (snake_case). */
export function tlsRecord(t: TlsInfo | undefined): Record<string, unknown> | undefined {
  if (t === undefined) return undefined;
  const c = t.cert;
  return {
    protocol: t.protocol,
    cipher: t.cipher,
    alpn: t.alpn,
    via: t.via,
    cert:
      c === undefined
        ? undefined
        : {
            subject: c.subject,
            common_name: c.commonName,
            alt_names: c.altNames,
            issuer: c.issuer,
            not_before: c.notBefore,
            not_after: c.notAfter,
            expired: c.expired,
            expiring_soon: c.expiringSoon,
            days_left: c.daysLeft,
            key_type: c.keyType,
            key_bits: c.keyBits,
            self_signed: c.selfSigned,
            sha256: c.sha256,
            serial: c.serial,
          },
  };
}

/** The risk record of an open port (snake_case); its sources are listed in docs/reference/risk-sources.md. */
export function riskRecord(r: RiskInfo | undefined): Record<string, unknown> | undefined {
  if (r === undefined) return undefined;
  return { service: r.service, level: r.level, summary: r.summary, why: r.why, fix: r.fix, sources: r.sources, lang: r.lang, matched_by: r.matchedBy };
}

/** Header record. */
export function headerRecord(h: ScanHeader): Record<string, unknown> {
  return {
    type: 'header',
    tool: h.tool,
    version: h.version,
    args: h.args,
    scan_type: h.scanType,
    protocols: h.protocols,
    ports: h.portSpec,
    num_ports: h.numPorts,
    num_hosts: h.numHosts,
    started_at: new Date(h.startedAt).toISOString(),
    seed: h.seed,
    service_detection: h.serviceDetection,
  };
}

/** Port record; `risk` is what Portcullis knows about the open port's service. */
export function portRecord(r: PortResult, risk?: RiskInfo): Record<string, unknown> {
  return {
    type: 'port',
    host: r.host,
    hostname: r.hostname,
    port: r.port,
    proto: r.proto,
    state: r.state,
    reason: r.reason,
    reason_ttl: r.reasonTtl,
    rtt_ms: r.rttMs,
    tries: r.tries,
    verified: r.verified,
    verify_reason: r.verifyReason,
    service: service(r.service),
    tls: tlsRecord(r.tls),
    risk: riskRecord(risk),
  };
}

/** Host record. */
export function hostRecord(h: HostReport): Record<string, unknown> {
  return {
    type: 'host',
    host: h.host,
    hostname: h.hostname,
    family: h.family,
    proto: h.proto,
    status: h.status,
    status_reason: h.statusReason,
    status_ttl: h.statusTtl,
    counts: h.counts,
    // Every port already has its own record in this format: the counts are enough here.
    not_shown: h.notShown.map((n) => ({ state: n.state, count: n.count, reasons: n.reasons })),
    open_ports: h.ports.filter((p) => p.state === 'open').map((p) => p.port),
    srtt_ms: h.srttMs,
    started_at: new Date(h.startedAt).toISOString(),
    ended_at: new Date(h.endedAt).toISOString(),
    timed_out: h.timedOut,
  };
}

/** Warning record. */
export function warningRecord(w: ScanWarning): Record<string, unknown> {
  return { type: 'warning', code: w.code, message: w.message, subject: w.subject };
}

/** Summary record. */
export function summaryRecord(s: ScanSummary): Record<string, unknown> {
  return {
    type: 'summary',
    ended_at: new Date(s.endedAt).toISOString(),
    elapsed_ms: s.elapsedMs,
    hosts_total: s.hostsTotal,
    hosts_up: s.hostsUp,
    probes_sent: s.probesSent,
    ports_scanned: s.portsScanned,
    counts: s.counts,
    interrupted: s.interrupted,
    failed_targets: s.failedTargets,
  };
}
