import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'pc-e2e-'));
const empty = join(dir, 'empty.txt');
writeFileSync(empty, '# nothing here\n\n');
const out = join(dir, 'never.xml');

const cases: { name: string; args: string[]; want: RegExp }[] = [
  { name: 'octet out of range', args: ['scan', '198.18.0.300'], want: /^portcullis: invalid target "198\.18\.0\.300": octet 300 is out of range$/ },
  { name: 'port 0', args: ['scan', '-p', '0', '127.0.0.1'], want: /port 0 is out of range/ },
  { name: 'port 65536', args: ['scan', '-p', '65536', '127.0.0.1'], want: /port 65536 is out of range/ },
  { name: 'port a-b', args: ['scan', '-p', 'a-b', '127.0.0.1'], want: /"a-b"/ },
  { name: 'empty target file', args: ['scan', '-iL', empty], want: /holds no targets/ },
  { name: 'missing target file', args: ['scan', '-iL', join(dir, 'nope.txt')], want: /cannot read input list .*ENOENT/ },
  { name: 'unknown flag', args: ['scan', '--max-retriez', '2', '127.0.0.1'], want: /unknown option --max-retriez/ },
  { name: 'bad timing', args: ['scan', '-T7', '127.0.0.1'], want: /-T/ },
  { name: 'huge range', args: ['scan', '-p-', '2001:2::/64'], want: /range too large|2\^32|too large/ },
  { name: 'bad prefix', args: ['scan', '198.18.0.0/33', '-oX', out], want: /prefix length 33/ },
  { name: 'no targets', args: ['scan', '-p', '22'], want: /no targets/ },
];

for (const c of cases) {
  test(`cli rejects ${c.name} with one line naming it and exit 2`, async () => {
    const r = await runCli(c.args);
    assert.equal(r.code, 2, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.match(lines[0] ?? '', c.want);
    assert.ok(lines.length <= 2, r.stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(r.stdout, '');
  });
}

test('cli leaves no output file behind when the input is bad', () => {
  assert.equal(existsSync(out), false);
});

test('cli warns about an unresolvable name, scans the rest, and exits 1', async () => {
  const r = await runCli(['scan', '-p', '1', 'no-such-host.invalid', '127.0.0.1']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /no-such-host\.invalid/);
  assert.match(r.stdout, /127\.0\.0\.1/);
});

test('cli reads targets from standard input with -iL - and honours --exclude', async () => {
  const r = await runCli(['scan', '-p', '1', '-iL', '-', '--exclude', '127.0.0.2', '-oJ', '-'], { input: '# loopback hosts\n127.0.0.1 127.0.0.2\n127.0.0.3\n' });
  assert.equal(r.code, 0, r.stderr);
  const hosts = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; host?: string })
    .filter((x) => x.type === 'port')
    .map((x) => x.host)
    .sort();
  assert.deepEqual(hosts, ['127.0.0.1', '127.0.0.3']);
});

test('cli errors speak Spanish with --lang es or a Spanish locale', async () => {
  const a = await runCli(['scan', '198.18.0.300'], { env: { LANG: 'es_ES.UTF-8' } });
  assert.equal(a.code, 2);
  assert.match(a.stderr, /^portcullis: objetivo no válido "198\.18\.0\.300": el octeto 300 está fuera de rango$/m);
  const b = await runCli(['scan', '--lang', 'es', '-p', '65536', '127.0.0.1']);
  assert.match(b.stderr, /el puerto 65536 está fuera de rango \(1-65535\)/);
  const c = await runCli(['scan', '--lang=es', '--max-retriez', '1']);
  assert.match(c.stderr, /opción desconocida --max-retriez \(¿quiso decir --max-retries\?\)/);
});
