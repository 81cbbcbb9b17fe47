/**
 * Compares the machine's listeners with a policy: what listens without an allow entry, on a
 * denied port, with the wrong bind, executable or user, and what an entry expects but is not
 * there. Pure. `from` and `interface` are firewall matters and do not take part here
 * (docs/reference/policy.md says why).
 */
import { t, type Bilingual } from '../core/errors.js';
import { ipEquals, parseIp } from '../core/ip.js';
import type { Listener } from '../audit/types.js';
import { globMatches } from './glob.js';
import { formatBind, formatPortRange, formatUser, type AllowEntry, type DenyEntry, type Policy, type PolicyEntryBase } from './policy.js';

/** The kinds of deviation checkPolicy reports. */
export type DeviationKind = 'unexpected-listener' | 'denied-listener' | 'wrong-bind' | 'wrong-exe' | 'wrong-user' | 'unexpected-raw-socket' | 'missing-listener';

/** The policy entry a deviation is about: its list, its index in that list and its line. */
export interface EntryRef {
  readonly list: 'allow' | 'deny';
  readonly index: number;
  readonly line: number;
}

/** A listener that does not agree with the policy. */
export interface ListenerDeviation {
  readonly kind: Exclude<DeviationKind, 'missing-listener'>;
  readonly listener: Listener;
  /** The entry that matched the port (absent for unexpected-listener and unexpected-raw-socket). */
  readonly entry?: EntryRef;
  /** wrong-*: what the entry asks for, as the file writes it. */
  readonly expected?: string;
  /** wrong-*: what the listener has. */
  readonly actual?: string;
  readonly message: Bilingual;
}

/** An allow entry with `expect: true` that no listener answers. */
export interface MissingListenerDeviation {
  readonly kind: 'missing-listener';
  readonly entry: EntryRef;
  /** The port(s) and protocol expected, such as '5432/tcp'. */
  readonly expected: string;
  readonly message: Bilingual;
}

/** One way the machine differs from its policy. */
export type PolicyDeviation = ListenerDeviation | MissingListenerDeviation;

interface Violation {
  readonly kind: 'wrong-bind' | 'wrong-exe' | 'wrong-user';
  readonly expected: string;
  readonly actual: Bilingual;
}

function endpoint(l: Listener): string {
  return l.family === 6 ? `[${l.address}]:${l.port}` : `${l.address}:${l.port}`;
}

function describe(l: Listener): Bilingual {
  const p = l.processes[0];
  const what = l.kind === 'raw' ? `raw socket (protocol ${l.port})` : l.kind === 'packet' ? `packet socket (ethertype 0x${l.port.toString(16).padStart(4, '0')})` : `${l.kind} ${endpoint(l)}`;
  const whatEs = l.kind === 'raw' ? `socket raw (protocolo ${l.port})` : l.kind === 'packet' ? `socket packet (ethertype 0x${l.port.toString(16).padStart(4, '0')})` : what;
  return p === undefined ? t(`${what} (owner unknown, uid ${l.uid})`, `${whatEs} (dueño desconocido, uid ${l.uid})`) : t(`${what} (${p.name}, pid ${p.pid})`, `${whatEs} (${p.name}, pid ${p.pid})`);
}

function ref(list: 'allow' | 'deny', e: PolicyEntryBase): EntryRef {
  return { list, index: e.index, line: e.line };
}

function refText(r: EntryRef): Bilingual {
  return t(`${r.list}[${r.index}] (line ${r.line})`, `${r.list}[${r.index}] (línea ${r.line})`);
}

function covers(e: PolicyEntryBase, l: Listener): boolean {
  return e.proto === l.kind && l.port >= e.port.first && l.port <= e.port.last;
}

const UNKNOWN_OWNER = t('unknown (the owning process could not be read; run the audit as root)', 'desconocido (no se pudo leer el proceso dueño; ejecute la auditoría como root)');

function distinct(values: readonly string[]): string {
  return [...new Set(values)].join(', ');
}

function violations(e: AllowEntry, l: Listener): Violation[] {
  const out: Violation[] = [];
  if (e.bind !== undefined) {
    const b = e.bind;
    let ok: boolean;
    if (b.kind === 'scope') ok = l.scope === b.scope;
    else {
      const want = parseIp(b.address);
      const have = parseIp(l.address);
      // Zones are ignored: a policy cannot write one (it names interfaces with `interface`).
      ok = want !== null && have !== null && ipEquals(want, have.family === 6 ? { family: 6, value: have.value } : have);
    }
    if (!ok) {
      const a = `${l.address} (${l.scope})`;
      out.push({ kind: 'wrong-bind', expected: formatBind(b), actual: t(a, a) });
    }
  }
  if (e.exe !== undefined) {
    const pattern = e.exe;
    const exes = l.processes.flatMap((p) => (p.exe === undefined ? [] : [p.exe]));
    // Any holder will do: with socket activation, systemd and the daemon hold the same socket.
    if (!exes.some((x) => globMatches(pattern, x))) {
      const a = distinct(exes);
      out.push({ kind: 'wrong-exe', expected: pattern, actual: exes.length === 0 ? UNKNOWN_OWNER : t(a, a) });
    }
  }
  if (e.user !== undefined) {
    const u = e.user;
    const known = l.processes.filter((p) => p.uid !== undefined || p.user !== undefined);
    let ok: boolean;
    if (u.kind === 'uid') {
      // The socket owner stands in only when no holder could be read: a daemon that binds as
      // root and then drops to its own user has a root-owned socket.
      ok = known.length === 0 ? l.uid === u.uid : known.some((p) => p.uid === u.uid);
    } else ok = known.some((p) => p.user === u.name);
    if (!ok) {
      const a = distinct(known.map((p) => p.user ?? `uid ${p.uid}`));
      out.push({
        kind: 'wrong-user',
        expected: formatUser(u),
        actual: known.length > 0 ? t(a, a) : u.kind === 'uid' ? t(`uid ${l.uid} (the socket's owner)`, `uid ${l.uid} (dueño del socket)`) : UNKNOWN_OWNER,
      });
    }
  }
  return out;
}

function violationMessage(l: Listener, r: EntryRef, v: Violation): Bilingual {
  const who = describe(l);
  const entry = refText(r);
  switch (v.kind) {
    case 'wrong-bind':
      return t(`${who.en} is bound to ${v.actual.en}; ${entry.en} wants bind: ${v.expected}`, `${who.es} escucha en ${v.actual.es}; ${entry.es} pide bind: ${v.expected}`);
    case 'wrong-exe':
      return t(`${who.en} runs ${v.actual.en}; ${entry.en} wants exe: ${v.expected}`, `${who.es} ejecuta ${v.actual.es}; ${entry.es} pide exe: ${v.expected}`);
    case 'wrong-user':
      return t(`${who.en} runs as ${v.actual.en}; ${entry.en} wants user: ${v.expected}`, `${who.es} se ejecuta como ${v.actual.es}; ${entry.es} pide user: ${v.expected}`);
  }
}

function checkListener(policy: Policy, l: Listener): ListenerDeviation[] {
  if (l.kind === 'raw' || l.kind === 'packet') {
    if (policy.raw === 'allow') return [];
    const who = describe(l);
    return [{ kind: 'unexpected-raw-socket', listener: l, message: t(`${who.en} is open, and ${policy.file} does not allow raw sockets (raw: deny)`, `${who.es} está abierto, y ${policy.file} no permite sockets raw (raw: deny)`) }];
  }
  const denied: DenyEntry | undefined = policy.deny.find((d) => covers(d, l));
  if (denied !== undefined) {
    const r = ref('deny', denied);
    const who = describe(l);
    const entry = refText(r);
    return [{ kind: 'denied-listener', listener: l, entry: r, message: t(`${who.en} listens on a port that ${entry.en} denies`, `${who.es} escucha en un puerto que ${entry.es} deniega`) }];
  }
  const candidates = policy.allow.filter((a) => covers(a, l));
  if (candidates.length === 0) {
    const who = describe(l);
    return [{ kind: 'unexpected-listener', listener: l, message: t(`${who.en} is not allowed by any entry of ${policy.file}`, `${who.es} no está permitido por ninguna entrada de ${policy.file}`) }];
  }
  // Several entries may cover one port (unbound on loopback, dnsmasq on an interface): the
  // listener is fine if one of them is fully met; otherwise the nearest one (fewest
  // violations, first on a tie) explains what is wrong.
  let best: { entry: AllowEntry; found: Violation[] } | undefined;
  for (const entry of candidates) {
    const found = violations(entry, l);
    if (found.length === 0) return [];
    if (best === undefined || found.length < best.found.length) best = { entry, found };
  }
  const r = ref('allow', best!.entry);
  return best!.found.map((v) => ({ kind: v.kind, listener: l, entry: r, expected: v.expected, actual: v.actual.en, message: violationMessage(l, r, v) }));
}

/** Every way the listeners deviate from the policy: listener deviations in listener order, then missing listeners in entry order. */
export function checkPolicy(policy: Policy, listeners: readonly Listener[]): PolicyDeviation[] {
  const out: PolicyDeviation[] = listeners.flatMap((l) => checkListener(policy, l));
  for (const e of policy.allow) {
    if (!e.expect || listeners.some((l) => covers(e, l))) continue;
    const r = ref('allow', e);
    const ports = formatPortRange(e.port);
    const expected = `${ports}/${e.proto}`;
    const entry = refText(r);
    const one = e.port.first === e.port.last;
    out.push({
      kind: 'missing-listener',
      entry: r,
      expected,
      message: one
        ? t(`${entry.en} expects a ${e.proto} listener on port ${ports}, and nothing listens there`, `${entry.es} espera un socket ${e.proto} en escucha en el puerto ${ports}, y no hay ninguno`)
        : t(`${entry.en} expects a ${e.proto} listener on ports ${ports}, and nothing listens there`, `${entry.es} espera un socket ${e.proto} en escucha en los puertos ${ports}, y no hay ninguno`),
    });
  }
  return out;
}
