/** The NDJSON record shapes (snake_case, as docs/reference/ndjson.schema.json describes). */
import type { HostReport, PortResult, ScanHeader, ScanSummary, ScanWarning, ServiceInfo } from '../core/types.js';

function service(s: ServiceInfo | undefined): Record<string, unknown> | undefined {
  if (s === undefined) return undefined;
  return { name: s.name, product: s.product, version: s.version, extrainfo: s.extrainfo, cpe: s.cpe ?? [], method: s.method, confidence: s.confidence };
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
  };
}

/** Port record. */
export function portRecord(r: PortResult): Record<string, unknown> {
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
    not_shown: h.notShown,
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
