/**
 * Pure parsers of what Windows says about its sockets and processes:
 * - PowerShell (NetTCPIP module, Windows 8 / Server 2012 and later):
 *     Get-NetTCPConnection -State Listen | Select-Object LocalAddress,LocalPort,OwningProcess | ConvertTo-Json
 *     Get-NetUDPEndpoint | Select-Object LocalAddress,LocalPort,OwningProcess | ConvertTo-Json
 *     Get-Process -IncludeUserName | Select-Object Id,ProcessName,Path,UserName | ConvertTo-Json
 * - the fallback for older or locked-down machines: `netstat -ano` and `tasklist /FO CSV /NH`.
 * ConvertTo-Json prints a lone object, not a one-element array, and nothing at all for no
 * input; every JSON reader here takes all three.
 */
import { canonicalAddress, splitHostPort } from './address.js';
import type { PlatformSocket } from './types.js';

/** What Windows says about one process. */
export interface WindowsProcess {
  readonly pid: number;
  /** Process name as Get-Process gives it ('svchost'); tasklist's image name loses its '.exe' to match. */
  readonly process: string;
  readonly exe?: string;
  /** 'DOMAIN\\user'; absent when Get-Process ran without elevation. */
  readonly user?: string;
}

/** Parses PowerShell JSON that may be an array, a single object, or empty; a BOM is tolerated. */
function jsonRecords(json: string): Record<string, unknown>[] {
  const text = json.replace(/^\uFEFF/, '').trim();
  if (text === '') return [];
  const value: unknown = JSON.parse(text);
  const list: unknown[] = Array.isArray(value) ? value : [value];
  return list.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x));
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function socketRow(proto: 'tcp' | 'udp', host: string, port: number, pid: number | undefined): PlatformSocket | null {
  const family = host.includes(':') ? 6 : 4;
  const address = canonicalAddress(host, family);
  if (address === null || port < 0 || port > 65535) return null;
  // PID 0 is the System Idle Process: Windows shows it for sockets whose owner has gone.
  return { proto, family, address, port, ...(pid !== undefined && pid !== 0 && { pid }) };
}

/** Parses `Get-NetTCPConnection … | ConvertTo-Json` (or Get-NetUDPEndpoint with proto 'udp') into socket rows. */
export function parseGetNetTcpConnection(json: string, proto: 'tcp' | 'udp' = 'tcp'): PlatformSocket[] {
  const out: PlatformSocket[] = [];
  for (const r of jsonRecords(json)) {
    const host = str(r.LocalAddress);
    const port = num(r.LocalPort);
    if (host === undefined || port === undefined) continue;
    const s = socketRow(proto, host, port, num(r.OwningProcess));
    if (s !== null) out.push(s);
  }
  return out;
}

/** Parses `Get-NetUDPEndpoint | Select-Object LocalAddress,LocalPort,OwningProcess | ConvertTo-Json`. */
export function parseGetNetUdpEndpoint(json: string): PlatformSocket[] {
  return parseGetNetTcpConnection(json, 'udp');
}

/** Parses `Get-Process [-IncludeUserName] | Select-Object Id,ProcessName,Path,UserName | ConvertTo-Json` into pid → process. */
export function parseGetProcess(json: string): Map<number, WindowsProcess> {
  const out = new Map<number, WindowsProcess>();
  for (const r of jsonRecords(json)) {
    const pid = num(r.Id);
    const name = str(r.ProcessName);
    if (pid === undefined || name === undefined) continue;
    // Path and UserName are null for protected processes and whenever the shell is not elevated.
    const exe = str(r.Path);
    const user = str(r.UserName);
    out.set(pid, { pid, process: name, ...(exe !== undefined && { exe }), ...(user !== undefined && { user }) });
  }
  return out;
}

/**
 * Parses `netstat -ano`: TCP rows whose foreign end is the wildcard with port 0 (a listener,
 * told apart without reading the State column, which Windows translates: LISTENING, ABHÖREN,
 * ESCUCHANDO…) and every UDP row. Headers, in whatever language, are skipped.
 */
export function parseNetstatAno(text: string): PlatformSocket[] {
  const out: PlatformSocket[] = [];
  for (const raw of text.split('\n')) {
    const tokens = raw.trim().split(/\s+/);
    const proto = tokens[0] === 'TCP' ? 'tcp' : tokens[0] === 'UDP' ? 'udp' : undefined;
    if (proto === undefined) continue;
    const local = splitHostPort(tokens[1] ?? '');
    const pid = num(tokens[tokens.length - 1]);
    if (local === null || local.family === undefined || pid === undefined) continue;
    if (proto === 'tcp') {
      const foreign = splitHostPort(tokens[2] ?? '');
      if (foreign === null || foreign.port !== 0 || (foreign.host !== '0.0.0.0' && foreign.host !== '::')) continue;
    }
    const s = socketRow(proto, local.host, local.port, pid);
    if (s !== null) out.push(s);
  }
  return out;
}

/** Splits one RFC 4180-style CSV line (tasklist quotes every field and doubles inner quotes). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = '';
      i++;
      while (i < line.length) {
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            v += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += line[i];
        i++;
      }
      fields.push(v);
      // Skip up to and past the next comma.
      const comma = line.indexOf(',', i);
      i = comma < 0 ? line.length + 1 : comma + 1;
    } else {
      const comma = line.indexOf(',', i);
      fields.push(line.slice(i, comma < 0 ? undefined : comma));
      i = comma < 0 ? line.length + 1 : comma + 1;
    }
  }
  return fields;
}

/** Parses `tasklist /FO CSV /NH` ("Image Name","PID","Session Name","Session#","Mem Usage") into pid → process name. */
export function parseTasklistCsv(text: string): Map<number, WindowsProcess> {
  const out = new Map<number, WindowsProcess>();
  for (const raw of text.replace(/^\uFEFF/, '').split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') continue;
    const [image, pidText] = csvFields(line);
    const pid = num(pidText);
    // A header row (tasklist without /NH) has 'PID' here, in any language, and is skipped.
    if (image === undefined || image === '' || pid === undefined) continue;
    // Without '.exe', so the netstat fallback names processes as the PowerShell path does and a
    // baseline taken one way still matches an audit made the other way.
    out.set(pid, { pid, process: image.replace(/\.exe$/i, '') });
  }
  return out;
}

/** Returns the rows with process, exe and user filled in from a pid → process map. */
export function withProcesses(rows: readonly PlatformSocket[], procs: ReadonlyMap<number, WindowsProcess>): PlatformSocket[] {
  return rows.map((s) => {
    const p = s.pid === undefined ? undefined : procs.get(s.pid);
    if (p === undefined) return s;
    return { ...s, process: p.process, ...(p.exe !== undefined && { exe: p.exe }), ...(p.user !== undefined && { user: p.user }) };
  });
}
