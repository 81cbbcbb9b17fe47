/**
 * Which probes -sV sends to a port, in which order, and how long it waits for a banner. Pure:
 * the service prober asks, the tables in test/unit/probe-plan.test.ts hold the rules.
 *
 * Order (as nmap's): probes registered for the port first, whatever the intensity; then the
 * rest whose rarity is at most the intensity, commonest first; ties keep file order.
 */
import type { Proto } from '../core/types.js';
import type { Probe, SignatureDb } from './signature-db.js';

/** The name of the probe that sends nothing and waits for a spontaneous banner. */
export const NULL_PROBE = 'NULL';
/** Default --version-intensity (nmap's default too). */
export const DEFAULT_INTENSITY = 7;

/** What the plan is for. */
export interface PlanInput {
  readonly port: number;
  readonly proto: Proto;
  /** 0..9. */
  readonly intensity: number;
  /** Inside a TLS session: probes marked tls: false are left out, and tlsPorts count as the probe's ports. */
  readonly inTls: boolean;
  /** After a soft match: only probes that can identify this service. */
  readonly service?: string | undefined;
}

function registered(p: Probe, port: number, inTls: boolean): boolean {
  return (p.ports ?? []).includes(port) || (inTls && (p.tlsPorts ?? []).includes(port));
}

/** The probes to send, in order (never the NULL probe: the banner wait comes first by itself). */
export function planProbes(db: SignatureDb, input: PlanInput): Probe[] {
  const mine: Probe[] = [];
  const rest: Probe[] = [];
  for (const p of db.probes) {
    if (p.name === NULL_PROBE || p.proto !== input.proto) continue;
    if (input.inTls && !p.tls) continue;
    if (input.service !== undefined && !canIdentify(db, p, input.service)) continue;
    if (registered(p, input.port, input.inTls)) mine.push(p);
    else if (p.rarity <= input.intensity) rest.push(p);
  }
  const byRarity = (a: Probe, b: Probe): number => a.rarity - b.rarity || a.index - b.index;
  return [...mine.sort(byRarity), ...rest.sort(byRarity)];
}

/** Whether a probe (or a probe it falls back to) has a matcher for `service`. */
function canIdentify(db: SignatureDb, p: Probe, service: string): boolean {
  return [p.name, ...p.fallback].some((n) => db.servicesByProbe.get(n)?.has(service) === true);
}

/** Whether TLS should be tried before plain text on this port (443, 993...). */
export function tlsFirst(db: SignatureDb, port: number): boolean {
  return db.probes.some((p) => (p.tlsPorts ?? []).includes(port));
}

/**
 * Whether the port's usual service speaks first. Such ports (22, 21, 3306...) get the full banner
 * wait; a port whose registered probe is a client-first request (80, 6379...) only a short one,
 * since a banner there is unlikely and the probe's answer still carries one if it comes.
 * Unknown ports get the full wait, as nmap's NULL probe does.
 */
export function expectsBanner(db: SignatureDb, port: number, proto: Proto): boolean {
  const nul = db.probeByName.get(NULL_PROBE);
  if (nul !== undefined && (nul.ports ?? []).includes(port)) return true;
  return !db.probes.some((p) => p.name !== NULL_PROBE && p.proto === proto && ((p.ports ?? []).includes(port) || (p.tlsPorts ?? []).includes(port)));
}
