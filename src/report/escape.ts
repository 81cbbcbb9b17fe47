/**
 * Escaping for every sink. Hostnames, service names and (later) banners come from the network
 * and are hostile until escaped: terminal control sequences, markup, NULs, huge strings.
 */

/** Longest untrusted string any sink prints whole; the rest is cut with a marker. */
export const MAX_FIELD = 4096;

function cut(s: string): string {
  return s.length > MAX_FIELD ? `${s.slice(0, MAX_FIELD)}…[${s.length - MAX_FIELD} more]` : s;
}

/** One character as a visible escape: \x1b, or \u202e beyond Latin-1. */
function visible(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Makes a string safe for a terminal: C0/C1 controls (ESC, BEL, CR, NUL…) and DEL become
 * visible escapes such as \x1b, so no sequence reaches the terminal. Tabs and newlines too.
 */
export function escapeTerminal(s: string): string {
  // eslint-disable-next-line no-control-regex
  return cut(s).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, visible);
}

/**
 * Makes a string safe inside an XML attribute or text node. XML 1.0 cannot carry most C0
 * controls even as references, so they are written as visible \xNN text instead.
 */
export function escapeXml(s: string): string {
  return (
    cut(s)
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]/g, visible)
      .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
      .replace(/\t/g, '&#9;')
      .replace(/\n/g, '&#10;')
      .replace(/\r/g, '&#13;')
  );
}

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break; a leading
 * = + - @ (or tab/CR) gets a ' so a spreadsheet does not run it as a formula.
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  let s = cut(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
