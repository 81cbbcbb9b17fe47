/**
 * `portcullis firewall verify` and `--from-audit`: the policy checked against a real scan, and a
 * policy made from the machine's listeners. The verdict logic is pure (expectedState, judge,
 * policyFromListeners, verifyPorts); runVerify is the edge that scans.
 */
import { createSocket } from 'node:dgram';
import { t, type Bilingual } from '../core/errors.js';
import type { PortState } from '../core/types.js';
import { parseIp } from '../core/ip.js';
import { serviceLookup } from '../identify/services.js';
import type { Listener } from '../audit/types.js';
import type { AllowEntry, Policy, PolicyCidr } from '../policy/policy.js';
import { scan } from '../scan/scan.js';

/** What the policy says about one port for a given source address. */
export type PolicyVerdict = { readonly action: 'allow' | 'deny' | 'default'; readonly line?: number };

function inCidr(addr: string, c: PolicyCidr): boolean {
  const a = parseIp(addr.replace(/%.*$/, ''));
  const n = parseIp(c.address);
  if (a === null || n === null || a.family !== c.family || n.family !== c.family) return false;
  const bits = c.family === 4 ? 32 : 128;
  const shift = BigInt(bits - c.prefix);
  return BigInt(a.value) >> shift === BigInt(n.value) >> shift;
}

/** The policy's decision for a new connection to port/proto from `source` (deny wins, then allow, else the default deny). */
export function policyVerdict(policy: Policy, proto: 'tcp' | 'udp', port: number, source: string | undefined, guardPort?: number): PolicyVerdict {
  const hit = (e: { proto: string; port: { first: number; last: number }; from?: readonly PolicyCidr[] }): boolean =>
    e.proto === proto && port >= e.port.first && port <= e.port.last && (e.from === undefined || (source !== undefined && e.from.some((c) => inCidr(source, c))));
  if (guardPort !== undefined && proto === 'tcp' && port === guardPort) return { action: 'allow' };
  const d = policy.deny.find(hit);
  if (d !== undefined) return { action: 'deny', line: d.line };
  // Loopback-bound entries get no inbound rule: from outside, such a port is closed to others.
  const a = policy.allow.find((e) => hit(e) && !(e.bind?.kind === 'scope' && e.bind.scope === 'loopback'));
  return a === undefined ? { action: 'default' } : { action: 'allow', line: a.line };
}

/** One verified port. */
export interface VerifiedPort {
  readonly proto: 'tcp' | 'udp';
  readonly port: number;
  readonly verdict: PolicyVerdict;
  /** 'answers': open or closed (a host that answers); 'filtered': no answer. */
  readonly expected: 'answers' | 'filtered';
  readonly state: PortState;
  readonly ok: boolean;
  readonly why: Bilingual;
}

/** Whether a scanned state agrees with the policy: allowed ports answer (open, or closed when nothing listens), others are filtered. */
export function judgePort(proto: 'tcp' | 'udp', port: number, verdict: PolicyVerdict, state: PortState): VerifiedPort {
  const expected = verdict.action === 'allow' ? 'answers' : 'filtered';
  const answered = state === 'open' || state === 'closed' || state === 'unfiltered';
  // UDP silence is open|filtered either way; only an answer or a port-unreachable settles it.
  const ok = expected === 'answers' ? answered || (proto === 'udp' && state === 'open|filtered') : !answered;
  const rule = verdict.line === undefined ? (verdict.action === 'allow' ? 'the SSH guard' : 'the default deny') : `line ${verdict.line}`;
  const regla = verdict.line === undefined ? (verdict.action === 'allow' ? 'la protección SSH' : 'la denegación por defecto') : `la línea ${verdict.line}`;
  const why = ok
    ? t(`${state}, as ${rule} wants`, `${state}, como quiere ${regla}`)
    : expected === 'answers'
      ? t(`${state}: ${rule} allows it, but nothing answers — the firewall still blocks it`, `${state}: ${regla} lo permite, pero nada responde — el cortafuegos aún lo bloquea`)
      : t(`${state}: ${rule} closes it, but it answers — the firewall lets it through`, `${state}: ${regla} lo cierra, pero responde — el cortafuegos lo deja pasar`);
  return { proto, port, verdict, expected, state, ok, why };
}

/** Ports worth checking: every policy port (ranges capped at 64 ports each) plus the top 100 of each protocol. */
export function verifyPorts(policy: Policy, extra?: { tcp: readonly number[]; udp: readonly number[] }): { tcp: number[]; udp: number[] } {
  const out = { tcp: new Set<number>(), udp: new Set<number>() };
  for (const e of [...policy.allow, ...policy.deny]) for (let p = e.port.first; p <= Math.min(e.port.last, e.port.first + 63); p++) out[e.proto].add(p);
  const tcpUsed = out.tcp.size > 0 || out.udp.size === 0;
  for (const p of extra?.tcp ?? (tcpUsed ? serviceLookup.topPorts(100, 'tcp') : [])) out.tcp.add(p);
  for (const p of extra?.udp ?? []) out.udp.add(p);
  return { tcp: [...out.tcp].sort((a, b) => a - b), udp: [...out.udp].sort((a, b) => a - b) };
}

/** A policy allowing every listener that other machines could reach and that looks sound (for --from-audit). */
export function policyFromListeners(listeners: readonly Listener[]): { policy: Policy; skipped: { listener: Listener; why: Bilingual }[] } {
  const allow: AllowEntry[] = [];
  const skipped: { listener: Listener; why: Bilingual }[] = [];
  const seen = new Set<string>();
  for (const l of listeners) {
    if ((l.kind !== 'tcp' && l.kind !== 'udp') || l.scope === 'loopback' || !l.netns.own) continue;
    const bad = l.findings.find((f) => f.severity === 'high' || f.severity === 'critical' || f.id === 'local-service-on-all-interfaces');
    if (bad !== undefined) {
      skipped.push({ listener: l, why: t(`not allowed: ${bad.id} (${bad.reason.en})`, `no se permite: ${bad.id} (${bad.reason.es})`) });
      continue;
    }
    const key = `${l.kind}/${l.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    allow.push({ index: allow.length, line: 0, port: { first: l.port, last: l.port }, proto: l.kind, expect: false, comment: l.processes[0]?.name ?? 'unknown' });
  }
  return { policy: { file: 'audit', version: 1, raw: 'deny', allow, deny: [] }, skipped };
}

/** The local address this host would use to reach `target` (a connected UDP socket sends nothing). */
export function sourceAddressFor(target: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const s = createSocket(target.includes(':') ? 'udp6' : 'udp4');
    s.once('error', () => {
      s.close();
      resolve(undefined);
    });
    s.connect(9, target, () => {
      const a = s.address().address;
      s.close();
      resolve(a);
    });
  });
}

/** Options of runVerify. */
export interface VerifyOptions {
  readonly policy: Policy;
  readonly targets: readonly string[];
  readonly guardPort?: number | undefined;
  readonly ports?: { tcp: readonly number[]; udp: readonly number[] } | undefined;
  readonly tcpScan?: 'auto' | 'connect' | 'syn';
  readonly signal?: AbortSignal | undefined;
}

/** Scans the targets and judges every port against the policy. */
export async function runVerify(o: VerifyOptions): Promise<{ host: string; source: string | undefined; ports: VerifiedPort[] }[]> {
  const ports = verifyPorts(o.policy, o.ports);
  const spec = [ports.tcp.length > 0 ? `T:${ports.tcp.join(',')}` : '', ports.udp.length > 0 ? `U:${ports.udp.join(',')}` : ''].filter((x) => x !== '').join(',');
  const results = new Map<string, Map<string, PortState>>();
  for await (const e of scan({ targets: o.targets, ports: spec, tcpScan: ports.tcp.length > 0 ? (o.tcpScan ?? 'auto') : undefined, udp: ports.udp.length > 0, discovery: 'off', maxRetries: 2, signal: o.signal })) {
    if (e.type !== 'port') continue;
    const m = results.get(e.result.host) ?? new Map<string, PortState>();
    m.set(`${e.result.proto}/${e.result.port}`, e.result.state);
    results.set(e.result.host, m);
  }
  const out: { host: string; source: string | undefined; ports: VerifiedPort[] }[] = [];
  for (const [host, states] of results) {
    const source = await sourceAddressFor(host);
    const list: VerifiedPort[] = [];
    for (const [key, state] of states) {
      const [proto, port] = key.split('/') as ['tcp' | 'udp', string];
      list.push(judgePort(proto, Number(port), policyVerdict(o.policy, proto, Number(port), source, o.guardPort), state));
    }
    list.sort((a, b) => (a.proto === b.proto ? a.port - b.port : a.proto === 'tcp' ? -1 : 1));
    out.push({ host, source, ports: list });
  }
  return out;
}
