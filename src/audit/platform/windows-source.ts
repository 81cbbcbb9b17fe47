/**
 * Windows socket source: the only I/O of the Windows audit. PowerShell's NetTCPIP cmdlets
 * first (they give exe paths and, when elevated, users); `netstat -ano` plus `tasklist` when
 * PowerShell or the module is missing (Windows 7, Server Core without the module, constrained
 * language mode).
 */
import { PortcullisError, t } from '../../core/errors.js';
import { runTool } from './exec.js';
import type { PlatformSocket } from './types.js';
import { parseGetNetTcpConnection, parseGetNetUdpEndpoint, parseGetProcess, parseNetstatAno, parseTasklistCsv, withProcesses } from './windows.js';

// Stop on any error so a missing cmdlet fails the run and the netstat fallback takes over;
// UTF-8 output so non-ASCII user names and paths survive.
const PREAMBLE = "$ErrorActionPreference='Stop'; [Console]::OutputEncoding=[Text.Encoding]::UTF8; ";
const TCP = 'Get-NetTCPConnection -State Listen | Select-Object LocalAddress,LocalPort,OwningProcess | ConvertTo-Json -Compress';
const UDP = 'Get-NetUDPEndpoint | Select-Object LocalAddress,LocalPort,OwningProcess | ConvertTo-Json -Compress';
// -IncludeUserName needs elevation; without it, ask again without users rather than lose exe paths.
const PROCS = 'try { $p = Get-Process -IncludeUserName } catch { $p = Get-Process }; $p | Select-Object Id,ProcessName,Path,UserName | ConvertTo-Json -Compress';

function powershell(script: string, signal: AbortSignal | undefined): Promise<string> {
  return runTool('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', PREAMBLE + script], { timeoutMs: 30_000, ...(signal !== undefined && { signal }) });
}

async function viaPowerShell(signal: AbortSignal | undefined): Promise<PlatformSocket[]> {
  const [tcp, udp, procs] = await Promise.all([powershell(TCP, signal), powershell(UDP, signal), powershell(PROCS, signal).catch(() => '')]);
  return withProcesses([...parseGetNetTcpConnection(tcp), ...parseGetNetUdpEndpoint(udp)], parseGetProcess(procs));
}

async function viaNetstat(signal: AbortSignal | undefined): Promise<PlatformSocket[]> {
  const opts = signal !== undefined ? { signal } : {};
  const [netstat, tasklist] = await Promise.all([runTool('netstat', ['-ano'], opts), runTool('tasklist', ['/FO', 'CSV', '/NH'], opts).catch(() => '')]);
  return withProcesses(parseNetstatAno(netstat), parseTasklistCsv(tasklist));
}

// A function, not an inline test, so TypeScript does not assume the flag is unchanged after an await.
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/** Reads the listening TCP and bound UDP sockets of this Windows machine. */
export async function readWindowsSockets(signal?: AbortSignal): Promise<PlatformSocket[]> {
  try {
    return await viaPowerShell(signal);
  } catch (err) {
    if (isAborted(signal)) throw err;
  }
  try {
    return await viaNetstat(signal);
  } catch (err) {
    if (isAborted(signal)) throw err;
    throw new PortcullisError('PC_AUDIT_SOURCE', t('Neither PowerShell nor netstat could list the sockets.', 'Ni PowerShell ni netstat pudieron listar los sockets.'), { subject: 'netstat', cause: err });
  }
}
