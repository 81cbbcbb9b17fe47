/**
 * The firewall's rule model: what a policy means as inbound filtering, independent of any
 * backend. Every renderer (nftables, iptables, ufw, firewalld, pf, Windows) turns this one model
 * into its own syntax, so they all close and open the same things. Pure.
 *
 * Shape of every ruleset: default deny inbound; established/related and loopback accepted;
 * invalid dropped; the ICMP and ICMPv6 messages networks need; then, in order, the SSH lock-out
 * guard, the deny entries (dropped even where an allow range overlaps), and the allow entries.
 */
import { t, type Bilingual } from '../core/errors.js';
import type { Listener } from '../audit/types.js';
import type { Policy, PolicyCidr, PortRange } from '../policy/policy.js';

/** One filtering rule for new inbound connections. */
export interface FirewallRule {
  readonly action: 'accept' | 'drop';
  readonly proto: 'tcp' | 'udp';
  readonly ports: PortRange;
  /** Sources; undefined = any. A rule with sources of one family only applies to that family. */
  readonly from?: readonly PolicyCidr[];
  /** Input interface; undefined = any. */
  readonly iface?: string;
  /** Where the rule comes from: a policy entry (list and line) or the SSH guard. */
  readonly origin: { readonly kind: 'allow' | 'deny'; readonly line: number } | { readonly kind: 'ssh-guard' };
  /** Short ASCII comment for the backend ('policy.yaml:4 allow 22/tcp'); renderers quote it. */
  readonly comment: string;
}

/** An ICMP or ICMPv6 type inbound traffic needs. */
export interface IcmpType {
  readonly family: 4 | 6;
  /** nftables / iptables name ('echo-request', 'nd-neighbor-solicit'). */
  readonly name: string;
  readonly type: number;
  /** Why it must stay open. */
  readonly why: string;
}

/** Advice printed beside the rules: where closing at the service is the better fix. */
export interface PlanNote {
  readonly kind: 'bind-loopback' | 'disable-service' | 'loopback-entry' | 'ssh-guard' | 'no-guard';
  readonly port?: number;
  readonly proto?: 'tcp' | 'udp';
  readonly text: Bilingual;
}

/** Everything a renderer needs. */
export interface RuleModel {
  /** Name of the policy file, for comments. */
  readonly source: string;
  readonly rules: readonly FirewallRule[];
  readonly icmp: readonly IcmpType[];
  readonly notes: readonly PlanNote[];
}

/**
 * ICMP that must pass a default-deny input chain (RFC 4890 for ICMPv6: neighbour discovery,
 * packet-too-big for path MTU discovery, and the errors). Echo request is allowed so the host
 * answers ping, as most hardening guides keep it.
 */
export const ICMP_TYPES: readonly IcmpType[] = [
  { family: 4, name: 'echo-request', type: 8, why: 'ping' },
  { family: 4, name: 'destination-unreachable', type: 3, why: 'errors, path MTU discovery (fragmentation needed)' },
  { family: 4, name: 'time-exceeded', type: 11, why: 'traceroute, loop errors' },
  { family: 4, name: 'parameter-problem', type: 12, why: 'header errors' },
  { family: 6, name: 'echo-request', type: 128, why: 'ping' },
  { family: 6, name: 'destination-unreachable', type: 1, why: 'errors (RFC 4890 4.3.1)' },
  { family: 6, name: 'packet-too-big', type: 2, why: 'path MTU discovery; IPv6 routers never fragment (RFC 4890 4.3.1)' },
  { family: 6, name: 'time-exceeded', type: 3, why: 'errors (RFC 4890 4.3.1)' },
  { family: 6, name: 'parameter-problem', type: 4, why: 'errors (RFC 4890 4.3.1)' },
  { family: 6, name: 'nd-router-solicit', type: 133, why: 'neighbour discovery (RFC 4890 4.4.1)' },
  { family: 6, name: 'nd-router-advert', type: 134, why: 'neighbour discovery: default route and addresses (RFC 4890 4.4.1)' },
  { family: 6, name: 'nd-neighbor-solicit', type: 135, why: 'neighbour discovery: IPv6 ARP (RFC 4890 4.4.1)' },
  { family: 6, name: 'nd-neighbor-advert', type: 136, why: 'neighbour discovery: IPv6 ARP (RFC 4890 4.4.1)' },
  { family: 6, name: 'mld-listener-query', type: 130, why: 'multicast listener discovery (RFC 4890 4.4.1)' },
  { family: 6, name: 'mld-listener-report', type: 131, why: 'multicast listener discovery' },
  { family: 6, name: 'mld2-listener-report', type: 143, why: 'multicast listener discovery v2' },
];

/** The SSH session the command runs in, from SSH_CONNECTION ("client port server port"). */
export function sshSession(value: string | undefined): { client: string; port: number } | undefined {
  const f = value?.trim().split(/\s+/);
  if (f?.length !== 4) return undefined;
  const port = Number(f[3]);
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? { client: f[0]!.replace(/%.*$/, ''), port } : undefined;
}

/** Options of buildRuleModel. */
export interface ModelOptions {
  /** SSH_CONNECTION of the session running the command; its server port is always allowed. */
  readonly sshConnection?: string | undefined;
  /** Leave out the SSH guard (the user forced it). */
  readonly noGuard?: boolean;
  /** The machine's listeners (from an audit), to say where closing at the service is better. */
  readonly listeners?: readonly Listener[] | undefined;
}

function covers(r: PortRange, port: number): boolean {
  return port >= r.first && port <= r.last;
}

function rangeText(r: PortRange): string {
  return r.first === r.last ? String(r.first) : `${r.first}-${r.last}`;
}

/** ASCII-only comment text: backends differ in what they accept, so keep it plain. */
function ascii(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?').replace(/["'\\`$]/g, '').slice(0, 60);
}

const LOCAL_PROCS = new Set(['redis-server', 'postgres', 'mysqld', 'mariadbd', 'mongod', 'memcached', 'beam.smp', 'epmd', 'mosquitto', 'nats-server', 'dockerd', 'etcd', 'influxd', 'clickhouse-server']);

/** The rule model of a policy. */
export function buildRuleModel(policy: Policy, opts: ModelOptions = {}): RuleModel {
  const rules: FirewallRule[] = [];
  const notes: PlanNote[] = [];
  const src = ascii(policy.file);
  const ssh = sshSession(opts.sshConnection);
  if (ssh !== undefined && opts.noGuard !== true) {
    rules.push({ action: 'accept', proto: 'tcp', ports: { first: ssh.port, last: ssh.port }, origin: { kind: 'ssh-guard' }, comment: `lock-out guard: ssh session from ${ascii(ssh.client)}` });
    notes.push({ kind: 'ssh-guard', port: ssh.port, proto: 'tcp', text: t(`port ${ssh.port}/tcp stays open: this command runs in an SSH session on it (SSH_CONNECTION); --no-ssh-guard removes that`, `el puerto ${ssh.port}/tcp sigue abierto: esta orden se ejecuta en una sesión SSH por él (SSH_CONNECTION); --no-ssh-guard lo quita`) });
  } else if (ssh !== undefined) {
    notes.push({ kind: 'no-guard', port: ssh.port, proto: 'tcp', text: t(`the SSH session on port ${ssh.port}/tcp is NOT guarded (--no-ssh-guard): if the policy does not allow it, new SSH connections will fail`, `la sesión SSH del puerto ${ssh.port}/tcp NO está protegida (--no-ssh-guard): si la política no lo permite, las nuevas conexiones SSH fallarán`) });
  }
  for (const d of policy.deny) {
    rules.push({
      action: 'drop',
      proto: d.proto,
      ports: d.port,
      ...(d.from === undefined ? {} : { from: d.from }),
      ...(d.interface === undefined ? {} : { iface: d.interface }),
      origin: { kind: 'deny', line: d.line },
      comment: `${src}:${d.line} deny ${rangeText(d.port)}/${d.proto}`,
    });
  }
  for (const a of policy.allow) {
    if (a.bind?.kind === 'scope' && a.bind.scope === 'loopback') {
      // Loopback traffic is accepted wholesale and other machines cannot reach a loopback socket.
      notes.push({ kind: 'loopback-entry', port: a.port.first, proto: a.proto, text: t(`${src} line ${a.line}: ${rangeText(a.port)}/${a.proto} is bound to loopback: no inbound rule is needed`, `${src} línea ${a.line}: ${rangeText(a.port)}/${a.proto} está enlazado al bucle local: no necesita regla de entrada`) });
      continue;
    }
    rules.push({
      action: 'accept',
      proto: a.proto,
      ports: a.port,
      ...(a.from === undefined ? {} : { from: a.from }),
      ...(a.interface === undefined ? {} : { iface: a.interface }),
      origin: { kind: 'allow', line: a.line },
      comment: `${src}:${a.line} allow ${rangeText(a.port)}/${a.proto}`,
    });
  }
  for (const l of opts.listeners ?? []) {
    if ((l.kind !== 'tcp' && l.kind !== 'udp') || l.scope === 'loopback') continue;
    const allowed = rules.some((r) => r.action === 'accept' && r.proto === l.kind && covers(r.ports, l.port));
    if (allowed || notes.some((n) => n.port === l.port && n.proto === l.kind)) continue;
    const p = l.processes[0];
    const who = p === undefined ? 'a process' : `${p.name} (pid ${p.pid})`;
    const quien = p === undefined ? 'un proceso' : `${p.name} (pid ${p.pid})`;
    const local = l.processes.some((x) => LOCAL_PROCS.has(x.name)) || l.findings.some((f) => f.id === 'local-service-on-all-interfaces');
    notes.push(
      local
        ? { kind: 'bind-loopback', port: l.port, proto: l.kind, text: t(`${l.port}/${l.kind}: ${who} listens on ${l.address}; the firewall will drop it, but better bind it to 127.0.0.1 (or a private address) in its configuration`, `${l.port}/${l.kind}: ${quien} escucha en ${l.address}; el cortafuegos lo bloqueará, pero es mejor enlazarlo a 127.0.0.1 (o a una dirección privada) en su configuración`) }
        : { kind: 'disable-service', port: l.port, proto: l.kind, text: t(`${l.port}/${l.kind}: ${who} listens on ${l.address} and the policy does not allow it; the firewall will drop it — if nothing needs it, stop and disable the service instead`, `${l.port}/${l.kind}: ${quien} escucha en ${l.address} y la política no lo permite; el cortafuegos lo bloqueará — si nadie lo necesita, detenga y deshabilite el servicio`) },
    );
  }
  return { source: src, rules, icmp: ICMP_TYPES, notes };
}
