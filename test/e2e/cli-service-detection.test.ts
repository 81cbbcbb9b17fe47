import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { signatureDb } from '../../src/identify/signatures/index.js';
import { runCli } from '../helpers/cli.js';
import { parseCsv } from '../helpers/csv.js';
import { HOSTILE_KINDS, startHostileServers } from '../helpers/hostile-servers.js';
import { startReplay, type ReplayServer } from '../helpers/replay-servers.js';
import { loadServiceFixtures } from '../helpers/service-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'pc-sv-'));
const DTD = '/usr/share/nmap/nmap.dtd';
const hasXmllint = spawnSync('sh', ['-c', 'command -v xmllint']).status === 0 && existsSync(DTD);
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats.default(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(new URL('../../docs/reference/ndjson.schema.json', import.meta.url), 'utf8')) as object);


test('cli -sV identifies replayed services, survives hostile ones within --version-timeout, and every output stays escaped', async () => {
  const db = signatureDb();
  const fixtures = loadServiceFixtures();
  const pick = (file: string) => fixtures.find((f) => f.file === file)!;
  const replays: ReplayServer[] = [];
  for (const file of ['ssh-openssh-debian.json', 'redis-info.json', 'https-nginx.json']) replays.push(await startReplay(pick(file), db.probeByName.get(pick(file).probe)!.bytes));
  const hostile = await startHostileServers();
  try {
    const ports = [...replays.map((r) => r.port), ...HOSTILE_KINDS.map((k) => hostile.ports[k])];
    const base = join(dir, 'sv');
    const t0 = performance.now();
    const r = await runCli(['scan', '-sT', '-Pn', '-sV', '--version-timeout', '6s', '--explain', '-p', ports.join(','), '-oX', `${base}.xml`, '-oJ', `${base}.ndjson`, '-oC', `${base}.csv`, '127.0.0.1']);
    const ms = performance.now() - t0;
    assert.equal(r.code, 0, r.stderr);
    // Every port ran in parallel, each within its 6 s budget (plus one connect and Node's start-up).
    assert.ok(ms < 20_000, `took ${Math.round(ms)} ms`);

    // Terminal: the VERSION column, the identified products, and no control character at all.
    assert.match(r.stdout, /^PORT\s+STATE\s+SERVICE\s+VERSION$/m);
    assert.match(r.stdout, new RegExp(`^${replays[0]!.port}/tcp\\s+open\\s+ssh\\s+OpenSSH 9\\.2p1 \\(Debian`, 'm'));
    assert.match(r.stdout, new RegExp(`^${replays[1]!.port}/tcp\\s+open\\s+\\S+\\s+Redis key-value store 7\\.0\\.15`, 'm'));
    assert.match(r.stdout, new RegExp(`^${replays[2]!.port}/tcp\\s+open\\s+ssl/http\\s+nginx 1\\.22\\.1`, 'm'));
    assert.match(r.stdout, /^\|.*tls: TLSv1\.[23] .*CN=service\.portcullis\.test.*self-signed/m);
    assert.match(r.stdout, /risk \((?:info|low|medium|high|critical)\): /, '--explain adds the risk text');
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(r.stdout, /[\u0000-\u0008\u000b-\u001f\u007f]/);

    // NDJSON: every record valid; probed services, TLS details, risk on open ports.
    const recs = readFileSync(`${base}.ndjson`, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const rec of recs) assert.ok(validate(rec), `${JSON.stringify(rec).slice(0, 200)}: ${ajv.errorsText(validate.errors)}`);
    assert.equal(recs[0]!['service_detection'], true);
    const byPort = new Map(recs.filter((x) => x['type'] === 'port').map((x) => [x['port'] as number, x]));
    const ssh = byPort.get(replays[0]!.port)! as { service: Record<string, unknown>; risk: Record<string, unknown> };
    assert.deepEqual([ssh.service['name'], ssh.service['product'], ssh.service['version'], ssh.service['method'], ssh.service['confidence']], ['ssh', 'OpenSSH', '9.2p1', 'probed', 10]);
    assert.equal(ssh.risk['service'], 'ssh');
    const https = byPort.get(replays[2]!.port)! as { tls: { cert: Record<string, unknown> } };
    assert.equal(https.tls.cert['common_name'], 'service.portcullis.test');
    const ansi = byPort.get(hostile.ports['ansi-banner'])! as { service: Record<string, string> };
    assert.equal(ansi.service['name'], 'ssh');
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(JSON.stringify(ansi.service), /[\u0000-\u001f]|\\u00(1b|07|00)/);

    // XML: well-formed, valid against nmap's DTD when present, service attributes as nmap writes them.
    const xml = readFileSync(`${base}.xml`, 'utf8');
    assert.equal(XMLValidator.validate(xml), true);
    if (hasXmllint) execFileSync('xmllint', ['--noout', '--dtdvalid', DTD, `${base}.xml`], { stdio: 'pipe' });
    assert.match(xml, /<service name="ssh" product="OpenSSH" version="9\.2p1" extrainfo="Debian [^"]*" ostype="Linux" method="probed" conf="10"><cpe>cpe:\/a:openbsd:openssh:9\.2p1<\/cpe><\/service>/);
    assert.match(xml, /<service name="http" product="nginx" version="1\.22\.1" extrainfo="[^"]*" tunnel="ssl" method="probed" conf="10">/);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(xml) as object;
    assert.ok(doc);
    assert.ok(!xml.includes('\u001b') && !xml.includes('<b>'), 'markup and escapes from a banner never reach the XML raw');

    // CSV: RFC 4180, formula-looking cells defused.
    const rows = parseCsv(readFileSync(`${base}.csv`, 'utf8'));
    const head = rows[0]!;
    const extra = head.indexOf('extrainfo');
    const ansiRow = rows.find((row) => row[2] === String(hostile.ports['ansi-banner']))!;
    assert.ok(ansiRow[extra]!.startsWith("'="), `formula defused: ${ansiRow[extra]}`);
    for (const row of rows.slice(1)) assert.equal(row.length, head.length);
  } finally {
    await hostile.close();
    for (const s of replays) await s.close();
  }
});
