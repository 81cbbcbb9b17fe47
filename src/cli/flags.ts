/**
 * Every flag of the CLI, declared once as data: the parser, --help (English and Spanish) and
 * docs/reference/cli.md are all generated from this table.
 *
 * Why not commander or yargs: nmap users type nmap's flags — multi-letter short flags (-sT,
 * -oN, -iL, -Pn), attached values (-p22, -T4, -p-) — which those parsers cannot express
 * without fighting them. The grammar is small, so the parser is ours and tested by tables.
 */

/** How a flag takes its value. */
export type FlagKind = 'boolean' | 'count' | 'string' | 'int' | 'number' | 'duration' | 'list' | 'output' | 'timing' | 'enum';

/** Help groups, in the order --help prints them (as nmap -h). */
export const GROUPS = {
  target: { en: 'TARGET SPECIFICATION', es: 'ESPECIFICACIÓN DE OBJETIVOS' },
  ports: { en: 'PORT SPECIFICATION AND SCAN ORDER', es: 'ESPECIFICACIÓN DE PUERTOS Y ORDEN' },
  technique: { en: 'SCAN TECHNIQUES AND HOST DISCOVERY', es: 'TÉCNICAS DE ESCANEO Y DESCUBRIMIENTO' },
  timing: { en: 'TIMING AND PERFORMANCE', es: 'TIEMPOS Y RENDIMIENTO' },
  output: { en: 'OUTPUT', es: 'SALIDA' },
  audit: { en: 'AUDIT (portcullis audit)', es: 'AUDITORÍA (portcullis audit)' },
  firewall: { en: 'FIREWALL (portcullis firewall)', es: 'CORTAFUEGOS (portcullis firewall)' },
  misc: { en: 'MISC', es: 'VARIOS' },
} as const;

/** The commands of the CLI. */
export type Command = 'scan' | 'audit' | 'firewall';

const BOTH = ['scan', 'audit', 'firewall'] as const;

/** One flag. `key` is the ScanCliOptions field it sets (or a global setting). */
export interface FlagSpec {
  readonly names: readonly string[];
  readonly kind: FlagKind;
  readonly key: string;
  readonly group: keyof typeof GROUPS;
  /** Placeholder of the value in help. */
  readonly value?: string;
  /** Allowed values (kind 'enum'). */
  readonly choices?: readonly string[];
  /** Value may be glued to a short flag (-p22, -T4). */
  readonly attached?: boolean;
  /** Output format for 'output' flags. */
  readonly format?: 'normal' | 'xml' | 'ndjson' | 'csv' | 'all';
  /** Fixed value stored for boolean-like flags that set something else (-F). */
  readonly sets?: number | boolean | string;
  readonly min?: number;
  readonly max?: number;
  /** The commands that take this flag; default: scan only. */
  readonly commands?: readonly Command[];
  readonly help: { readonly en: string; readonly es: string };
}

/** The table. */
export const FLAGS: readonly FlagSpec[] = [
  { names: ['-iL'], kind: 'string', key: 'inputList', group: 'target', value: 'FILE', help: { en: 'Read targets from FILE ("-" = standard input; "#" starts a comment)', es: 'Lee los objetivos de FILE ("-" = entrada estándar; "#" inicia un comentario)' } },
  { names: ['--exclude'], kind: 'list', key: 'exclude', group: 'target', value: 'LIST', help: { en: 'Never scan these targets (comma-separated addresses, ranges, names)', es: 'No escanea nunca estos objetivos (direcciones, rangos o nombres separados por comas)' } },
  { names: ['--excludefile'], kind: 'string', key: 'excludeFile', group: 'target', value: 'FILE', help: { en: 'Never scan the targets listed in FILE', es: 'No escanea nunca los objetivos listados en FILE' } },
  { names: ['--resolve-all'], kind: 'boolean', key: 'resolveAll', group: 'target', help: { en: 'Scan every address a hostname resolves to, not just the first', es: 'Escanea todas las direcciones de un nombre, no solo la primera' } },
  { names: ['-n'], kind: 'boolean', key: 'noResolve', group: 'target', help: { en: 'Never do reverse DNS resolution (Portcullis does none yet; accepted for nmap habits)', es: 'Sin resolución DNS inversa (Portcullis aún no la hace; se acepta por costumbre de nmap)' } },
  { names: ['-p'], kind: 'string', key: 'ports', group: 'ports', value: 'PORTS', attached: true, commands: ['scan', 'firewall'], help: { en: 'Ports to scan: 22,80,1000-2000 / - (all) / -1024 / 60000- / http / T:22', es: 'Puertos a escanear: 22,80,1000-2000 / - (todos) / -1024 / 60000- / http / T:22' } },
  { names: ['--top-ports'], kind: 'int', key: 'topPorts', group: 'ports', value: 'N', min: 1, max: 65535, help: { en: 'Scan the N most commonly exposed ports (default: 1000)', es: 'Escanea los N puertos expuestos más comunes (por defecto: 1000)' } },
  { names: ['-F'], kind: 'boolean', key: 'topPorts', sets: 100, group: 'ports', help: { en: 'Fast mode: the top 100 ports', es: 'Modo rápido: los 100 puertos principales' } },
  { names: ['--exclude-ports'], kind: 'string', key: 'excludePorts', group: 'ports', value: 'PORTS', help: { en: 'Never scan these ports', es: 'No escanea nunca estos puertos' } },
  { names: ['-r'], kind: 'boolean', key: 'sequential', group: 'ports', help: { en: 'Scan in order instead of a randomized order', es: 'Escanea en orden en lugar de en orden aleatorio' } },
  { names: ['--seed'], kind: 'string', key: 'seed', group: 'ports', value: 'TEXT', help: { en: 'Seed of the randomized order: the same seed repeats the same order', es: 'Semilla del orden aleatorio: la misma semilla repite el mismo orden' } },
  { names: ['-sS'], kind: 'boolean', key: 'synScan', group: 'technique', help: { en: 'TCP SYN scan with raw packets (the default as root; needs root or CAP_NET_RAW and the native addon)', es: 'Escaneo TCP SYN con paquetes propios (por defecto como root; requiere root o CAP_NET_RAW y el complemento nativo)' } },
  { names: ['-sT'], kind: 'boolean', key: 'connectScan', group: 'technique', help: { en: 'TCP connect scan (the default without privileges)', es: 'Escaneo TCP connect (por defecto sin privilegios)' } },
  { names: ['-sU'], kind: 'boolean', key: 'udpScan', group: 'technique', help: { en: 'UDP scan: a protocol request to well-known ports, an empty datagram elsewhere', es: 'Escaneo UDP: una petición del protocolo a los puertos conocidos, un datagrama vacío en los demás' } },
  { names: ['--udp-fast'], kind: 'boolean', key: 'udpFast', group: 'technique', help: { en: "UDP: do not slow down to the target's ICMP rate limit; ports whose answer it suppressed read open|filtered", es: 'UDP: no frena al límite de ICMP del objetivo; los puertos cuya respuesta se suprimió quedan open|filtered' } },
  { names: ['--verify'], kind: 'boolean', key: 'verify', group: 'technique', help: { en: 'Confirm every open port with a full connect and a data exchange', es: 'Confirma cada puerto abierto con una conexión completa y un intercambio de datos' } },
  { names: ['-sV'], kind: 'boolean', key: 'serviceDetection', group: 'technique', help: { en: 'Service and version detection: talk to each open port (banner, protocol probes, TLS) to name what listens there', es: 'Detección de servicios y versiones: habla con cada puerto abierto (banner, sondas del protocolo, TLS) para nombrar lo que escucha' } },
  { names: ['--version-intensity'], kind: 'int', key: 'versionIntensity', group: 'technique', value: '0-9', min: 0, max: 9, help: { en: 'With -sV: how many probes beyond those meant for the port, 0 (fewest, fastest) to 9 (all); default 7', es: 'Con -sV: cuántas sondas además de las propias del puerto, de 0 (menos, más rápido) a 9 (todas); por defecto 7' } },
  { names: ['--version-timeout'], kind: 'duration', key: 'versionTimeout', group: 'technique', value: 'TIME', help: { en: 'With -sV: the most time spent identifying one port (default 12s)', es: 'Con -sV: el tiempo máximo dedicado a identificar un puerto (por defecto 12s)' } },
  { names: ['--version-light'], kind: 'boolean', key: 'versionIntensity', sets: 2, group: 'technique', help: { en: 'With -sV: --version-intensity 2', es: 'Con -sV: --version-intensity 2' } },
  { names: ['--version-all'], kind: 'boolean', key: 'versionIntensity', sets: 9, group: 'technique', help: { en: 'With -sV: --version-intensity 9', es: 'Con -sV: --version-intensity 9' } },
  { names: ['-Pn'], kind: 'boolean', key: 'noPing', group: 'technique', help: { en: 'Skip host discovery: treat every host as up', es: 'Omite el descubrimiento de hosts: trata todos los hosts como activos' } },
  { names: ['-sn'], kind: 'boolean', key: 'pingOnly', group: 'technique', help: { en: 'Host discovery only: which hosts are up, no port scan', es: 'Solo descubrimiento de hosts: qué hosts están activos, sin escanear puertos' } },
  { names: ['-T'], kind: 'timing', key: 'timing', group: 'timing', value: '0-5', attached: true, help: { en: 'Timing template: 0 paranoid, 1 sneaky, 2 polite, 3 normal, 4 aggressive, 5 insane', es: 'Plantilla de tiempos: 0 paranoico, 1 sigiloso, 2 educado, 3 normal, 4 agresivo, 5 demencial' } },
  { names: ['--min-rate'], kind: 'number', key: 'minRate', group: 'timing', value: 'N', min: 0, help: { en: 'Send at least N probes per second', es: 'Envía al menos N sondas por segundo' } },
  { names: ['--max-rate'], kind: 'number', key: 'maxRate', group: 'timing', value: 'N', min: 0, help: { en: 'Send at most N probes per second', es: 'Envía como mucho N sondas por segundo' } },
  { names: ['--min-parallelism'], kind: 'int', key: 'minParallelism', group: 'timing', value: 'N', min: 1, help: { en: 'Keep at least N probes in flight', es: 'Mantiene al menos N sondas en curso' } },
  { names: ['--max-parallelism'], kind: 'int', key: 'maxParallelism', group: 'timing', value: 'N', min: 1, help: { en: 'Keep at most N probes in flight (also capped by the open-file limit)', es: 'Mantiene como mucho N sondas en curso (también limitado por el límite de ficheros abiertos)' } },
  { names: ['--max-retries'], kind: 'int', key: 'maxRetries', group: 'timing', value: 'N', min: 0, max: 50, help: { en: 'Retransmit a silent port at most N times', es: 'Retransmite a un puerto silencioso como mucho N veces' } },
  { names: ['--host-timeout'], kind: 'duration', key: 'hostTimeout', group: 'timing', value: 'TIME', help: { en: 'Give up on a host after TIME (e.g. 30s, 5m)', es: 'Abandona un host tras TIME (p. ej. 30s, 5m)' } },
  { names: ['--initial-rtt-timeout'], kind: 'duration', key: 'initialRttTimeout', group: 'timing', value: 'TIME', help: { en: 'Probe timeout before any RTT is known', es: 'Tiempo de espera de una sonda antes de conocer el RTT' } },
  { names: ['--min-rtt-timeout'], kind: 'duration', key: 'minRttTimeout', group: 'timing', value: 'TIME', help: { en: 'Lower bound of the probe timeout', es: 'Límite inferior del tiempo de espera de una sonda' } },
  { names: ['--max-rtt-timeout'], kind: 'duration', key: 'maxRttTimeout', group: 'timing', value: 'TIME', help: { en: 'Upper bound of the probe timeout', es: 'Límite superior del tiempo de espera de una sonda' } },
  { names: ['--scan-delay'], kind: 'duration', key: 'scanDelay', group: 'timing', value: 'TIME', help: { en: 'Wait TIME between probes', es: 'Espera TIME entre sondas' } },
  { names: ['-oN'], kind: 'output', format: 'normal', key: 'outputs', group: 'output', value: 'FILE', commands: BOTH, help: { en: 'Normal output to FILE ("-" = standard output)', es: 'Salida normal a FILE ("-" = salida estándar)' } },
  { names: ['-oX'], kind: 'output', format: 'xml', key: 'outputs', group: 'output', value: 'FILE', help: { en: 'XML output in nmap\'s format to FILE', es: 'Salida XML en el formato de nmap a FILE' } },
  { names: ['-oJ'], kind: 'output', format: 'ndjson', key: 'outputs', group: 'output', value: 'FILE', commands: BOTH, help: { en: 'NDJSON output to FILE (one record per line)', es: 'Salida NDJSON a FILE (un registro por línea)' } },
  { names: ['-oC'], kind: 'output', format: 'csv', key: 'outputs', group: 'output', value: 'FILE', help: { en: 'CSV output to FILE', es: 'Salida CSV a FILE' } },
  { names: ['-oA'], kind: 'output', format: 'all', key: 'outputs', group: 'output', value: 'BASE', help: { en: 'All formats: BASE.nmap, BASE.xml, BASE.ndjson, BASE.csv', es: 'Todos los formatos: BASE.nmap, BASE.xml, BASE.ndjson, BASE.csv' } },
  { names: ['--reason'], kind: 'boolean', key: 'reason', group: 'output', help: { en: 'Show why each port has its state', es: 'Muestra por qué cada puerto tiene su estado' } },
  { names: ['--explain'], kind: 'boolean', key: 'explain', group: 'output', commands: BOTH, help: { en: 'Under each open port: what the service is, why exposing it is risky and how to restrict it (the -oJ output always carries this)', es: 'Bajo cada puerto abierto: qué es el servicio, por qué es arriesgado exponerlo y cómo restringirlo (la salida -oJ siempre lo incluye)' } },
  { names: ['--open'], kind: 'boolean', key: 'open', group: 'output', help: { en: 'List only open ports', es: 'Lista solo los puertos abiertos' } },
  { names: ['-v'], kind: 'count', key: 'verbose', group: 'output', commands: BOTH, help: { en: 'More output (-vv for even more)', es: 'Más detalle (-vv para aún más)' } },
  { names: ['--progress'], kind: 'boolean', key: 'progress', sets: true, group: 'output', help: { en: 'Always show the progress line on standard error', es: 'Muestra siempre la línea de progreso en la salida de error' } },
  { names: ['--no-progress'], kind: 'boolean', key: 'progress', sets: false, group: 'output', help: { en: 'Never show the progress line', es: 'No muestra nunca la línea de progreso' } },
  { names: ['--no-color'], kind: 'boolean', key: 'noColor', group: 'output', commands: BOTH, help: { en: 'No colours (NO_COLOR is respected too)', es: 'Sin colores (también se respeta NO_COLOR)' } },
  { names: ['--policy'], kind: 'string', key: 'policy', group: 'audit', value: 'FILE', commands: ['audit', 'firewall'], help: { en: 'Check the listeners against a policy file (YAML, docs/reference/policy.md); exit 1 on any deviation', es: 'Comprueba los oyentes contra un fichero de política (YAML, docs/reference/policy.md); sale con 1 ante cualquier desviación' } },
  { names: ['--save-baseline'], kind: 'string', key: 'saveBaseline', group: 'audit', value: 'FILE', commands: ['audit'], help: { en: 'Save the listeners found as a baseline to compare later runs with', es: 'Guarda los oyentes encontrados como línea base para comparar ejecuciones posteriores' } },
  { names: ['--baseline'], kind: 'string', key: 'baseline', group: 'audit', value: 'FILE', commands: ['audit'], help: { en: 'Report what appeared, vanished or changed owner or executable since the baseline; exit 1 on any change', es: 'Informa de lo que apareció, desapareció o cambió de propietario o ejecutable desde la línea base; sale con 1 ante cualquier cambio' } },
  { names: ['--hidden-ports'], kind: 'boolean', key: 'hiddenPorts', group: 'audit', commands: ['audit'], help: { en: 'Also look for hidden ports: bind every port no table lists (takes a few seconds; each free port is held for microseconds)', es: 'Busca también puertos ocultos: enlaza cada puerto que ninguna tabla lista (tarda unos segundos; cada puerto libre se ocupa durante microsegundos)' } },
  { names: ['--from-audit'], kind: 'boolean', key: 'fromAudit', group: 'firewall', commands: ['firewall'], help: { en: 'Instead of a policy: allow the listeners the audit finds reachable and sound, close everything else', es: 'En lugar de una política: permite los oyentes que la auditoría encuentra accesibles y sanos, cierra todo lo demás' } },
  { names: ['--backend'], kind: 'enum', key: 'backend', choices: ['nftables', 'iptables', 'ufw', 'firewalld', 'pf', 'windows'], group: 'firewall', value: 'NAME', commands: ['firewall'], help: { en: 'Firewall to write for: nftables, iptables, ufw, firewalld, pf, windows (default: the active one)', es: 'Cortafuegos para el que escribir: nftables, iptables, ufw, firewalld, pf, windows (por defecto: el activo)' } },
  { names: ['--timeout'], kind: 'duration', key: 'timeout', group: 'firewall', value: 'TIME', commands: ['firewall'], help: { en: 'apply: roll back unless "portcullis firewall confirm" comes within TIME (default 30s; 0 = no automatic rollback)', es: 'apply: deshace los cambios si «portcullis firewall confirm» no llega antes de TIME (por defecto 30s; 0 = sin vuelta atrás automática)' } },
  { names: ['--no-ssh-guard'], kind: 'boolean', key: 'noSshGuard', group: 'firewall', commands: ['firewall'], help: { en: 'Do not keep the port of the current SSH session open (you may lock yourself out)', es: 'No mantiene abierto el puerto de la sesión SSH actual (puede quedarse fuera)' } },
  { names: ['--state-dir'], kind: 'string', key: 'stateDir', group: 'firewall', value: 'DIR', commands: ['firewall'], help: { en: 'Where apply keeps the saved ruleset (default /var/lib/portcullis/firewall)', es: 'Dónde guarda apply el conjunto de reglas anterior (por defecto /var/lib/portcullis/firewall)' } },
  { names: ['--lang'], kind: 'enum', key: 'lang', choices: ['en', 'es'], group: 'misc', value: 'en|es', commands: BOTH, help: { en: 'Language of help and output (default: from the locale)', es: 'Idioma de la ayuda y la salida (por defecto: el de la configuración regional)' } },
  { names: ['-h', '--help'], kind: 'boolean', key: 'help', group: 'misc', commands: BOTH, help: { en: 'Show this help', es: 'Muestra esta ayuda' } },
  { names: ['-V', '--version'], kind: 'boolean', key: 'version', group: 'misc', commands: BOTH, help: { en: 'Show the version', es: 'Muestra la versión' } },
];
