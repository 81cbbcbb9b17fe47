/**
 * The risk explanation of one service as a block of terminal text (for --explain): a header
 * with the service and its risk level, the summary and the reason wrapped to the terminal's
 * width, and the fix steps as a numbered list with hanging indents. Pure: string in, string out.
 */
import { createRequire } from 'node:module';
import type { createColors as CreateColors } from 'picocolors';
import type { RiskInfo, RiskLevel } from '../identify/risk.js';
import { escapeTerminal } from './escape.js';

// Loaded through require, not import: see src/core/ip.ts for why.
const { createColors } = createRequire(import.meta.url)('picocolors') as { createColors: typeof CreateColors };

/** Options of formatExplanation. */
export interface ExplainOptions {
  /** Colour the level and the literal config text (`...` spans, shown without the backticks). */
  readonly color: boolean;
  /** Columns to wrap at; 80 when absent, never fewer than 40. */
  readonly width?: number | undefined;
}

const LABELS = {
  en: {
    risk: 'risk',
    why: 'Why it matters:',
    fix: 'How to close or restrict it:',
    sources: 'Sources:',
    byPort: '(identified by its usual port)',
    level: { info: 'INFO', low: 'LOW', medium: 'MEDIUM', high: 'HIGH', critical: 'CRITICAL' },
  },
  es: {
    risk: 'riesgo',
    why: 'Por qué importa:',
    fix: 'Cómo cerrarlo o restringirlo:',
    sources: 'Fuentes:',
    byPort: '(identificado por su puerto habitual)',
    level: { info: 'INFORMATIVO', low: 'BAJO', medium: 'MEDIO', high: 'ALTO', critical: 'CRÍTICO' },
  },
} as const satisfies Record<'en' | 'es', unknown>;

const INDENT = '  ';

/**
 * Splits `text` into lines of at most `width` characters, breaking at spaces. Spaces inside a
 * code span (`inCode`) do not break, so a directive such as `bind 127.0.0.1 ::1` stays on one
 * line to be copied, unless the span alone is wider than a line. A word longer than the width
 * gets a line of its own rather than being cut. Returns [start, end) ranges into `text`.
 */
function wrapRanges(text: string, width: number, inCode: readonly boolean[]): [number, number][] {
  // Tokens: runs of characters between breakable spaces.
  const tokens: [number, number][] = [];
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const breakable = i === text.length || (/\s/.test(text[i]!) && !(inCode[i] ?? false));
    if (breakable) {
      if (start >= 0) tokens.push([start, i]);
      start = -1;
    } else if (start < 0) start = i;
  }
  // A code span wider than a line falls back to breaking at its spaces.
  const words = tokens.flatMap(([s, e]) =>
    e - s <= width ? [[s, e] as [number, number]] : [...text.slice(s, e).matchAll(/\S+/g)].map((m) => [s + m.index, s + m.index + m[0].length] as [number, number]),
  );
  const out: [number, number][] = [];
  let line: [number, number] | undefined;
  for (const [s, e] of words) {
    if (line === undefined) line = [s, e];
    else if (e - line[0] <= width) line[1] = e;
    else {
      out.push(line);
      line = [s, e];
    }
  }
  if (line !== undefined) out.push(line);
  return out;
}

/**
 * Wraps one paragraph with `first` before its first line and `rest` before the others. With
 * colour, `...` spans lose their backticks and are coloured instead; the wrap is computed on
 * the text as shown, so widths stay right.
 */
function paragraph(raw: string, width: number, first: string, rest: string, code: ((s: string) => string) | undefined): string[] {
  const safe = escapeTerminal(raw);
  // Which UTF-16 units of the shown text are inside a code span; backticks count as inside
  // when they are shown, and are dropped when colour marks the span instead.
  let shown = '';
  const mask: boolean[] = [];
  let open = false;
  for (const ch of safe) {
    if (ch === '`') {
      open = !open;
      if (code !== undefined) continue;
      shown += ch;
      mask.push(true);
      continue;
    }
    shown += ch;
    for (let k = 0; k < ch.length; k++) mask.push(open);
  }
  const avail = Math.max(10, width - first.length);
  return wrapRanges(shown, avail, mask).map(([s, e], i) => {
    let body = shown.slice(s, e);
    if (code !== undefined) {
      body = '';
      let run = '';
      let runCode = false;
      for (let k = s; k < e; k++) {
        const c = mask[k] ?? false;
        if (c !== runCode && run !== '') {
          body += runCode ? code(run) : run;
          run = '';
        }
        runCode = c;
        run += shown[k] ?? '';
      }
      body += runCode ? code(run) : run;
    }
    return (i === 0 ? first : rest) + body;
  });
}

/** The colour of a risk level's label. */
function levelColor(c: ReturnType<typeof CreateColors>, level: RiskLevel): (s: string) => string {
  switch (level) {
    case 'critical':
      return (s) => c.bold(c.red(s));
    case 'high':
      return c.red;
    case 'medium':
      return c.yellow;
    case 'low':
      return c.cyan;
    case 'info':
      return c.dim;
  }
}

/**
 * Renders a risk explanation for the terminal, e.g.
 *
 *     redis: risk CRITICAL
 *       Redis is an in-memory database, ...
 *       Why it matters: Redis is built for trusted networks: ...
 *       How to close or restrict it:
 *         1. If only programs on this machine use it, ...
 *       Sources: redis-security, cisa-aa23-278a
 *
 * No trailing newline. Text is escaped for the terminal like every other field.
 */
export function formatExplanation(risk: RiskInfo, opts: ExplainOptions): string {
  // NaN, Infinity or a tiny terminal: fall back to something readable.
  const asked = opts.width !== undefined && Number.isFinite(opts.width) ? Math.floor(opts.width) : 80;
  const width = Math.max(40, asked);
  const c = createColors(opts.color);
  const l = LABELS[risk.lang];
  const code = opts.color ? c.cyan : undefined;
  const lines: string[] = [];

  const levelText = levelColor(c, risk.level)(l.level[risk.level]);
  const service = escapeTerminal(risk.service);
  const head = `${c.bold(service)}: ${l.risk} ${levelText}`;
  if (risk.matchedBy !== 'port') lines.push(head);
  else if ([...`${service}: ${l.risk} ${l.level[risk.level]} ${l.byPort}`].length <= width) lines.push(`${head} ${c.dim(l.byPort)}`);
  // Too long for one line (a long service name in Spanish on a narrow terminal): the note goes below.
  else lines.push(head, INDENT + c.dim(l.byPort));
  lines.push(...paragraph(risk.summary, width, INDENT, INDENT, code));
  const whyLines = paragraph(`${l.why} ${risk.why}`, width, INDENT, INDENT, code);
  // Minimum width 40 keeps the label whole on the first line, so it can be styled in place.
  if (opts.color && whyLines[0] !== undefined) whyLines[0] = INDENT + c.bold(l.why) + whyLines[0].slice(INDENT.length + l.why.length);
  lines.push(...whyLines);
  lines.push(INDENT + (opts.color ? c.bold(l.fix) : l.fix));
  const numWidth = String(risk.fix.length).length;
  risk.fix.forEach((step, i) => {
    const num = `${String(i + 1).padStart(numWidth)}. `;
    lines.push(...paragraph(step, width, INDENT + INDENT + num, INDENT + INDENT + ' '.repeat(num.length), code));
  });
  if (risk.sources.length > 0) {
    lines.push(...paragraph(`${l.sources} ${risk.sources.join(', ')}`, width, INDENT, INDENT + INDENT, undefined).map((s) => (opts.color ? c.dim(s) : s)));
  }
  return lines.join('\n');
}
