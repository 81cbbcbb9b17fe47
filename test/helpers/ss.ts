/** What the OS says listens, from `ss -ltnH` (iproute2): ground truth for loopback scans. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** TCP ports listening on `address` (or on the wildcard address of its family). */
export async function listeningPorts(address: '127.0.0.1' | '::1'): Promise<Set<number>> {
  const { stdout } = await promisify(execFile)('ss', ['-ltnH']);
  const out = new Set<number>();
  for (const line of stdout.split('\n')) {
    const local = line.trim().split(/\s+/)[3];
    if (local === undefined) continue;
    const i = local.lastIndexOf(':');
    const addr = local.slice(0, i).replace(/^\[|\]$/g, '').replace(/%.*$/, '');
    const port = Number(local.slice(i + 1));
    const v6 = address === '::1';
    const wildcard = v6 ? addr === '::' || addr === '*' : addr === '0.0.0.0' || addr === '*' || addr === '::' /* dual-stack */;
    if (addr === address || wildcard) out.add(port);
  }
  return out;
}
