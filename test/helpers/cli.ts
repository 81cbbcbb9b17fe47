/** Runs the portcullis CLI from source (tsx) as a child process, for end-to-end tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../src/cli/bin.ts', import.meta.url));

/** The outcome of one CLI run. */
export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Spawns the CLI; `shellPrefix` runs it through bash (e.g. "ulimit -n 256;"). */
export function spawnCli(args: readonly string[], opts: { env?: Record<string, string>; shellPrefix?: string; input?: string } = {}): ChildProcess {
  const env = { ...process.env, NO_COLOR: '1', ...opts.env };
  const child =
    opts.shellPrefix === undefined
      ? spawn(process.execPath, ['--import', 'tsx', BIN, ...args], { cwd: ROOT, env })
      : spawn('bash', ['-c', `${opts.shellPrefix} exec "$0" --import tsx "$@"`, process.execPath, BIN, ...args], { cwd: ROOT, env });
  if (opts.input !== undefined) child.stdin?.end(opts.input);
  else child.stdin?.end();
  return child;
}

/** Runs the CLI to completion and collects its output. */
export function runCli(args: readonly string[], opts: { env?: Record<string, string>; shellPrefix?: string; input?: string } = {}): Promise<CliRun> {
  const child = spawnCli(args, opts);
  return finished(child);
}

/** Collects a spawned CLI's output until it exits. */
export function finished(child: ChildProcess): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((res) => child.on('close', (code, signal) => res({ code, signal, stdout, stderr })));
}
