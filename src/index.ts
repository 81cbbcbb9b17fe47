/** The public library API of Portcullis, re-exported by name. */
export { scan, ResolvedTargets } from './scan/scan.js';
export { resolveScanOptions } from './scan/options.js';
export type { ScanOptions, ResolvedScanOptions, ScanProgress } from './scan/options.js';
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
  HostReport,
  ScanHeader,
  ScanSummary,
  ScanWarning,
  ScanEvent,
  ScanType,
} from './core/types.js';
export { TIMING_TEMPLATES } from './core/timing.js';
export { VERSION } from './version.js';
