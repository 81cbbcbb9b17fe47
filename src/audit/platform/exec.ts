/**
 * The one way the platform sources run a tool: execFile with a timeout, a buffer cap and the
 * caller's AbortSignal, no shell.
 */
import { execFile } from 'node:child_process';

/** Options for runTool. */
export interface RunToolOptions {
  readonly signal?: AbortSignal;
  /** Milliseconds before the tool is killed; lsof on a busy Mac can take a few seconds. */
  readonly timeoutMs?: number;
  /** Exit codes whose stdout is still good (lsof exits 1 when a selection matched nothing). */
  readonly okExitCodes?: readonly number[];
}

/** Runs a tool without a shell and resolves with its stdout (UTF-8). */
export function runTool(file: string, args: readonly string[], opts: RunToolOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { encoding: 'utf8', timeout: opts.timeoutMs ?? 15_000, maxBuffer: 64 << 20, windowsHide: true, ...(opts.signal !== undefined && { signal: opts.signal }) },
      (err, stdout) => {
        if (err === null) return resolve(stdout);
        const code = (err as { code?: unknown }).code;
        if (typeof code === 'number' && opts.okExitCodes?.includes(code) === true) return resolve(stdout);
        reject(err instanceof Error ? err : new Error(`${file} failed`, { cause: err }));
      },
    );
  });
}
