/**
 * The daemons of the service corpus (test/helpers/service-corpus.ts): for each one, the Debian
 * package and binary it needs, the ports it must bind, and a function that writes its
 * configuration into a private directory and returns the command line that runs it in the
 * foreground. Nothing here reads or changes the machine's own configuration of these daemons
 * (/etc/nginx, /etc/postfix, ...), and nothing is configured to reach another host: no
 * recursion or forwarders in BIND, no SMTP client in Postfix, no upstream servers for chronyd.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Ports a daemon binds, by protocol. */
export interface DaemonPorts {
  readonly tcp: readonly number[];
  readonly udp: readonly number[];
}

/** How to run one daemon of the corpus. */
export interface DaemonSpec {
  /** Short name used in errors and logs ("postfix", "vsftpd-alt"). */
  readonly name: string;
  /** Debian package that ships `bin` (scripts/ci.sh installs it). */
  readonly pkg: string;
  /** The executable whose presence proves the package is installed. */
  readonly bin: string;
  /** Other packages it needs, each with a file that proves it is installed. */
  readonly more?: readonly { readonly bin: string; readonly pkg: string }[];
  readonly ports: DaemonPorts;
  /** Writes config files under `dir` for address `v4`; returns the foreground command line. */
  setup(dir: string, v4: string): { readonly cmd: string; readonly args: readonly string[]; readonly env?: NodeJS.ProcessEnv; readonly logFile?: string };
}

/** The ports of the namespace's services: the standard one and a non-standard one for each. */
export const NS_PORTS = {
  ssh: [22, 2222],
  http: [80, 10080],
  https: [443, 10443],
  apache: [8080, 18080],
  ftp: [21, 2121],
  smtp: [25, 2525],
  submission: [587, 10587],
  imap: [143, 1143],
  imaps: [993, 10993],
  pop3: [110, 1110],
  pop3s: [995, 10995],
  memcached: [11211, 21211],
  domain: [53, 5053],
  snmp: [161, 1161],
  ntp: [123, 1123],
} as const satisfies Record<string, readonly [number, number]>;

function write(dir: string, name: string, lines: readonly string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/**
 * A self-signed certificate for nginx's HTTPS and Dovecot's IMAPS/POP3S (an EC key: RSA
 * generation would cost seconds on every run).
 */
export function makeCertificate(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '30', '-subj', '/CN=corpus.portcullis.test', '-addext', 'subjectAltName=DNS:corpus.portcullis.test'], { stdio: 'ignore' });
  return { cert, key };
}

const [ssh, sshAlt] = NS_PORTS.ssh;
const [http, httpAlt] = NS_PORTS.http;
const [https, httpsAlt] = NS_PORTS.https;
const [apache, apacheAlt] = NS_PORTS.apache;
const [smtp, smtpAlt] = NS_PORTS.smtp;
const [submission, submissionAlt] = NS_PORTS.submission;
const [dns, dnsAlt] = NS_PORTS.domain;

const sshd: DaemonSpec = {
  name: 'sshd',
  pkg: 'openssh-server',
  bin: '/usr/sbin/sshd',
  ports: { tcp: NS_PORTS.ssh, udp: [] },
  setup(dir, v4) {
    const key = join(dir, 'ssh_host_ed25519_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key], { stdio: 'ignore' });
    // sshd insists on its privilege-separation directory, which the package creates only at boot.
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    const conf = write(dir, 'sshd_config', [`Port ${ssh}`, `Port ${sshAlt}`, `ListenAddress ${v4}`, `HostKey ${key}`, `PidFile ${join(dir, 'sshd.pid')}`, 'UsePAM no', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'PermitRootLogin no', 'AllowUsers nobody-portcullis']);
    return { cmd: '/usr/sbin/sshd', args: ['-D', '-e', '-f', conf] };
  },
};

function nginxSpec(cert: { cert: string; key: string }): DaemonSpec {
  return {
    name: 'nginx',
    pkg: 'nginx',
    bin: '/usr/sbin/nginx',
    ports: { tcp: [...NS_PORTS.http, ...NS_PORTS.https], udp: [] },
    setup(dir, v4) {
      const temp = join(dir, 'nginx-temp');
      mkdirSync(temp, { recursive: true });
      const page = 'return 200 "<html><head><title>Portcullis corpus</title></head><body>nginx</body></html>\\n"';
      const conf = write(dir, 'nginx.conf', [
        'daemon off;',
        'worker_processes 1;',
        `pid ${join(dir, 'nginx.pid')};`,
        'error_log stderr warn;',
        'events { worker_connections 256; }',
        'http {',
        '  access_log off;',
        '  default_type text/html;',
        ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(temp, t)};`),
        `  server { listen ${v4}:${http}; listen ${v4}:${httpAlt}; location / { ${page}; } }`,
        `  server { listen ${v4}:${https} ssl; listen ${v4}:${httpsAlt} ssl; ssl_certificate ${cert.cert}; ssl_certificate_key ${cert.key}; location / { ${page}; } }`,
        '}',
      ]);
      return { cmd: '/usr/sbin/nginx', args: ['-e', 'stderr', '-p', dir, '-c', conf] };
    },
  };
}

const apache2: DaemonSpec = {
  name: 'apache2',
  pkg: 'apache2',
  bin: '/usr/sbin/apache2',
  ports: { tcp: NS_PORTS.apache, udp: [] },
  setup(dir, v4) {
    const www = join(dir, 'www');
    mkdirSync(www, { recursive: true });
    writeFileSync(join(www, 'index.html'), '<html><head><title>Portcullis corpus</title></head><body>apache</body></html>\n');
    const mods = '/usr/lib/apache2/modules';
    const conf = write(dir, 'apache2.conf', [
      ...['mpm_event', 'authz_core', 'dir'].map((m) => `LoadModule ${m}_module ${mods}/mod_${m}.so`),
      'ServerName corpus.portcullis.test',
      `Listen ${v4}:${apache}`,
      `Listen ${v4}:${apacheAlt}`,
      `PidFile ${join(dir, 'apache2.pid')}`,
      `DefaultRuntimeDir ${dir}`,
      `Mutex file:${dir} default`,
      // Apache cannot open /dev/stderr when it is a socket (Node's pipes are socket pairs).
      `ErrorLog ${join(dir, 'apache2-error.log')}`,
      'LogLevel warn',
      'User www-data',
      'Group www-data',
      // Debian's own configuration says "ServerTokens OS"; the upstream default (Full) shows the version too.
      'ServerTokens Full',
      `DocumentRoot ${www}`,
      `<Directory ${www}>`,
      '  Require all granted',
      '</Directory>',
      'DirectoryIndex index.html',
    ]);
    return { cmd: '/usr/sbin/apache2', args: ['-f', conf, '-DFOREGROUND'], logFile: join(dir, 'apache2-error.log') };
  },
};

/** vsftpd listens on one port per process: one instance per port. */
function vsftpd(port: number, suffix: string): DaemonSpec {
  return {
    name: `vsftpd${suffix}`,
    pkg: 'vsftpd',
    bin: '/usr/sbin/vsftpd',
    ports: { tcp: [port], udp: [] },
    setup(dir, v4) {
      // Anonymous read-only access to an empty directory: with no access at all vsftpd answers
      // every login "500 OOPS", which is not how a real server looks.
      const conf = write(dir, `vsftpd${suffix}.conf`, ['listen=YES', 'listen_ipv6=NO', `listen_address=${v4}`, `listen_port=${port}`, 'background=NO', 'anonymous_enable=YES', 'no_anon_password=YES', 'anon_root=/var/run/vsftpd/empty', 'local_enable=NO', 'write_enable=NO', 'secure_chroot_dir=/var/run/vsftpd/empty', 'pam_service_name=vsftpd', 'xferlog_enable=NO']);
      // The package creates its empty chroot directory; recreate it in case a tmp cleaner took it.
      mkdirSync('/var/run/vsftpd/empty', { recursive: true, mode: 0o755 });
      return { cmd: '/usr/sbin/vsftpd', args: [conf] };
    },
  };
}

const postfix: DaemonSpec = {
  name: 'postfix',
  pkg: 'postfix',
  bin: '/usr/sbin/postfix',
  ports: { tcp: [...NS_PORTS.smtp, ...NS_PORTS.submission], udp: [] },
  setup(dir, v4) {
    const conf = join(dir, 'postfix');
    mkdirSync(conf, { recursive: true });
    write(conf, 'main.cf', [
      'compatibility_level = 3.6',
      `queue_directory = ${join(dir, 'postfix-spool')}`,
      `data_directory = ${join(dir, 'postfix-data')}`,
      'myhostname = corpus.portcullis.test',
      'mydomain = portcullis.test',
      'mydestination =',
      'relayhost =',
      'alias_maps =',
      'alias_database =',
      'local_recipient_maps =',
      `inet_interfaces = ${v4}`,
      'inet_protocols = ipv4',
      'mynetworks = 127.0.0.0/8',
      // No DNS at all: the namespace has no route out, and no lookup should even be tried.
      'smtp_dns_support_level = disabled',
      'smtpd_peername_lookup = no',
      // Not /dev/stdout: that is a socket here, postlogd cannot open it, and every smtpd then
      // blocks on its full logging socket before it greets.
      `maillog_file = ${join(dir, 'postfix.log')}`,
      `maillog_file_prefixes = ${dir}`,
      'smtpd_banner = $myhostname ESMTP $mail_name (Debian/GNU)',
    ]);
    // Only what accepting a connection needs; no "smtp unix" client, so no mail can leave.
    const svc = (name: string, type: string, priv: string, unpriv: string, wake: string, limit: string, cmd: string): string => `${name} ${type} ${priv} ${unpriv} n ${wake} ${limit} ${cmd}`;
    write(conf, 'master.cf', [
      svc(String(smtp), 'inet', 'n', '-', '-', '-', 'smtpd'),
      svc(String(smtpAlt), 'inet', 'n', '-', '-', '-', 'smtpd'),
      svc(String(submission), 'inet', 'n', '-', '-', '-', 'smtpd'),
      svc(String(submissionAlt), 'inet', 'n', '-', '-', '-', 'smtpd'),
      svc('cleanup', 'unix', 'n', '-', '-', '0', 'cleanup'),
      svc('qmgr', 'unix', 'n', '-', '300', '1', 'qmgr'),
      svc('rewrite', 'unix', '-', '-', '-', '-', 'trivial-rewrite'),
      svc('bounce', 'unix', '-', '-', '-', '0', 'bounce'),
      svc('defer', 'unix', '-', '-', '-', '0', 'bounce'),
      svc('trace', 'unix', '-', '-', '-', '0', 'bounce'),
      svc('verify', 'unix', '-', '-', '-', '1', 'verify'),
      svc('proxymap', 'unix', '-', '-', '-', '-', 'proxymap'),
      svc('anvil', 'unix', '-', '-', '-', '1', 'anvil'),
      svc('scache', 'unix', '-', '-', '-', '1', 'scache'),
      svc('postlog', 'unix-dgram', 'n', '-', '-', '1', 'postlogd'),
    ]);
    mkdirSync(join(dir, 'postfix-spool'), { recursive: true });
    mkdirSync(join(dir, 'postfix-data'), { recursive: true });
    execFileSync('chown', ['postfix', join(dir, 'postfix-data')]);
    // `postfix check` makes the queue's subdirectories (in the namespace: it wants
    // inet_interfaces to be local); then the master runs in the foreground (`postfix start-fg`
    // would leave it running when its script is killed).
    return { cmd: 'sh', args: ['-c', '/usr/sbin/postfix -c "$0" check && exec /usr/lib/postfix/sbin/master -d -c "$0"', conf], logFile: join(dir, 'postfix.log') };
  },
};

function dovecot(cert: { cert: string; key: string }): DaemonSpec {
  return {
    name: 'dovecot',
    pkg: 'dovecot-imapd',
    bin: '/usr/lib/dovecot/imap-login',
    more: [{ bin: '/usr/lib/dovecot/pop3-login', pkg: 'dovecot-pop3d' }],
    ports: { tcp: [...NS_PORTS.imap, ...NS_PORTS.imaps, ...NS_PORTS.pop3, ...NS_PORTS.pop3s], udp: [] },
    setup(dir, v4) {
      // The standard listeners keep Dovecot's built-in names (imap, imaps, pop3, pop3s), which
      // already have those ports: another name for the same port is a duplicate listener.
      const listener = (kind: string, port: number, ssl: boolean, alt: boolean): string => `  inet_listener ${kind}${alt ? '_alt' : ''} {\n    port = ${port}\n    ssl = ${ssl ? 'yes' : 'no'}\n  }`;
      const conf = write(dir, 'dovecot.conf', [
        `base_dir = ${join(dir, 'dovecot-run')}`,
        `state_dir = ${join(dir, 'dovecot-state')}`,
        `instance_name = pcx-corpus-${process.pid}`,
        'protocols = imap pop3',
        `listen = ${v4}`,
        'log_path = /dev/stderr',
        'ssl = yes',
        `ssl_cert = <${cert.cert}`,
        `ssl_key = <${cert.key}`,
        'ssl_dh = </usr/share/dovecot/dh.pem',
        'default_internal_user = dovecot',
        'default_login_user = dovenull',
        'auth_mechanisms = plain',
        'passdb {\n  driver = static\n  args = password=corpus-unused-password\n}',
        'userdb {\n  driver = static\n  args = uid=nobody gid=nogroup home=/nonexistent\n}',
        'service imap-login {',
        listener('imap', NS_PORTS.imap[0], false, false),
        listener('imap', NS_PORTS.imap[1], false, true),
        listener('imaps', NS_PORTS.imaps[0], true, false),
        listener('imaps', NS_PORTS.imaps[1], true, true),
        '}',
        'service pop3-login {',
        listener('pop3', NS_PORTS.pop3[0], false, false),
        listener('pop3', NS_PORTS.pop3[1], false, true),
        listener('pop3s', NS_PORTS.pop3s[0], true, false),
        listener('pop3s', NS_PORTS.pop3s[1], true, true),
        '}',
      ]);
      return { cmd: '/usr/sbin/dovecot', args: ['-F', '-c', conf] };
    },
  };
}

const memcached: DaemonSpec = {
  name: 'memcached',
  pkg: 'memcached',
  bin: '/usr/bin/memcached',
  ports: { tcp: NS_PORTS.memcached, udp: [] },
  setup(_dir, v4) {
    return { cmd: '/usr/bin/memcached', args: ['-u', 'memcache', '-m', '16', ...NS_PORTS.memcached.flatMap((p) => ['-l', `${v4}:${p}`])] };
  },
};

const named: DaemonSpec = {
  name: 'named',
  pkg: 'bind9',
  bin: '/usr/sbin/named',
  ports: { tcp: NS_PORTS.domain, udp: NS_PORTS.domain },
  setup(dir, v4) {
    const work = join(dir, 'named');
    mkdirSync(work, { recursive: true });
    write(work, 'db.portcullis.test', ['$TTL 300', '@ IN SOA ns.portcullis.test. hostmaster.portcullis.test. 1 3600 600 86400 300', '@ IN NS ns.portcullis.test.', `ns IN A ${v4}`, `corpus IN A ${v4}`]);
    const conf = write(dir, 'named.conf', [
      'options {',
      `  directory "${work}";`,
      `  pid-file "${join(work, 'named.pid')}";`,
      `  session-keyfile "${join(work, 'session.key')}";`,
      `  listen-on port ${dns} { ${v4}; };`,
      `  listen-on port ${dnsAlt} { ${v4}; };`,
      '  listen-on-v6 { none; };',
      // An authoritative-only server: it never asks another server anything.
      '  recursion no;',
      '  dnssec-validation no;',
      '  notify no;',
      '  allow-query { any; };',
      '};',
      'controls { };',
      'zone "portcullis.test" { type primary; file "db.portcullis.test"; };',
    ]);
    return { cmd: '/usr/sbin/named', args: ['-g', '-4', '-c', conf] };
  },
};

const snmpd: DaemonSpec = {
  name: 'snmpd',
  pkg: 'snmpd',
  bin: '/usr/sbin/snmpd',
  ports: { tcp: [], udp: NS_PORTS.snmp },
  setup(dir, v4) {
    const conf = write(dir, 'snmpd.conf', [`agentAddress ${NS_PORTS.snmp.map((p) => `udp:${v4}:${p}`).join(',')}`, 'rocommunity public default', 'sysDescr portcullis corpus agent']);
    return { cmd: '/usr/sbin/snmpd', args: ['-f', '-Lo', '-C', '-c', conf, '-p', join(dir, 'snmpd.pid')], env: { ...process.env, SNMP_PERSISTENT_DIR: join(dir, 'snmp'), MIBS: '' } };
  },
};

/** chronyd serves NTP on one port per process: one instance per port. */
function chronyd(port: number, suffix: string): DaemonSpec {
  return {
    name: `chronyd${suffix}`,
    pkg: 'chrony',
    bin: '/usr/sbin/chronyd',
    ports: { tcp: [], udp: [port] },
    setup(dir, v4) {
      const conf = write(dir, `chrony${suffix}.conf`, [
        `bindaddress ${v4}`,
        `port ${port}`,
        'allow all',
        // Serve time without upstream servers: the answer is what matters, not its accuracy.
        'local stratum 10',
        'cmdport 0',
        `pidfile ${join(dir, `chronyd${suffix}.pid`)}`,
        `driftfile ${join(dir, `chrony${suffix}.drift`)}`,
      ]);
      // -x: never touch the clock; -u root: no privilege drop to a user who cannot read the temp dir.
      return { cmd: '/usr/sbin/chronyd', args: ['-d', '-x', '-u', 'root', '-f', conf] };
    },
  };
}

/** Every daemon the corpus runs in its namespace, with a certificate for the TLS ones. */
export function corpusDaemons(cert: { cert: string; key: string }): DaemonSpec[] {
  return [sshd, nginxSpec(cert), apache2, vsftpd(NS_PORTS.ftp[0], ''), vsftpd(NS_PORTS.ftp[1], '-alt'), postfix, dovecot(cert), memcached, named, snmpd, chronyd(NS_PORTS.ntp[0], ''), chronyd(NS_PORTS.ntp[1], '-alt')];
}

/** The daemons' package and binary pairs, without building their configuration. */
export const DAEMON_BINARIES: readonly { readonly bin: string; readonly pkg: string }[] = corpusDaemons({ cert: '', key: '' }).flatMap((d) => [{ bin: d.bin, pkg: d.pkg }, ...(d.more ?? [])]);
