/**
 * A corpus of real servers for measuring service identification (`-sV`) against ground truth.
 *
 * Debian-packaged daemons run inside a test namespace built by test/helpers/testbed.ts (its
 * index claiming, owner files and teardown on exit and signals), on 198.18.N.2, each on its
 * standard port and on a non-standard one: OpenSSH, nginx (HTTP and HTTPS with a certificate
 * made by openssl for the run), Apache httpd, vsftpd, Postfix (SMTP and submission), Dovecot
 * (IMAP, IMAPS, POP3, POP3S), memcached, BIND (DNS over TCP and UDP), Net-SNMP and chrony. The
 * servers this kind of machine already runs on loopback (MariaDB, PostgreSQL, Redis, RabbitMQ,
 * Mosquitto, NATS) are scanned at 127.0.0.1 on their standard ports, and on a non-standard
 * port through a byte-for-byte TCP forward of ours. Their configuration is untouched.
 *
 * Ground truth per entry: the service name users know (nmap's and IANA's), the product, and the
 * installed version from `dpkg-query`, with whether the server reveals product and version on
 * the wire at all (a scanner cannot be blamed for what is not there). Each daemon runs under a
 * shell that kills it when our end of its stdin pipe closes, so a test that dies leaves none
 * behind; close() also ends anything still running in the namespace (ours: we created it).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusDaemons, DAEMON_BINARIES, makeCertificate, NS_PORTS, type DaemonSpec } from './service-corpus-daemons.js';
import { canUseNetns, createTestbed, type Testbed } from './testbed.js';

/** Where an entry's server runs: in the corpus namespace, or on the machine's loopback. */
export type Site = 'ns' | 'loopback';

/** One port of the corpus and what a scanner should say about it. */
export interface CorpusEntry {
  /** "nginx-https:10443/tcp": unique, stable. */
  readonly id: string;
  readonly site: Site;
  readonly host: string;
  readonly port: number;
  readonly proto: 'tcp' | 'udp';
  /** Whether this is the service's standard port (the other entry of the pair is not). */
  readonly standard: boolean;
  /** Service name as nmap and IANA spell it. */
  readonly name: string;
  /** Other names that are right too (e.g. "submission" for SMTP on 587). */
  readonly aliases: readonly string[];
  /** The service speaks TLS from the first byte; "http" for HTTPS is right only if TLS was seen. */
  readonly tls: boolean;
  /** Product as a person would name it, and a pattern that accepts the usual spellings. */
  readonly product: string;
  readonly productPattern: RegExp;
  /** Whether the server names its product on the wire (chrony's NTP answers do not). */
  readonly productRevealed: boolean;
  /** Upstream version of the installed package ("9.2p1"), from dpkg-query. */
  readonly version: string;
  /** Whether a scanner can read that version from the server's answers. */
  readonly versionRevealed: boolean;
  /** Debian package the server comes from. */
  readonly pkg: string;
}

/** A running corpus. */
export interface ServiceCorpus {
  /** The namespace host's address (198.18.N.2). */
  readonly v4: string;
  readonly ns: string;
  readonly entries: readonly CorpusEntry[];
  /** Per site, the ports to scan in nmap's syntax ("T:22,80,U:53"). */
  portSpec(site: Site): string;
  /** Stops the daemons and forwards, removes the namespace and temporary files. Safe to call twice. */
  close(): Promise<void>;
}

interface ServiceDef {
  readonly key: string;
  readonly site: Site;
  readonly proto: 'tcp' | 'udp';
  readonly ports: readonly [number, number];
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly tls?: boolean;
  readonly product: string;
  readonly productPattern: RegExp;
  readonly productRevealed?: boolean;
  readonly pkg: string;
  readonly versionRevealed: boolean;
}

/**
 * The loopback servers and the non-standard port their forward tries first (another port is
 * taken if that one is busy, e.g. by a second corpus running at the same time).
 */
const LOOPBACK: readonly (Omit<ServiceDef, 'site' | 'proto' | 'ports'> & { readonly port: number; readonly alt: number })[] = [
  { key: 'mariadb', port: 3306, alt: 13306, name: 'mysql', product: 'MariaDB', productPattern: /mariadb/i, pkg: 'mariadb-server', versionRevealed: true },
  // The startup reply of a server that requires no password still carries no version.
  { key: 'postgresql', port: 5432, alt: 15433, name: 'postgresql', product: 'PostgreSQL', productPattern: /postgres/i, pkg: 'postgresql-[0-9]*', versionRevealed: false },
  { key: 'redis', port: 6379, alt: 16380, name: 'redis', product: 'Redis', productPattern: /redis/i, pkg: 'redis-server', versionRevealed: true },
  { key: 'rabbitmq', port: 5672, alt: 15673, name: 'amqp', product: 'RabbitMQ', productPattern: /rabbitmq/i, pkg: 'rabbitmq-server', versionRevealed: true },
  // Anonymous clients may read $SYS/broker/version.
  { key: 'mosquitto', port: 1883, alt: 11884, name: 'mqtt', product: 'Mosquitto', productPattern: /mosquitto/i, pkg: 'mosquitto', versionRevealed: true },
  { key: 'nats', port: 4222, alt: 14223, name: 'nats', product: 'NATS', productPattern: /nats/i, pkg: 'nats-server', versionRevealed: true },
];

const NS_SERVICES: readonly ServiceDef[] = [
  { key: 'openssh', site: 'ns', proto: 'tcp', ports: NS_PORTS.ssh, name: 'ssh', product: 'OpenSSH', productPattern: /openssh/i, pkg: 'openssh-server', versionRevealed: true },
  { key: 'nginx-http', site: 'ns', proto: 'tcp', ports: NS_PORTS.http, name: 'http', product: 'nginx', productPattern: /nginx/i, pkg: 'nginx', versionRevealed: true },
  { key: 'nginx-https', site: 'ns', proto: 'tcp', ports: NS_PORTS.https, name: 'https', aliases: ['http'], tls: true, product: 'nginx', productPattern: /nginx/i, pkg: 'nginx', versionRevealed: true },
  { key: 'apache', site: 'ns', proto: 'tcp', ports: NS_PORTS.apache, name: 'http', aliases: ['http-proxy', 'http-alt'], product: 'Apache httpd', productPattern: /apache/i, pkg: 'apache2', versionRevealed: true },
  { key: 'vsftpd', site: 'ns', proto: 'tcp', ports: NS_PORTS.ftp, name: 'ftp', product: 'vsftpd', productPattern: /vsftpd/i, pkg: 'vsftpd', versionRevealed: true },
  { key: 'postfix-smtp', site: 'ns', proto: 'tcp', ports: NS_PORTS.smtp, name: 'smtp', product: 'Postfix smtpd', productPattern: /postfix/i, pkg: 'postfix', versionRevealed: false },
  { key: 'postfix-submission', site: 'ns', proto: 'tcp', ports: NS_PORTS.submission, name: 'smtp', aliases: ['submission'], product: 'Postfix smtpd', productPattern: /postfix/i, pkg: 'postfix', versionRevealed: false },
  { key: 'dovecot-imap', site: 'ns', proto: 'tcp', ports: NS_PORTS.imap, name: 'imap', product: 'Dovecot imapd', productPattern: /dovecot/i, pkg: 'dovecot-imapd', versionRevealed: false },
  { key: 'dovecot-imaps', site: 'ns', proto: 'tcp', ports: NS_PORTS.imaps, name: 'imaps', aliases: ['imap'], tls: true, product: 'Dovecot imapd', productPattern: /dovecot/i, pkg: 'dovecot-imapd', versionRevealed: false },
  { key: 'dovecot-pop3', site: 'ns', proto: 'tcp', ports: NS_PORTS.pop3, name: 'pop3', product: 'Dovecot pop3d', productPattern: /dovecot/i, pkg: 'dovecot-pop3d', versionRevealed: false },
  { key: 'dovecot-pop3s', site: 'ns', proto: 'tcp', ports: NS_PORTS.pop3s, name: 'pop3s', aliases: ['pop3'], tls: true, product: 'Dovecot pop3d', productPattern: /dovecot/i, pkg: 'dovecot-pop3d', versionRevealed: false },
  { key: 'memcached', site: 'ns', proto: 'tcp', ports: NS_PORTS.memcached, name: 'memcached', aliases: ['memcache'], product: 'memcached', productPattern: /memcache/i, pkg: 'memcached', versionRevealed: true },
  { key: 'bind-tcp', site: 'ns', proto: 'tcp', ports: NS_PORTS.domain, name: 'domain', aliases: ['dns'], product: 'ISC BIND', productPattern: /bind/i, pkg: 'bind9', versionRevealed: true },
  { key: 'bind-udp', site: 'ns', proto: 'udp', ports: NS_PORTS.domain, name: 'domain', aliases: ['dns'], product: 'ISC BIND', productPattern: /bind/i, pkg: 'bind9', versionRevealed: true },
  // The SNMPv3 engine ID names the enterprise (Net-SNMP's 8072) but not the version.
  { key: 'net-snmp', site: 'ns', proto: 'udp', ports: NS_PORTS.snmp, name: 'snmp', product: 'Net-SNMP', productPattern: /net-?snmp/i, pkg: 'snmpd', versionRevealed: false },
  // An NTP answer says "NTP v4" and nothing of the implementation.
  { key: 'chrony', site: 'ns', proto: 'udp', ports: NS_PORTS.ntp, name: 'ntp', product: 'chrony', productPattern: /chrony/i, productRevealed: false, pkg: 'chrony', versionRevealed: false },
];

/** Upstream version of an installed Debian package: no epoch, Debian revision or +dfsg tag. */
export function upstreamVersion(pkg: string): string {
  const out = execFileSync('dpkg-query', ['-W', '-f', '${db:Status-Abbrev}\t${Version}\n', pkg], { encoding: 'utf8' });
  const full = out
    .split('\n')
    .find((l) => l.startsWith('ii'))
    ?.split('\t')[1];
  if (full === undefined) throw new Error(`package ${pkg} is not installed`);
  return full.replace(/^\d+:/, '').replace(/-[^-]*$/, '').replace(/[+~](dfsg|ds)\d*$/, '');
}

/** Why the corpus cannot run here, or undefined when it can. */
export function corpusMissing(): string | undefined {
  const can = canUseNetns();
  if (!can.ok) return can.reason;
  for (const bin of ['openssl', 'ssh-keygen', 'dpkg-query', 'ss']) {
    try {
      execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
    } catch {
      return `${bin} is not installed`;
    }
  }
  const missing = DAEMON_BINARIES.filter((d) => !existsSync(d.bin));
  if (missing.length > 0) return `${missing.map((d) => `${d.bin} (${d.pkg})`).join(', ')} not installed (scripts/ci.sh installs them)`;
  const down = LOOPBACK.filter((s) => !loopbackListening().has(s.port));
  if (down.length > 0) return `not listening on 127.0.0.1: ${down.map((s) => `${s.product} (${s.port})`).join(', ')} (this kind of machine starts them before the session)`;
  return undefined;
}

function loopbackListening(): Set<number> {
  const out = new Set<number>();
  for (const line of execFileSync('ss', ['-ltnH', 'src', '127.0.0.1'], { encoding: 'utf8' }).split('\n')) {
    const local = line.trim().split(/\s+/)[3];
    if (local !== undefined) out.add(Number(local.slice(local.lastIndexOf(':') + 1)));
  }
  return out;
}

/** Ports bound inside `ns` for one protocol (`ss -l[tu]nH`). */
function boundPorts(ns: string, proto: 'tcp' | 'udp'): Set<number> {
  const out = new Set<number>();
  const lines = execFileSync('ip', ['netns', 'exec', ns, 'ss', proto === 'tcp' ? '-ltnH' : '-lunH'], { encoding: 'utf8' }).split('\n');
  for (const line of lines) {
    const local = line.trim().split(/\s+/)[3];
    if (local !== undefined) out.add(Number(local.slice(local.lastIndexOf(':') + 1)));
  }
  return out;
}

// ---- daemons -------------------------------------------------------------------------------

interface Running {
  readonly spec: DaemonSpec;
  readonly child: ChildProcess;
  readonly logFile?: string;
  log: string;
}

/** The end of a daemon's output and of its log file, if it has one. */
function logTail(r: Running): string {
  let file = '';
  try {
    if (r.logFile !== undefined) file = readFileSync(r.logFile, 'utf8').slice(-2000);
  } catch {
    // not written yet
  }
  return `${r.log}${file}`.trim();
}

/** Starts one daemon in `ns` under a shell that kills it when our end of its stdin closes. */
function startDaemon(ns: string, spec: DaemonSpec, dir: string, v4: string): Running {
  let setup: ReturnType<DaemonSpec['setup']>;
  try {
    setup = spec.setup(dir, v4);
  } catch (err) {
    const e = err as { stderr?: Buffer | string; message?: string };
    throw new Error(`service corpus: setting up ${spec.name} (${spec.pkg}) failed: ${String(e.stderr ?? '').trim() || (e.message ?? String(err))}`);
  }
  const { cmd, args, env, logFile } = setup;
  // The shell exits with the daemon, so a daemon that fails shows as an exited child. The
  // watcher reads our pipe through fd 3: a background job's own stdin is /dev/null.
  const wrapper = 'exec 3<&0; "$@" 3<&- & d=$!; (cat <&3 >/dev/null; kill $d 2>/dev/null) & exec 3<&-; wait $d';
  const child = spawn('ip', ['netns', 'exec', ns, 'sh', '-c', wrapper, 'sh', cmd, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: env ?? process.env });
  const r: Running = { spec, child, log: '', ...(logFile !== undefined ? { logFile } : {}) };
  const keep = (d: Buffer): void => {
    r.log = (r.log + d.toString()).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.unref();
  for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as { unref?: () => void }).unref?.();
  return r;
}

function stopDaemon(r: Running): Promise<void> {
  const c = r.child;
  // Also ends the watcher of a daemon that has exited by itself.
  c.stdin?.end();
  if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
  return new Promise((res) => {
    const t = setTimeout(() => {
      c.kill('SIGKILL');
      res();
    }, 5000);
    c.once('exit', () => {
      clearTimeout(t);
      res();
    });
  });
}

/** Waits until every daemon binds its ports; on failure names the daemon and shows its log. */
async function waitListening(ns: string, daemons: readonly Running[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const tcp = boundPorts(ns, 'tcp');
    const udp = boundPorts(ns, 'udp');
    const pending = daemons.filter((d) => d.spec.ports.tcp.some((p) => !tcp.has(p)) || d.spec.ports.udp.some((p) => !udp.has(p)));
    if (pending.length === 0) return;
    const dead = pending.find((d) => d.child.exitCode !== null || d.child.signalCode !== null);
    if (dead !== undefined || Date.now() > deadline) {
      const bad = dead ?? pending[0]!;
      const missing = [...bad.spec.ports.tcp.filter((p) => !tcp.has(p)).map((p) => `${p}/tcp`), ...bad.spec.ports.udp.filter((p) => !udp.has(p)).map((p) => `${p}/udp`)];
      const how = dead !== undefined ? `exited (${String(dead.child.exitCode ?? dead.child.signalCode)})` : `did not listen within ${timeoutMs / 1000} s`;
      const others = pending.filter((d) => d !== bad).map((d) => d.spec.name);
      throw new Error(`service corpus: ${bad.spec.name} (${bad.spec.pkg}) ${how}; not bound: ${missing.join(', ')}${others.length > 0 ? `; also pending: ${others.join(', ')}` : ''}\n--- ${bad.spec.name} log ---\n${logTail(bad)}`);
    }
    await new Promise((res) => setTimeout(res, 100));
  }
}

// ---- loopback forwards ---------------------------------------------------------------------

/** A TCP forward 127.0.0.1:`port` → 127.0.0.1:`to`, on `port` or (if busy) any free port. */
async function forward(port: number, to: number, sockets: Set<Socket>): Promise<{ server: Server; port: number }> {
  const server = createServer({ pauseOnConnect: true }, (client) => {
    sockets.add(client);
    const upstream = createConnection({ host: '127.0.0.1', port: to });
    sockets.add(upstream);
    const done = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', done).on('close', done);
    upstream.on('error', done).on('close', done);
    upstream.once('connect', () => {
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  });
  const listen = (p: number): Promise<void> =>
    new Promise((res, rej) => {
      server.once('error', rej);
      server.listen({ port: p, host: '127.0.0.1' }, () => {
        server.removeListener('error', rej);
        res();
      });
    });
  try {
    await listen(port);
  } catch {
    await listen(0);
  }
  server.unref();
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('forward: no address');
  return { server, port: addr.port };
}

// ---- the corpus ----------------------------------------------------------------------------

function entriesOf(def: ServiceDef, host: string, version: string): CorpusEntry[] {
  return def.ports.map((port, i) => ({
    id: `${def.key}:${port}/${def.proto}`,
    site: def.site,
    host,
    port,
    proto: def.proto,
    standard: i === 0,
    name: def.name,
    aliases: def.aliases ?? [],
    tls: def.tls ?? false,
    product: def.product,
    productPattern: def.productPattern,
    productRevealed: def.productRevealed ?? true,
    version,
    versionRevealed: def.versionRevealed,
    pkg: def.pkg,
  }));
}

/**
 * Starts the corpus (about 3 s). Throws, naming the daemon, when one fails to start; call
 * corpusMissing() first to skip where the packages or privileges are missing.
 */
export async function startCorpus(opts: { readonly startTimeoutMs?: number } = {}): Promise<ServiceCorpus> {
  const dir = mkdtempSync(join(tmpdir(), 'pcx-corpus-'));
  // Daemons that drop privileges (nginx, apache, dovecot, memcached) read files in here.
  chmodSync(dir, 0o755);
  let tb: Testbed | undefined;
  const daemons: Running[] = [];
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    for (const s of sockets) s.destroy();
    await Promise.all(servers.map((s) => new Promise<void>((res) => s.close(() => res()))));
    await Promise.all(daemons.map(stopDaemon));
    if (tb !== undefined) {
      // Whatever still runs in the namespace is a daemon's child that outlived it; the namespace
      // is ours, so are they.
      try {
        const pids = execFileSync('ip', ['netns', 'pids', tb.ns], { encoding: 'utf8' }).split('\n').filter(Boolean);
        for (const pid of pids) process.kill(Number(pid), 'SIGKILL');
      } catch {
        // namespace already gone
      }
      await tb.close();
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    tb = await createTestbed({ profile: 'lan', delayMs: 0, lossPerMille: 0, open: [], ipv6: false, name: `corpus-${process.pid}` });
    const cert = makeCertificate(dir);
    for (const spec of corpusDaemons(cert)) daemons.push(startDaemon(tb.ns, spec, dir, tb.v4));
    await waitListening(tb.ns, daemons, opts.startTimeoutMs ?? 20_000);

    const entries: CorpusEntry[] = [];
    for (const def of NS_SERVICES) entries.push(...entriesOf(def, tb.v4, upstreamVersion(def.pkg)));
    const up = loopbackListening();
    for (const s of LOOPBACK) {
      if (!up.has(s.port)) throw new Error(`service corpus: ${s.product} is not listening on 127.0.0.1:${s.port}`);
      const f = await forward(s.alt, s.port, sockets);
      servers.push(f.server);
      entries.push(...entriesOf({ ...s, site: 'loopback', proto: 'tcp', ports: [s.port, f.port] }, '127.0.0.1', upstreamVersion(s.pkg)));
    }
    const ns = tb.ns;
    const v4 = tb.v4;
    return {
      ns,
      v4,
      entries,
      portSpec(site) {
        const of = (proto: 'tcp' | 'udp'): number[] => [...new Set(entries.filter((e) => e.site === site && e.proto === proto).map((e) => e.port))].sort((a, b) => a - b);
        const t = of('tcp');
        const u = of('udp');
        return [...(t.length > 0 ? [`T:${t.join(',')}`] : []), ...(u.length > 0 ? [`U:${u.join(',')}`] : [])].join(',');
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
