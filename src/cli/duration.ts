/** nmap-style durations: "500ms", "2s", "1.5m", "1h"; a bare number is seconds, as in nmap. */
import { invalidOption, t } from '../core/errors.js';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, '': 1000 };

/** Parses a duration to milliseconds; `flag` names the option in errors. */
export function parseDuration(text: string, flag = 'duration'): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (m === null) throw invalidOption(flag, t(`"${text}" is not a duration (examples: 500ms, 2s, 1.5m, 1h)`, `"${text}" no es una duración (ejemplos: 500ms, 2s, 1.5m, 1h)`));
  return Number(m[1]) * UNIT_MS[m[2] ?? '']!;
}
