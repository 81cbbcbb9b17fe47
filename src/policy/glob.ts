/**
 * The policy's executable globs: `*` matches within one path segment, `**` across any depth,
 * `?` one character other than '/'. Nothing else is special ('[', '{' are literal), so a path
 * copied from `ls` means what it says.
 */

const cache = new Map<string, RegExp>();

/** Why `pattern` is not a usable exe glob, or null when it is one. */
export function globProblem(pattern: string): string | null {
  if (pattern === '') return 'the pattern is empty';
  if (/\*{3,}/.test(pattern)) return '"***" means nothing more than "**"; write "**" or "*"';
  if (/[\0\n]/.test(pattern)) return 'the pattern holds a NUL or newline character';
  return null;
}

/** The anchored regular expression a glob stands for (compiled once per pattern). */
export function globToRegExp(pattern: string): RegExp {
  const hit = cache.get(pattern);
  if (hit !== undefined) return hit;
  let src = '';
  for (let i = 0; i < pattern.length; ) {
    if (pattern.startsWith('/**/', i)) {
      // "/usr/**/bin" also matches "/usr/bin": ** stands for zero or more directories.
      src += '/(?:.*/)?';
      i += 4;
    } else if (pattern.startsWith('**', i)) {
      src += '.*';
      i += 2;
    } else {
      const c = pattern[i]!;
      src += c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
      i += 1;
    }
  }
  const re = new RegExp(`^${src}$`, 'u');
  cache.set(pattern, re);
  return re;
}

/** Whether the executable path matches the glob. */
export function globMatches(pattern: string, path: string): boolean {
  return globToRegExp(pattern).test(path);
}
