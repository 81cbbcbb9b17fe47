/**
 * Real UDP services from Debian packages, run inside a test namespace on its own addresses:
 * dnsmasq (DNS, 53), chronyd (NTP, 123) and snmpd (SNMP, 161, community "public"). Config files
 * go to a temporary directory; nothing of the machine's own configuration is read or changed.
 * Each daemon runs under a small shell that kills it when our end of its stdin pipe closes, so
 * a test process that dies does not leave daemons keeping a deleted namespace alive.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The responders' ports. */
export const RESPONDER_PORTS = { dns: 53, ntp: 123, snmp: 161 } as const;

/** Debian packages providing the daemons (scripts/ci.sh installs them). */
export const RESPONDER_PACKAGES = ['dnsmasq-base', 'chrony', 'snmpd'] as const;

/** Why the responders cannot run here, or undefined when they can. */
export function respondersMissing(): string | undefined {
  for (const [bin, pkg] of [['dnsmasq', 'dnsmasq-base'], ['chronyd', 'chrony'], ['snmpd', 'snmpd']] as const) {
    try {
      execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
    } catch {
      return `${bin} is not installed (apt-get install ${pkg}; scripts/ci.sh does)`;
    }
  }
  return undefined;
}

/** Running responders. */
export interface Responders {
  /** Stops the daemons and removes their files. Safe to call twice. */
  stop(): Promise<void>;
}

/** UDP ports bound inside `ns` (`ss -lunH`). */
export function boundUdpPorts(ns: string): Set<number> {
  const out = new Set<number>();
  for (const line of execFileSync('ip', ['netns', 'exec', ns, 'ss', '-lunH'], { encoding: 'utf8' }).split('\n')) {
    const local = line.trim().split(/\s+/)[3];
    if (local !== undefined) out.add(Number(local.slice(local.lastIndexOf(':') + 1)));
  }
  return out;
}

/** Starts dnsmasq, chronyd and snmpd in `ns` on `v4` (and `v6`); resolves once all three listen. */
export async function startResponders(ns: string, v4: string, v6?: string): Promise<Responders> {
  const dir = mkdtempSync(join(tmpdir(), 'pcx-udp-'));
  chmodSync(dir, 0o755);
  const addrs = v6 === undefined ? [v4] : [v4, v6];

  writeFileSync(
    join(dir, 'chrony.conf'),
    [
      ...addrs.map((a) => `bindaddress ${a}`),
      'port 123',
      'allow all',
      // Serve time without upstream servers: the answer is what matters, not its accuracy.
      'local stratum 10',
      'cmdport 0',
      `pidfile ${join(dir, 'chronyd.pid')}`,
      `driftfile ${join(dir, 'chrony.drift')}`,
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'snmpd.conf'),
    [`agentAddress ${addrs.map((a) => (a.includes(':') ? `udp6:[${a}]:161` : `udp:${a}:161`)).join(',')}`, 'rocommunity public default', 'rocommunity6 public default', 'sysDescr portcullis test agent', ''].join('\n'),
  );

  const daemons: [string, string[], NodeJS.ProcessEnv?][] = [
    // No upstream servers: queries are answered locally (REFUSED or from the hosts below), never forwarded.
    ['dnsmasq', ['--keep-in-foreground', '--conf-file=/dev/null', '--no-resolv', '--no-hosts', '--bind-interfaces', ...addrs.map((a) => `--listen-address=${a}`), '--except-interface=lo', '--port=53', `--pid-file=${join(dir, 'dnsmasq.pid')}`, '--address=/portcullis.test/198.18.0.1', '--log-facility=-']],
    // -x: never touch the clock; -u root: no privilege drop to a user who cannot read the temp dir.
    ['chronyd', ['-d', '-x', '-u', 'root', '-f', join(dir, 'chrony.conf')]],
    ['snmpd', ['-f', '-Lo', '-C', '-c', join(dir, 'snmpd.conf'), '-p', join(dir, 'snmpd.pid')], { ...process.env, SNMP_PERSISTENT_DIR: join(dir, 'snmp'), MIBS: '' }],
  ];
  const children: ChildProcess[] = [];
  let stopped = false;
  const kill = (): void => {
    for (const c of children) c.stdin?.end();
  };
  process.once('exit', kill);
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', kill);
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((res) => {
            if (c.exitCode !== null || c.signalCode !== null) return res();
            const t = setTimeout(() => {
              c.kill('SIGKILL');
              res();
            }, 3000);
            c.once('exit', () => {
              clearTimeout(t);
              res();
            });
            c.stdin?.end(); // the wrapper kills its daemon and exits
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };

  const logs: string[] = [];
  for (const [cmd, args, env] of daemons) {
    // sh: start the daemon, wait for our pipe to close (we stopped or died), then kill it.
    const wrapper = '"$@" & d=$!; cat >/dev/null; kill $d 2>/dev/null; wait $d';
    const c = spawn('ip', ['netns', 'exec', ns, 'sh', '-c', wrapper, 'sh', cmd, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: env ?? process.env });
    c.stdout.on('data', (d: Buffer) => logs.push(`${cmd}: ${d.toString()}`));
    c.stderr.on('data', (d: Buffer) => logs.push(`${cmd}: ${d.toString()}`));
    c.unref();
    for (const s of [c.stdin, c.stdout, c.stderr]) (s as unknown as { unref?: () => void }).unref?.();
    children.push(c);
  }
  const deadline = Date.now() + 10_000;
  for (;;) {
    const bound = boundUdpPorts(ns);
    if (Object.values(RESPONDER_PORTS).every((p) => bound.has(p))) break;
    if (Date.now() > deadline || children.some((c) => c.exitCode !== null)) {
      await stop();
      throw new Error(`UDP responders did not start in ${ns} (bound: ${[...bound].join(',')}):\n${logs.join('')}`);
    }
    await new Promise((res) => setTimeout(res, 100));
  }
  return { stop };
}
