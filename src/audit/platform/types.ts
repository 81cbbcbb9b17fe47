/**
 * What every non-Linux socket source returns: one row per (socket, process) pair, already
 * reduced to the local end. The audit joins these rows into Listener records (types.ts).
 */

/** One listening TCP socket or bound UDP socket as a platform tool (lsof, netstat, PowerShell) reports it. */
export interface PlatformSocket {
  readonly proto: 'tcp' | 'udp';
  readonly family: 4 | 6;
  /** Canonical local address ('0.0.0.0', '::', '127.0.0.1', '::1'); zone ids are dropped, as the Linux tables have none. */
  readonly address: string;
  readonly port: number;
  readonly pid?: number;
  /** Short process name (lsof's command, the Windows image name without its path). */
  readonly process?: string;
  /** Executable path, when the platform told us. */
  readonly exe?: string;
  /** Login name ('root', 'NT AUTHORITY\\SYSTEM'). */
  readonly user?: string;
  readonly uid?: number;
}
