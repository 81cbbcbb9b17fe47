/** The public library API of Portcullis, re-exported by name. */
export { scan, ResolvedTargets } from './scan/scan.js';
export { resolveScanOptions } from './scan/options.js';
export type { ScanOptions, ResolvedScanOptions, ResolvedServiceDetection, ScanProgress } from './scan/options.js';
export { detectService, DEFAULT_SERVICE_TIMING } from './identify/service-prober.js';
export type { ServiceDetection, ServiceProbeOptions, ServiceProbeTiming } from './identify/service-prober.js';
export { compileSignatures, probeBytes } from './identify/signature-db.js';
export type { SignatureDb, SignatureFile, ProbeSpec, MatcherSpec, Probe, Matcher } from './identify/signature-db.js';
export { signatureDb, SIGNATURE_FILES } from './identify/signatures/index.js';
export { matchAnswer, sanitizeCapture, MATCH_VIEW_BYTES } from './identify/matcher.js';
export type { MatchResult } from './identify/matcher.js';
export { planProbes, DEFAULT_INTENSITY } from './identify/probe-plan.js';
export type { PlanInput } from './identify/probe-plan.js';
export type { Resolver, ResolvedAddress } from './scan/resolve.js';
export { PortcullisError, isPortcullisError, ERROR_CODES } from './core/errors.js';
export type { ErrorCode } from './core/errors.js';
export type {
  Proto,
  Family,
  PortState,
  Reason,
  PortResult,
  ServiceInfo,
  TlsInfo,
  TlsCertInfo,
  HostReport,
  ScanHeader,
  ScanSummary,
  ScanWarning,
  ScanEvent,
  ScanType,
} from './core/types.js';
export { TIMING_TEMPLATES } from './core/timing.js';
export { VERSION } from './version.js';
export { runAudit } from './audit/audit.js';
export type { AuditOptions, AuditReport, HiddenPort } from './audit/audit.js';
export type { Listener, ProcessInfo, Finding, Exposure, BindScope, NetnsRef, SocketKind, Severity, ContainerRef } from './audit/types.js';
export { parsePolicy } from './policy/parse-policy.js';
export { checkPolicy } from './policy/check-policy.js';
export type { PolicyDeviation } from './policy/check-policy.js';
export type { Policy } from './policy/policy.js';
export { createBaseline, diffBaseline, parseBaseline, serializeBaseline } from './audit/baseline.js';
export type { Baseline, BaselineChange, BaselineListener } from './audit/baseline.js';
