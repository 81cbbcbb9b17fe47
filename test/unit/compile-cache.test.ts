import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cacheBase, isPrivateDir, type DirFacts } from '../../src/cli/compile-cache.js';

const dir = (o: Partial<DirFacts>): DirFacts => ({ isDirectory: true, isSymbolicLink: false, uid: 1000, mode: 0o40700, ...o });

test('isPrivateDir: only a real directory of ours that nobody else can write', () => {
  const cases: [string, DirFacts, boolean][] = [
    ['0700, ours', dir({}), true],
    ['0755, ours (others may read, not write)', dir({ mode: 0o40755 }), true],
    ['0775: group-writable', dir({ mode: 0o40775 }), false],
    ['0777: world-writable', dir({ mode: 0o40777 }), false],
    ['1777 (like /tmp)', dir({ mode: 0o41777 }), false],
    ['0702: other-writable only', dir({ mode: 0o40702 }), false],
    ["someone else's", dir({ uid: 0 }), false],
    ['a symbolic link', dir({ isSymbolicLink: true, isDirectory: false }), false],
    ['a file', dir({ isDirectory: false, mode: 0o100600 }), false],
  ];
  for (const [what, d, want] of cases) assert.equal(isPrivateDir(d, 1000), want, what);
});

test('cacheBase: XDG_CACHE_HOME when absolute, else ~/.cache; none on Windows or without a home', () => {
  const cases: [Record<string, string | undefined>, string, NodeJS.Platform, string | null][] = [
    [{}, '/home/ana', 'linux', '/home/ana/.cache'],
    [{ XDG_CACHE_HOME: '/var/cache/ana' }, '/home/ana', 'linux', '/var/cache/ana'],
    [{ XDG_CACHE_HOME: 'relative/dir' }, '/home/ana', 'linux', '/home/ana/.cache'],
    [{ XDG_CACHE_HOME: '' }, '/home/ana', 'darwin', '/home/ana/.cache'],
    [{}, 'C:\\Users\\ana', 'win32', null],
    [{}, '', 'linux', null],
  ];
  for (const [env, home, platform, want] of cases) assert.equal(cacheBase(env, home, platform), want, JSON.stringify({ env, home, platform }));
});
