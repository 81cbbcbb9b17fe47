/**
 * Records one service's answer to one -sV probe as a fixture under test/fixtures/services/.
 * For maintainers adding a signature: run a real server on loopback, then
 *
 *   node --import tsx scripts/record-service-fixture.ts --port 2222 --probe NULL \
 *     --name ssh-openssh-debian --origin "openssh-server 1:9.2p1-2+deb12u3, Debian 12"
 *
 * Options: --host (loopback only), --port, --probe (a probe name from the signature files),
 * --udp, --tls, --name (file name without .json), --origin (what answered), --wait ms.
 * The fixture records what the matcher says today as `expect`; check it before committing.
 * Loopback only: this script refuses any other address.
 */
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { matchAnswer } from '../src/identify/matcher.js';
import { signatureDb } from '../src/identify/signatures/index.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

const host = arg('host') ?? '127.0.0.1';
if (!/^127\.|^::1$/.test(host)) throw new Error('loopback only');
const port = Number(arg('port'));
const probeName = arg('probe') ?? 'NULL';
const udp = process.argv.includes('--udp');
const useTls = process.argv.includes('--tls');
const name = arg('name') ?? `${probeName}-${port}`;
const origin = arg('origin') ?? 'unknown';
const waitMs = Number(arg('wait') ?? 1500);
const db = signatureDb();
const probe = db.probeByName.get(probeName);
if (probe === undefined) throw new Error(`no probe ${probeName}`);

function record(answer: Buffer): void {
  const m = matchAnswer(db, probeName, answer);
  const fixture = {
    matcher: m?.matcher.id ?? null,
    probe: probeName,
    proto: udp ? 'udp' : 'tcp',
    tls: useTls,
    source: 'recorded',
    origin,
    recorded: new Date().toISOString().slice(0, 10),
    expect: m === undefined ? null : { name: m.service.name, product: m.service.product, version: m.service.version },
    response: answer.toString('latin1'),
  };
  const path = new URL(`../test/fixtures/services/${name}.json`, import.meta.url);
  writeFileSync(path, `${JSON.stringify(fixture, null, 2)}\n`);
  console.log(`${path.pathname}: ${answer.length} bytes, matcher ${fixture.matcher ?? 'none'}`, fixture.expect);
}

if (udp) {
  const s = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  const timer = setTimeout(() => {
    s.close();
    console.log('no answer');
  }, waitMs);
  s.on('message', (msg) => {
    clearTimeout(timer);
    record(msg);
    s.close();
  });
  s.send(probe.bytes, port, host);
} else {
  const chunks: Buffer[] = [];
  const sock = useTls ? tlsConnect({ host, port, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] }) : new Socket().connect({ host, port });
  sock.on(useTls ? 'secureConnect' : 'connect', () => {
    if (probe.bytes.length > 0) sock.write(probe.bytes);
  });
  sock.on('data', (d: Buffer) => chunks.push(d));
  sock.on('error', (e: Error) => console.error(e.message));
  setTimeout(() => {
    sock.destroy();
    record(Buffer.concat(chunks).subarray(0, 64 * 1024));
  }, waitMs);
}
