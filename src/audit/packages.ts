/**
 * Which installed package owns an executable (dpkg on Debian and Ubuntu, rpm on Fedora, RHEL and
 * SUSE). Asked once for every executable of the audit. The parsers are pure and exported for the
 * tests; the lookup is the only I/O.
 */
import { execFile } from 'node:child_process';

/** The paths under which a merged-/usr system may have registered a file (/usr/bin/x ↔ /bin/x). */
export function pathAliases(path: string): string[] {
  const out = [path];
  const m = /^\/usr\/(bin|sbin|lib|lib32|lib64|libx32)\/(.+)$/.exec(path);
  if (m !== null) out.push(`/${m[1]}/${m[2]}`);
  const n = /^\/(bin|sbin|lib|lib32|lib64|libx32)\/(.+)$/.exec(path);
  if (n !== null) out.push(`/usr/${n[1]}/${n[2]}`);
  return out;
}

/** Parses `dpkg-query -S PATH...` output ("pkg[, pkg2]: /path", "diversion by …" lines ignored). */
export function parseDpkgSearch(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    if (line.startsWith('diversion ')) continue;
    const i = line.indexOf(': /');
    if (i <= 0) continue;
    const pkgs = line.slice(0, i).split(',').map((s) => s.trim()).filter((s) => s !== '');
    const path = line.slice(i + 2);
    if (pkgs[0] !== undefined && !out.has(path)) out.set(path, pkgs[0]);
  }
  return out;
}

/** Parses `rpm -qf --qf '%{NAME}\n' PATH...` output, which answers in the order asked. */
export function parseRpmQuery(stdout: string, asked: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  stdout.split('\n').slice(0, asked.length).forEach((line, i) => {
    const path = asked[i];
    if (path !== undefined && line !== '' && !/is not owned by any package|No such file/.test(line)) out.set(path, line.trim());
  });
  return out;
}

function run(cmd: string, args: string[], signal: AbortSignal | undefined): Promise<{ stdout: string; ok: boolean; missing: boolean }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 20_000, maxBuffer: 16 << 20, ...(signal === undefined ? {} : { signal }) }, (err, stdout) => {
      const code = (err as NodeJS.ErrnoException | null)?.code;
      resolve({ stdout: String(stdout), ok: err === null, missing: code === 'ENOENT' });
    });
  });
}

/**
 * Owner package of each executable: a name, null when the package database has none, and
 * undefined for every path when the machine has no dpkg or rpm (then no hint is given).
 */
export async function packageOwners(exes: readonly string[], signal?: AbortSignal): Promise<((exe: string) => string | null | undefined)> {
  const unique = [...new Set(exes)];
  if (unique.length === 0) return () => undefined;
  const asked = unique.flatMap(pathAliases);
  const dpkg = await run('dpkg-query', ['-S', ...asked], signal);
  if (!dpkg.missing) {
    const found = parseDpkgSearch(dpkg.stdout);
    return (exe) => {
      for (const p of pathAliases(exe)) {
        const pkg = found.get(p);
        if (pkg !== undefined) return pkg;
      }
      return unique.includes(exe) ? null : undefined;
    };
  }
  const rpm = await run('rpm', ['-qf', '--qf', '%{NAME}\n', ...unique], signal);
  if (!rpm.missing) {
    const found = parseRpmQuery(rpm.stdout, unique);
    return (exe) => found.get(exe) ?? (unique.includes(exe) ? null : undefined);
  }
  return () => undefined;
}
