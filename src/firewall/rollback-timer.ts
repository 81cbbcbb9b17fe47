/**
 * The rollback timer: a detached process started by applyRendered
 * (`node rollback-timer.js --state-dir DIR --id ID`). It outlives the CLI and the SSH session that
 * ran it, sleeps until the apply's deadline, and then restores the saved ruleset unless the state
 * says confirmed (or belongs to another apply). It runs in the network namespace it was started
 * in, which is the one whose firewall was changed. Everything it does goes to the log in DIR,
 * since nobody is left to read its stdout.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { timedRollback } from './apply.js';
import { logLine, readState } from './state.js';

function arg(argv: readonly string[], name: string): string | undefined {
  const k = argv.indexOf(name);
  return k >= 0 ? argv[k + 1] : undefined;
}

/** The timer's main: returns its exit code (0 done or stood down, 1 rollback failed, 2 bad arguments). */
export async function runTimer(argv: readonly string[]): Promise<number> {
  const dir = arg(argv, '--state-dir');
  const id = arg(argv, '--id');
  if (dir === undefined || id === undefined) return 2;
  let stopping = false;
  process.once('SIGTERM', () => {
    // Sent by confirm or rollback; they hold the lock, so no rollback of ours is under way.
    stopping = true;
    logLine(dir, `timer for ${id}: stopped (confirm or rollback)`);
    // The listener was a `once`: raising the signal again ends the process by its default action.
    process.kill(process.pid, 'SIGTERM');
  });
  // SIGHUP from a dropped terminal should never reach a detached session, but ignore it anyway.
  process.on('SIGHUP', () => undefined);
  try {
    for (;;) {
      const s = readState(dir);
      if (s === undefined || s.id !== id) {
        logLine(dir, `timer for ${id}: apply gone, nothing to do`);
        return 0;
      }
      if (s.confirmed || s.deadline === null) {
        logLine(dir, `timer for ${id}: confirmed, standing down`);
        return 0;
      }
      const wait = Date.parse(s.deadline) - Date.now();
      if (wait > 0) {
        // Sleep in slices: a suspended laptop or a clock step must not stretch the deadline.
        await new Promise((r) => setTimeout(r, Math.min(wait, 1000)));
        continue;
      }
      if (stopping) return 0;
      const r = await timedRollback({ stateDir: dir, id });
      logLine(dir, `timer for ${id}: ${r}`);
      if (r !== 'early') return 0;
    }
  } catch (err) {
    logLine(dir, `timer for ${id}: ERROR ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

function isMain(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  runTimer(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    () => {
      process.exitCode = 1;
    },
  );
}
