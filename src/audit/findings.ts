/**
 * What looks wrong with a listener, and why. Pure rules over a listener record and a little
 * context (which package owns an executable, whether the listener is new). A finding always says
 * its reason; a port number alone never makes one (a packaged mail server on 465 is not a
 * trojan), which is why the backdoor-port rule weighs path, owner and novelty.
 */
import { t, type Bilingual } from '../core/errors.js';
import type { Finding, Listener, ProcessInfo, Severity } from './types.js';

/** What the rules may know beyond the listener itself. */
export interface FindingContext {
  /**
   * The package owning an executable: a name, null when the package database has no owner,
   * undefined when there is no package database to ask (then the hint is not given).
   */
  readonly packageOf: (exe: string) => string | null | undefined;
  /** Whether the listener was in the baseline; undefined when no baseline was given. */
  readonly known?: ((l: Listener) => boolean) | undefined;
}

/** Directories where nothing should run from: world-writable or memory-backed. */
const TEMP_DIRS = ['/tmp/', '/var/tmp/', '/dev/shm/', '/run/shm/', '/var/run/shm/'];

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'csh', 'tcsh', 'fish', 'ash', 'busybox']);
const RELAYS = new Set(['nc', 'ncat', 'netcat', 'nc.openbsd', 'nc.traditional', 'socat', 'cryptcat', 'pwncat']);
const INTERPRETER = /^(python[0-9.]*|perl[0-9.]*|ruby[0-9.]*|php[0-9.]*(-cgi|-fpm[0-9.]*)?|lua[0-9.]*|luajit|node|nodejs|tclsh[0-9.]*|wish[0-9.]*|gawk|awk|mawk|pwsh|powershell|osascript|deno|bun)$/;

/**
 * Services that should normally listen only on loopback or a private interface: databases,
 * caches, message brokers, admin and orchestration APIs. Matched by process name or port.
 */
const LOCAL_SERVICES: readonly { readonly name: string; readonly procs: readonly string[]; readonly ports: readonly number[] }[] = [
  { name: 'Redis', procs: ['redis-server', 'valkey-server', 'keydb-server'], ports: [6379] },
  { name: 'PostgreSQL', procs: ['postgres', 'postmaster'], ports: [5432] },
  { name: 'MySQL/MariaDB', procs: ['mysqld', 'mariadbd', 'mysqld_safe'], ports: [3306, 33060] },
  { name: 'MongoDB', procs: ['mongod', 'mongos'], ports: [27017, 27018, 27019] },
  { name: 'memcached', procs: ['memcached'], ports: [11211] },
  { name: 'Elasticsearch/OpenSearch', procs: [], ports: [9200, 9300] },
  { name: 'CouchDB', procs: ['beam.smp'], ports: [5984] },
  { name: 'RabbitMQ', procs: [], ports: [5672, 15672, 25672] },
  { name: 'Erlang port mapper (epmd)', procs: ['epmd'], ports: [4369] },
  { name: 'MQTT broker', procs: ['mosquitto'], ports: [1883] },
  { name: 'NATS', procs: ['nats-server', 'gnatsd'], ports: [4222, 6222, 8222] },
  { name: 'Docker API', procs: ['dockerd'], ports: [2375, 2376] },
  { name: 'etcd', procs: ['etcd'], ports: [2379, 2380] },
  { name: 'ZooKeeper', procs: [], ports: [2181] },
  { name: 'Kafka', procs: [], ports: [9092] },
  { name: 'Cassandra', procs: [], ports: [9042, 7199] },
  { name: 'InfluxDB', procs: ['influxd'], ports: [8086] },
  { name: 'ClickHouse', procs: ['clickhouse-server', 'clickhouse'], ports: [8123, 9000] },
  { name: 'Kubernetes kubelet API', procs: ['kubelet'], ports: [10250, 10255] },
  { name: 'CUPS', procs: ['cupsd'], ports: [631] },
  { name: 'rpcbind', procs: ['rpcbind', 'portmap'], ports: [111] },
];

/**
 * Ports that well-known trojans and backdoors used (SANS "Intrusion Detection FAQ: What port
 * numbers do well-known trojan horses use?", and Metasploit's default handler port 4444).
 * Legitimate software uses several of them too, hence the weighing in backdoorPort().
 */
export const BACKDOOR_PORTS: ReadonlyMap<number, string> = new Map([
  [31337, 'Back Orifice / "eleet"'],
  [31338, 'Back Orifice / DeepBO'],
  [12345, 'NetBus'],
  [12346, 'NetBus'],
  [20034, 'NetBus 2 Pro'],
  [27374, 'SubSeven'],
  [1243, 'SubSeven'],
  [6711, 'SubSeven'],
  [54320, 'Back Orifice 2000'],
  [54321, 'Back Orifice 2000 / School Bus'],
  [4444, 'Metasploit default handler'],
  [1337, '"leet" shells'],
  [1524, 'ingreslock backdoor'],
  [2001, 'Trojan Cow'],
  [6666, 'IRC bots'],
  [6667, 'IRC bots'],
  [65000, 'Devil / Stacheldraht'],
  [16660, 'Stacheldraht'],
  [27665, 'Trin00'],
  [465, 'the old "Tiny Telnet Server" trojan (today SMTPS)'],
  [5554, 'Sasser'],
  [9996, 'Sasser'],
]);

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

function exeName(p: ProcessInfo): string {
  if (p.exe !== undefined) return basename(p.exe);
  return basename(p.cmdline[0] ?? p.name);
}

function finding(id: string, severity: Severity, reason: Bilingual): Finding {
  return { id, severity, reason };
}

function hiddenDir(path: string): string | undefined {
  const parts = path.split('/');
  // Each directory on the path (not the file itself) whose name starts with a dot.
  return parts.slice(0, -1).find((s) => s.startsWith('.') && s !== '.' && s !== '..');
}

function where(l: Listener): string {
  const a = l.family === 6 ? `[${l.address}]` : l.address;
  return l.kind === 'raw' ? `raw ${l.family === 6 ? 'IPv6' : 'IPv4'} protocol ${l.port}` : l.kind === 'packet' ? 'packet socket' : `${a}:${l.port}/${l.kind}`;
}

/** Every finding for one listener, most severe first. */
export function findingsFor(l: Listener, ctx: FindingContext): Finding[] {
  const out: Finding[] = [];
  const p = l.processes[0];
  const exe = p?.exe;
  const pkg = exe === undefined ? undefined : ctx.packageOf(exe);
  const packaged = typeof pkg === 'string';

  if (p === undefined) {
    out.push(finding('unknown-owner', 'info', t(`no process could be tied to this socket (owner uid ${l.uid}): another user's process when the audit is not root, else the kernel or a process in another PID namespace`, `no se pudo asociar ningún proceso a este socket (uid propietario ${l.uid}): un proceso de otro usuario si la auditoría no es root; si no, el núcleo o un proceso de otro espacio de PID`)));
  }
  for (const proc of l.processes) {
    if (proc.exeDeleted === true) {
      out.push(finding('exe-deleted', 'high', t(`${proc.name} (pid ${proc.pid}) runs from ${proc.exe ?? 'an executable'} which was deleted or replaced after it started: malware deletes itself to hide; an upgrade without a restart looks the same`, `${proc.name} (pid ${proc.pid}) se ejecuta desde ${proc.exe ?? 'un ejecutable'}, que se borró o reemplazó después de arrancar: el malware se borra para ocultarse; una actualización sin reinicio tiene el mismo aspecto`)));
      break;
    }
  }
  if (exe !== undefined) {
    const tmp = TEMP_DIRS.find((d) => exe.startsWith(d));
    if (tmp !== undefined) {
      out.push(finding('exe-in-temp-dir', 'high', t(`the executable ${exe} lives in ${tmp}, a world-writable or memory-backed directory where installed software never lives but dropped malware does`, `el ejecutable ${exe} está en ${tmp}, un directorio escribible por todos o en memoria donde nunca vive el software instalado pero sí el malware descargado`)));
    }
    const hidden = hiddenDir(exe);
    if (hidden !== undefined) {
      out.push(finding('exe-in-hidden-dir', 'high', t(`the executable ${exe} lives in the hidden directory "${hidden}": installed software does not hide`, `el ejecutable ${exe} está en el directorio oculto "${hidden}": el software instalado no se esconde`)));
    }
  }
  if (p !== undefined) {
    const name = exeName(p);
    if (SHELLS.has(name)) {
      out.push(finding('shell-listening', 'critical', t(`a shell (${name}) holds this socket itself: a bind shell gives whoever connects a command line`, `un intérprete de órdenes (${name}) tiene este socket: una «bind shell» da una línea de órdenes a quien se conecte`)));
    } else if (RELAYS.has(name)) {
      out.push(finding('netcat-listening', 'high', t(`${name} listens here: netcat and socat are how bind shells and ad-hoc relays are made`, `${name} escucha aquí: netcat y socat son la forma de montar «bind shells» y reenvíos improvisados`)));
    } else if (INTERPRETER.test(name)) {
      out.push(finding('interpreter-listening', TEMP_DIRS.some((d) => exe?.startsWith(d)) ? 'high' : 'low', t(`a script interpreter (${name}) listens directly; common for applications, but also how script backdoors listen — check the script: ${p.cmdline.slice(0, 4).join(' ')}`, `un intérprete de scripts (${name}) escucha directamente; es habitual en aplicaciones, pero también es como escuchan las puertas traseras en script — revise el script: ${p.cmdline.slice(0, 4).join(' ')}`)));
    }
  }

  if ((l.kind === 'tcp' || l.kind === 'udp') && l.scope === 'all') {
    // comm and the executable's name both count: Debian's redis-server is a link to redis-check-rdb.
    const names = new Set(l.processes.flatMap((x) => [x.name, exeName(x)]));
    const svc = LOCAL_SERVICES.find((s) => s.procs.some((n) => names.has(n)) || (l.kind === 'tcp' && s.ports.includes(l.port) && (p === undefined || s.procs.length === 0 || !packaged)));
    if (svc !== undefined) {
      const reach = l.exposure === 'reachable';
      out.push(finding('local-service-on-all-interfaces', reach ? 'high' : 'medium', t(`${svc.name} normally serves only this machine or a private network, but listens on every interface (${where(l)})${reach ? ' and the firewall lets other machines in' : ''}: bind it to 127.0.0.1 or a private address`, `${svc.name} normalmente solo sirve a esta máquina o a una red privada, pero escucha en todas las interfaces (${where(l)})${reach ? ' y el cortafuegos deja entrar a otras máquinas' : ''}: enlácelo a 127.0.0.1 o a una dirección privada`)));
    }
  }

  if ((l.kind === 'tcp' || l.kind === 'udp') && BACKDOOR_PORTS.has(l.port)) {
    const what = BACKDOOR_PORTS.get(l.port)!;
    const suspicious: string[] = [];
    const sospechas: string[] = [];
    const why = (en: string, es: string): void => {
      suspicious.push(en);
      sospechas.push(es);
    };
    if (p === undefined) why('its owner is unknown', 'su propietario es desconocido');
    if (pkg === null) why('its executable belongs to no package', 'su ejecutable no pertenece a ningún paquete');
    if (out.some((f) => f.severity === 'high' || f.severity === 'critical')) why('it has other findings', 'tiene otros hallazgos');
    if (ctx.known !== undefined && !ctx.known(l)) why('it is new since the baseline', 'es nuevo desde la línea base');
    if (suspicious.length > 0) {
      out.push(finding('backdoor-port', suspicious.length >= 2 ? 'high' : 'medium', t(`port ${l.port} is a known backdoor port (${what}) and ${suspicious.join(', ')}`, `el puerto ${l.port} es un puerto conocido de puertas traseras (${what}) y ${sospechas.join(', ')}`)));
    }
  }

  if (l.kind === 'raw' || l.kind === 'packet') {
    const sev: Severity = packaged ? 'info' : 'medium';
    const who = p === undefined ? 'an unknown process' : `${p.name} (pid ${p.pid})`;
    const quien = p === undefined ? 'un proceso desconocido' : `${p.name} (pid ${p.pid})`;
    out.push(
      l.kind === 'raw'
        ? finding('raw-socket', sev, t(`${who} reads raw IP packets of protocol ${l.port}: such a listener has no port, so port scans never see it (portless backdoors wait for a magic packet this way)${packaged ? '; its executable is packaged' : ''}`, `${quien} lee paquetes IP en bruto del protocolo ${l.port}: un oyente así no tiene puerto y los escaneos nunca lo ven (las puertas traseras sin puerto esperan así un paquete mágico)${packaged ? '; su ejecutable viene de un paquete' : ''}`))
        : finding('packet-socket', sev, t(`${who} reads every frame of ${l.scope === 'all' ? 'every interface' : 'one interface'} (a packet socket, ethertype 0x${l.port.toString(16).padStart(4, '0')}): sniffers, DHCP clients and portless backdoors do this${packaged ? '; its executable is packaged' : ''}`, `${quien} lee todas las tramas de ${l.scope === 'all' ? 'todas las interfaces' : 'una interfaz'} (un socket de paquetes): lo hacen los analizadores de tráfico, los clientes DHCP y las puertas traseras sin puerto${packaged ? '; su ejecutable viene de un paquete' : ''}`)),
    );
  }

  if (pkg === null && exe !== undefined) {
    out.push(finding('unpackaged-exe', 'info', t(`weak hint: ${exe} belongs to no installed package (software installed by hand, a container image, or a dropped binary)`, `indicio débil: ${exe} no pertenece a ningún paquete instalado (software instalado a mano, una imagen de contenedor o un binario descargado)`)));
  }

  const order: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
  return out.sort((a, b) => order[a.severity] - order[b.severity]);
}

/** A listener whose port cannot be bound although no socket table lists it (the unhide check). */
export function hiddenPortFinding(proto: 'tcp' | 'udp', port: number): Finding {
  return finding('hidden-port', 'critical', t(`${proto} port ${port} is in use (binding it fails with EADDRINUSE) yet no socket table lists it: a rootkit hiding a listener looks like this`, `el puerto ${proto} ${port} está en uso (enlazarlo falla con EADDRINUSE) y sin embargo ninguna tabla de sockets lo lista: así se ve un rootkit que oculta un oyente`));
}
