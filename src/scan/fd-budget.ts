/**
 * How many sockets the scan may hold open at once: the real open-file limit (RLIMIT_NOFILE,
 * read from /proc/self/limits where there is one) minus what is open already and a reserve
 * for output files. EMFILE is still handled as back-pressure; this just avoids meeting it.
 */
import { readFileSync, readdirSync } from 'node:fs';

/** Descriptors kept free for output files, DNS, workers and the runtime. */
const RESERVE = 48;
/** Assumed soft limit where the OS does not tell (macOS and Windows defaults are around 256-8192). */
const FALLBACK_LIMIT = 256;

/** Parses the soft "Max open files" value out of /proc/PID/limits text; undefined if absent. */
export function parseOpenFileLimit(limitsText: string): number | undefined {
  for (const line of limitsText.split('\n')) {
    if (!line.startsWith('Max open files')) continue;
    const soft = line.slice('Max open files'.length).trim().split(/\s+/)[0];
    if (soft === 'unlimited') return Number.MAX_SAFE_INTEGER;
    const n = Number(soft);
    return Number.isFinite(n) && n > 0 ? n : undefined;
  }
  return undefined;
}

/** Sockets this process may still open, at least 1. */
export function socketBudget(): number {
  let limit = FALLBACK_LIMIT;
  let used = 16;
  try {
    limit = parseOpenFileLimit(readFileSync('/proc/self/limits', 'utf8')) ?? FALLBACK_LIMIT;
    used = readdirSync('/proc/self/fd').length;
  } catch {
    // Not Linux: keep the conservative fallback.
  }
  return Math.max(1, limit - used - RESERVE);
}
