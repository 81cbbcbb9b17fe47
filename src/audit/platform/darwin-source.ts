/**
 * macOS socket source: the only I/O of the darwin audit. One lsof run lists the sockets
 * (LSOF_ARGS, field output); a second lists each owning process's first 'txt' file, which on
 * macOS is its executable. lsof rather than `ps -o comm=`, because macOS ps prints argv[0]
 * there ('-zsh', 'node'), not the executable's path. Without root lsof only sees the
 * caller's own processes; the audit says so rather than failing.
 */
import { PortcullisError, t } from '../../core/errors.js';
import { runTool } from './exec.js';
import { LSOF_ARGS, parseLsof, parseLsofTxt, withExe } from './lsof.js';
import type { PlatformSocket } from './types.js';

/** Reads the listening TCP and bound UDP sockets of this Mac through lsof. */
export async function readDarwinSockets(signal?: AbortSignal): Promise<PlatformSocket[]> {
  let text: string;
  try {
    // Exit 1 with empty output means no socket matched, which is an answer, not a failure.
    text = await runTool('lsof', LSOF_ARGS, { okExitCodes: [1], ...(signal !== undefined && { signal }) });
  } catch (err) {
    if (signal?.aborted === true) throw err;
    throw new PortcullisError('PC_AUDIT_SOURCE', t('lsof could not be run to list sockets.', 'No se pudo ejecutar lsof para listar los sockets.'), { subject: 'lsof', cause: err });
  }
  const rows = parseLsof(text);
  const pids = [...new Set(rows.flatMap((s) => (s.pid === undefined ? [] : [s.pid])))];
  if (pids.length === 0) return rows;
  try {
    const txt = await runTool('lsof', ['-n', '-P', '-a', '-p', pids.join(','), '-d', 'txt', '-Fpn'], { okExitCodes: [1], ...(signal !== undefined && { signal }) });
    return withExe(rows, parseLsofTxt(txt));
  } catch (err) {
    if (signal?.aborted === true) throw err;
    // Executable paths are a nicety; the sockets are still worth reporting without them.
    return rows;
  }
}
