/**
 * The one error module. Every error Portcullis raises on purpose is a PortcullisError with a
 * stable `code` that users and scripts can match on; docs/reference/errors.md describes each
 * code and how to fix it, and test/unit/errors.test.ts keeps the two in step.
 */

/** Every stable error code, with its exit code and a one-line description for the docs. */
export const ERROR_CODES = {
  PC_INVALID_TARGET: { exit: 2, summary: 'A target (address, CIDR, range or hostname) could not be parsed.' },
  PC_INVALID_PORT: { exit: 2, summary: 'A port specification could not be parsed or names an impossible port.' },
  PC_INVALID_OPTION: { exit: 2, summary: 'A command-line flag or library option is unknown, missing its value or out of range.' },
  PC_EMPTY_INPUT: { exit: 2, summary: 'An input file or list held no targets or no ports.' },
  PC_INPUT_FILE: { exit: 2, summary: 'An input file (-iL, --excludefile) could not be read.' },
  PC_RANGE_TOO_LARGE: { exit: 2, summary: 'The targets times the ports exceed what one scan can address.' },
  PC_UNRESOLVED: { exit: 1, summary: 'A hostname could not be resolved; the scan goes on with the other targets.' },
  PC_PRIVILEGE: { exit: 2, summary: 'The scan type needs raw sockets (root or CAP_NET_RAW, and the optional native addon), which this process does not have.' },
  PC_OUTPUT_FILE: { exit: 2, summary: 'An output file could not be opened or written.' },
  PC_SIGNATURE_DATA: { exit: 70, summary: 'A service signature file (-sV data) is malformed: a bad regex, an unknown probe, a duplicate id.' },
  PC_POLICY: { exit: 2, summary: 'A policy file (audit and firewall) is malformed or contradicts itself; the message names the line and the field.' },
  PC_BASELINE: { exit: 2, summary: 'A baseline file (audit --baseline) could not be read or is not a Portcullis baseline.' },
  PC_AUDIT_SOURCE: { exit: 1, summary: "The machine's socket tables could not be read (no /proc, lsof or netstat to ask)." },
  PC_FIREWALL_APPLY: { exit: 1, summary: 'The firewall tool (nft, iptables-restore) refused to load or restore a ruleset; nothing was left half-changed.' },
  PC_FIREWALL_STATE: { exit: 2, summary: 'The firewall apply state is in the way: an unconfirmed apply is pending, nothing is pending, or the state file is corrupt.' },
  PC_ABORTED: { exit: 130, summary: 'The scan was interrupted (SIGINT, SIGTERM or an AbortSignal).' },
  PC_INTERNAL: { exit: 70, summary: 'A bug in Portcullis; please report it with the command line.' },
} as const;

/** A stable error code, such as `PC_INVALID_TARGET`. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** A user-facing text in both languages Portcullis speaks. */
export interface Bilingual {
  readonly en: string;
  readonly es: string;
}

/** Builds a Bilingual text. */
export function t(en: string, es: string): Bilingual {
  return { en, es };
}

function en(x: string | Bilingual): string {
  return typeof x === 'string' ? x : x.en;
}

function es(x: string | Bilingual): string {
  return typeof x === 'string' ? x : x.es;
}

/** An error raised by Portcullis on purpose, with a stable code and the exit code it maps to. */
export class PortcullisError extends Error {
  override readonly name = 'PortcullisError';
  readonly code: ErrorCode;
  /** The piece of input that was wrong, when there is one (a target, a port, a flag). */
  readonly subject: string | undefined;
  /** The message in Spanish (`message` is English). */
  readonly messageEs: string;

  constructor(code: ErrorCode, message: string | Bilingual, options?: { subject?: string; cause?: unknown }) {
    super(en(message), options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.subject = options?.subject;
    this.messageEs = es(message);
  }

  /** The message in the given language. */
  localized(lang: 'en' | 'es'): string {
    return lang === 'es' ? this.messageEs : this.message;
  }

  /** The process exit code this error maps to. */
  get exitCode(): number {
    return ERROR_CODES[this.code].exit;
  }
}

/** True when `err` is a PortcullisError (optionally with the given code). */
export function isPortcullisError(err: unknown, code?: ErrorCode): err is PortcullisError {
  return err instanceof PortcullisError && (code === undefined || err.code === code);
}

/** Shorthand for `new PortcullisError('PC_INVALID_TARGET', ...)` with the usual message shape. */
export function invalidTarget(text: string, why: string | Bilingual): PortcullisError {
  return new PortcullisError('PC_INVALID_TARGET', t(`invalid target "${text}": ${en(why)}`, `objetivo no válido "${text}": ${es(why)}`), { subject: text });
}

/** Shorthand for `new PortcullisError('PC_INVALID_PORT', ...)` with the usual message shape. */
export function invalidPort(text: string, why: string | Bilingual): PortcullisError {
  return new PortcullisError('PC_INVALID_PORT', t(`invalid port specification "${text}": ${en(why)}`, `especificación de puertos no válida "${text}": ${es(why)}`), { subject: text });
}

/** Shorthand for `new PortcullisError('PC_INVALID_OPTION', ...)` with the usual message shape. */
export function invalidOption(flag: string, why: string | Bilingual): PortcullisError {
  return new PortcullisError('PC_INVALID_OPTION', t(`invalid option ${flag}: ${en(why)}`, `opción no válida ${flag}: ${es(why)}`), { subject: flag });
}
