import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDpkgSearch, parseRpmQuery, pathAliases } from '../../src/audit/packages.js';

test('pathAliases covers merged /usr both ways', () => {
  assert.deepEqual(pathAliases('/usr/bin/bash'), ['/usr/bin/bash', '/bin/bash']);
  assert.deepEqual(pathAliases('/sbin/sshd'), ['/sbin/sshd', '/usr/sbin/sshd']);
  assert.deepEqual(pathAliases('/opt/x'), ['/opt/x']);
});

test('parseDpkgSearch reads owners, first of several, and skips diversions', () => {
  // As dpkg-query -S prints on Debian 12 (recorded); "no path found" goes to stderr.
  const out = parseDpkgSearch(
    'redis-server: /usr/bin/redis-server\nmariadb-server-core: /usr/sbin/mariadbd\ndiversion by dash from: /bin/sh\ndiversion by dash to: /bin/sh.distrib\nlibc-bin, libc6: /usr/lib/x\npython3.11-minimal: /usr/bin/python3.11\n',
  );
  assert.deepEqual([...out], [
    ['/usr/bin/redis-server', 'redis-server'],
    ['/usr/sbin/mariadbd', 'mariadb-server-core'],
    ['/usr/lib/x', 'libc-bin'],
    ['/usr/bin/python3.11', 'python3.11-minimal'],
  ]);
});

test('parseRpmQuery answers in the order asked', () => {
  const out = parseRpmQuery('openssh-server\nfile /opt/x is not owned by any package\nnginx\n', ['/usr/sbin/sshd', '/opt/x', '/usr/sbin/nginx']);
  assert.deepEqual([...out], [
    ['/usr/sbin/sshd', 'openssh-server'],
    ['/usr/sbin/nginx', 'nginx'],
  ]);
});
