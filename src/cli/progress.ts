/**
 * The live progress line on stderr: percentage, probe rate and ETA, shown only on a TTY (or
 * with --progress) and only once a scan has run for a second, so quick scans stay quiet.
 */
import { createRequire } from 'node:module';
import type cliProgressType from 'cli-progress';

// Loaded through require, not import (see src/core/ip.ts), and only when a bar is shown.
let cliProgress: typeof cliProgressType | undefined;
function loadCliProgress(): typeof cliProgressType {
  return (cliProgress ??= createRequire(import.meta.url)('cli-progress') as typeof cliProgressType);
}

/** What the progress line reads from the engine. */
export interface ProgressSource {
  readonly pairsDone: number;
  readonly totalPairs: number;
  readonly probesSent: number;
}

/** Starts the progress line; returns a stop function that clears it. */
export function startProgress(stream: NodeJS.WriteStream, source: () => ProgressSource | undefined, lang: 'en' | 'es'): () => void {
  const label = lang === 'es' ? { rate: 'sondas/s', eta: 'quedan' } : { rate: 'probes/s', eta: 'ETA' };
  let bar: InstanceType<typeof cliProgressType.SingleBar> | undefined;
  const started = performance.now();
  let lastProbes = 0;
  let lastAt = started;
  let rate = 0;
  const tick = (): void => {
    const s = source();
    if (s === undefined) return;
    const now = performance.now();
    if (now - started < 1000) return;
    const dt = (now - lastAt) / 1000;
    if (dt > 0) rate = rate === 0 ? (s.probesSent - lastProbes) / dt : 0.7 * rate + (0.3 * (s.probesSent - lastProbes)) / dt;
    lastProbes = s.probesSent;
    lastAt = now;
    if (bar === undefined) {
      const cp = loadCliProgress();
      bar = new cp.SingleBar(
        {
          stream,
          format: `{bar} {percentage}% | {value}/{total} | {rate} ${label.rate} | ${label.eta} {eta_formatted}`,
          hideCursor: false,
          clearOnComplete: true,
          etaBuffer: 50,
          barsize: 24,
          noTTYOutput: !stream.isTTY,
          notTTYSchedule: 5000,
        },
        cp.Presets.shades_classic,
      );
      bar.start(Math.max(1, s.totalPairs), s.pairsDone, { rate: Math.round(rate) });
    }
    bar.update(s.pairsDone, { rate: Math.round(rate) });
  };
  const timer = setInterval(tick, 250);
  timer.unref();
  return () => {
    clearInterval(timer);
    bar?.stop();
  };
}
