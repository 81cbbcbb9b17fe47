/**
 * Audit baselines: a JSON snapshot of the machine's listeners (`portcullis audit
 * --save-baseline`) and the diff of a later audit against it (`--baseline`). Pure: reading and
 * writing the file is the caller's business. Format: docs/reference/policy.md.
 */
import { PortcullisError, t, type Bilingual } from '../core/errors.js';
import type { ContainerRef, Listener, SocketKind } from './types.js';

/** One listener as a baseline records it. Unknowns are null, so every field is always there. */
export interface BaselineListener {
  readonly kind: SocketKind;
  /** 4 or 6; null for packet sockets. */
  readonly family: 4 | 6 | null;
  readonly address: string;
  readonly port: number;
  /** The network namespace: its name under /run/netns when it has one, else its inode. */
  readonly netns: string | number;
  /** Lowest pid holding the socket; null when the owner could not be read. */
  readonly pid: number | null;
  /** Process name (comm). */
  readonly process: string | null;
  readonly exe: string | null;
  /** User name of the process. */
  readonly user: string | null;
  /** Uid of the process (what changed-owner compares). */
  readonly uid: number | null;
  readonly unit?: string;
  readonly container?: ContainerRef;
}

/** A saved snapshot of listeners (format portcullis-baseline, version 1). */
export interface Baseline {
  readonly format: 'portcullis-baseline';
  readonly version: 1;
  /** When it was taken, ISO 8601. */
  readonly created: string;
  readonly host: string;
  readonly listeners: readonly BaselineListener[];
}

/** How a listener differs from the baseline. */
export type BaselineChange =
  | { readonly kind: 'appeared'; readonly key: string; readonly after: BaselineListener; readonly listener: Listener; readonly message: Bilingual }
  | { readonly kind: 'vanished'; readonly key: string; readonly before: BaselineListener; readonly message: Bilingual }
  | { readonly kind: 'changed-owner' | 'changed-exe'; readonly key: string; readonly before: BaselineListener; readonly after: BaselineListener; readonly listener: Listener; readonly message: Bilingual };

const KINDS: readonly SocketKind[] = ['tcp', 'udp', 'raw', 'packet'];
const RUNTIMES: readonly ContainerRef['runtime'][] = ['docker', 'podman', 'kubernetes', 'containerd', 'lxc', 'systemd-nspawn'];

function toBaseline(l: Listener): BaselineListener {
  const p = l.processes[0];
  const unit = p?.unit;
  const container = p?.container;
  return {
    kind: l.kind,
    family: l.family ?? null,
    address: l.address,
    port: l.port,
    netns: l.netns.name ?? l.netns.inode,
    pid: p?.pid ?? null,
    process: p?.name ?? null,
    exe: p?.exe ?? null,
    user: p?.user ?? null,
    uid: p?.uid ?? null,
    ...(unit === undefined ? {} : { unit }),
    ...(container === undefined ? {} : { container: { ...container } }),
  };
}

/** The identity a listener keeps across audits (kind, family, address, port, namespace), as text: 'tcp [::]:22 netns 4026531840'. */
export function baselineKeyOf(x: Listener | BaselineListener): string {
  return keyOf(typeof x.netns === 'object' ? toBaseline(x as Listener) : (x as BaselineListener));
}

function keyOf(b: BaselineListener): string {
  const ep = b.family === 6 ? `[${b.address}]:${b.port}` : `${b.address}:${b.port}`;
  return `${b.kind} ${ep} netns ${b.netns}`;
}

function compare(a: BaselineListener, b: BaselineListener): number {
  const ka = [KINDS.indexOf(a.kind), a.family ?? 0, String(a.netns), a.address, a.port, a.pid ?? 0, a.exe ?? ''] as const;
  const kb = [KINDS.indexOf(b.kind), b.family ?? 0, String(b.netns), b.address, b.port, b.pid ?? 0, b.exe ?? ''] as const;
  for (let i = 0; i < ka.length; i++) {
    const x = ka[i]!;
    const y = kb[i]!;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}

/** Records the listeners as a baseline, sorted, one entry per key and owner (SO_REUSEPORT siblings of one program count once). */
export function createBaseline(listeners: readonly Listener[], now: Date, host: string): Baseline {
  const seen = new Set<string>();
  const out: BaselineListener[] = [];
  for (const b of listeners.map(toBaseline).sort(compare)) {
    const id = `${keyOf(b)} ${b.exe ?? ''} ${b.uid ?? ''}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(b);
  }
  return { format: 'portcullis-baseline', version: 1, created: now.toISOString(), host, listeners: out };
}

/** The baseline as the file holds it: pretty JSON with a final newline (stable, so it diffs well in git). */
export function serializeBaseline(b: Baseline): string {
  return `${JSON.stringify(b, null, 2)}\n`;
}

function bad(file: string, path: string, en: string, es: string): PortcullisError {
  return new PortcullisError('PC_BASELINE', t(`${file}: ${path === '' ? '' : `${path}: `}${en}`, `${file}: ${path === '' ? '' : `${path}: `}${es}`), { subject: file });
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v) : typeof v === 'number' || typeof v === 'boolean' ? String(v) : typeof v === 'object' ? 'an object' : typeof v;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isInt(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

function readListener(file: string, v: unknown, path: string): BaselineListener {
  if (!isRecord(v)) throw bad(file, path, `expected an object, got ${typeName(v)}`, `se esperaba un objeto, hay ${typeName(v)}`);
  const want = (key: string, ok: boolean, en: string, es: string): void => {
    if (!ok) throw bad(file, `${path}.${key}`, `expected ${en}, got ${typeName(v[key])}`, `se esperaba ${es}, hay ${typeName(v[key])}`);
  };
  const { kind, family, address, port, netns, pid, process, exe, user, uid, unit, container } = v;
  want('kind', KINDS.includes(kind as SocketKind), 'tcp, udp, raw or packet', 'tcp, udp, raw o packet');
  want('family', family === 4 || family === 6 || family === null, '4, 6 or null', '4, 6 o null');
  want('address', typeof address === 'string' && address !== '', 'an address', 'una dirección');
  want('port', isInt(port, 0, 65535), 'an integer 0-65535', 'un entero 0-65535');
  want('netns', (typeof netns === 'string' && netns !== '') || isInt(netns, 0, Number.MAX_SAFE_INTEGER), 'a namespace name or inode', 'un nombre o inodo de espacio de nombres');
  want('pid', pid === null || isInt(pid, 1, 2 ** 32), 'a pid or null', 'un pid o null');
  want('process', process === null || typeof process === 'string', 'a process name or null', 'un nombre de proceso o null');
  want('exe', exe === null || typeof exe === 'string', 'a path or null', 'una ruta o null');
  want('user', user === null || typeof user === 'string', 'a user name or null', 'un nombre de usuario o null');
  want('uid', uid === null || isInt(uid, 0, 2 ** 32 - 1), 'a uid or null', 'un uid o null');
  want('unit', unit === undefined || typeof unit === 'string', 'a systemd unit name', 'un nombre de unidad de systemd');
  if (container !== undefined) {
    want('container', isRecord(container), 'an object { runtime, id, name? }', 'un objeto { runtime, id, name? }');
    const c = container as Record<string, unknown>;
    const cpath = `${path}.container`;
    if (!RUNTIMES.includes(c.runtime as ContainerRef['runtime'])) throw bad(file, `${cpath}.runtime`, `expected one of ${RUNTIMES.join(', ')}, got ${typeName(c.runtime)}`, `se esperaba uno de ${RUNTIMES.join(', ')}, hay ${typeName(c.runtime)}`);
    if (typeof c.id !== 'string') throw bad(file, `${cpath}.id`, `expected a container id, got ${typeName(c.id)}`, `se esperaba un id de contenedor, hay ${typeName(c.id)}`);
    for (const k of ['name', 'podUid'] as const) {
      if (c[k] !== undefined && typeof c[k] !== 'string') throw bad(file, `${cpath}.${k}`, `expected a text, got ${typeName(c[k])}`, `se esperaba un texto, hay ${typeName(c[k])}`);
    }
  }
  const container2 = container as ContainerRef | undefined;
  return {
    kind: kind as SocketKind,
    family: family as 4 | 6 | null,
    address: address as string,
    port: port as number,
    netns: netns as string | number,
    pid: pid as number | null,
    process: process as string | null,
    exe: exe as string | null,
    user: user as string | null,
    uid: uid as number | null,
    ...(unit === undefined ? {} : { unit: unit as string }),
    ...(container2 === undefined ? {} : { container: { ...container2 } }),
  };
}

/** Reads a baseline file's text; throws PortcullisError PC_BASELINE naming the file and the bad field. Unknown fields are ignored. */
export function parseBaseline(text: string, file: string): Baseline {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new PortcullisError('PC_BASELINE', t(`${file}: not JSON (${why})`, `${file}: no es JSON (${why})`), { subject: file, cause: err });
  }
  if (!isRecord(data)) throw bad(file, '', `expected a baseline object, got ${typeName(data)}`, `se esperaba un objeto de línea base, hay ${typeName(data)}`);
  if (data.format !== 'portcullis-baseline') throw bad(file, 'format', `expected "portcullis-baseline", got ${typeName(data.format)} (not a Portcullis baseline)`, `se esperaba "portcullis-baseline", hay ${typeName(data.format)} (no es una línea base de Portcullis)`);
  if (data.version !== 1) {
    throw typeof data.version === 'number'
      ? bad(file, 'version', `version ${data.version} is not supported (this Portcullis reads version 1)`, `la versión ${data.version} no está soportada (este Portcullis lee la versión 1)`)
      : bad(file, 'version', `expected 1, got ${typeName(data.version)}`, `se esperaba 1, hay ${typeName(data.version)}`);
  }
  if (typeof data.created !== 'string' || !/^\d{4}-\d\d-\d\dT/.test(data.created) || Number.isNaN(Date.parse(data.created))) {
    throw bad(file, 'created', `expected an ISO 8601 date and time, got ${typeName(data.created)}`, `se esperaba una fecha y hora ISO 8601, hay ${typeName(data.created)}`);
  }
  if (typeof data.host !== 'string') throw bad(file, 'host', `expected a host name, got ${typeName(data.host)}`, `se esperaba un nombre de host, hay ${typeName(data.host)}`);
  if (!Array.isArray(data.listeners)) throw bad(file, 'listeners', `expected an array, got ${typeName(data.listeners)}`, `se esperaba un array, hay ${typeName(data.listeners)}`);
  const listeners = (data.listeners as unknown[]).map((l, i) => readListener(file, l, `listeners[${i}]`));
  return { format: 'portcullis-baseline', version: 1, created: data.created, host: data.host, listeners };
}

function owner(b: BaselineListener): Bilingual {
  if (b.process === null) return t('owner unknown', 'dueño desconocido');
  const who = b.pid === null ? b.process : `${b.process}, pid ${b.pid}`;
  return t(who, who);
}

function userText(b: BaselineListener): string {
  return b.user !== null && b.uid !== null ? `${b.user} (uid ${b.uid})` : b.user ?? `uid ${b.uid ?? '?'}`;
}

/** Null means "not read": an audit run without root sees no exe, and that is no change. */
function sameExe(a: BaselineListener, b: BaselineListener): boolean {
  return a.exe === null || b.exe === null || a.exe === b.exe;
}

function sameUid(a: BaselineListener, b: BaselineListener): boolean {
  return a.uid === null || b.uid === null || a.uid === b.uid;
}

/** What changed since the baseline: listeners that appeared or vanished, or whose user or executable changed (a new pid alone is a restart, not a change). */
export function diffBaseline(old: Baseline, now: readonly Listener[]): BaselineChange[] {
  const before = new Map<string, BaselineListener[]>();
  for (const b of old.listeners) {
    const k = keyOf(b);
    before.set(k, [...(before.get(k) ?? []), b]);
  }
  const after = new Map<string, { b: BaselineListener; l: Listener }[]>();
  for (const l of now) {
    const b = toBaseline(l);
    const k = keyOf(b);
    after.set(k, [...(after.get(k) ?? []), { b, l }]);
  }
  const changes: BaselineChange[] = [];
  const keys = [...new Set([...before.keys(), ...after.keys()])];
  for (const key of keys) {
    const olds = [...(before.get(key) ?? [])];
    const news = [...(after.get(key) ?? [])];
    // One key may hold several sockets (SO_REUSEPORT). Pair the unchanged ones first, so a
    // second program joining a port shows as "appeared", not as a change of the first.
    for (let i = 0; i < olds.length; ) {
      const j = news.findIndex((n) => sameExe(olds[i]!, n.b) && sameUid(olds[i]!, n.b));
      if (j < 0) {
        i++;
        continue;
      }
      olds.splice(i, 1);
      news.splice(j, 1);
    }
    const pairs = Math.min(olds.length, news.length);
    for (let i = 0; i < pairs; i++) {
      const b = olds[i]!;
      const { b: a, l } = news[i]!;
      if (!sameUid(b, a)) {
        changes.push({ kind: 'changed-owner', key, before: b, after: a, listener: l, message: t(`${key}: the user changed from ${userText(b)} to ${userText(a)} (${owner(a).en})`, `${key}: el usuario cambió de ${userText(b)} a ${userText(a)} (${owner(a).es})`) });
      }
      if (!sameExe(b, a)) {
        changes.push({ kind: 'changed-exe', key, before: b, after: a, listener: l, message: t(`${key}: the executable changed from ${b.exe} to ${a.exe} (${owner(a).en})`, `${key}: el ejecutable cambió de ${b.exe} a ${a.exe} (${owner(a).es})`) });
      }
    }
    for (const b of olds.slice(pairs)) {
      changes.push({ kind: 'vanished', key, before: b, message: t(`${key} (${owner(b).en}) no longer listens`, `${key} (${owner(b).es}) ya no escucha`) });
    }
    for (const { b: a, l } of news.slice(pairs)) {
      changes.push({ kind: 'appeared', key, after: a, listener: l, message: t(`${key} (${owner(a).en}) is new since the baseline of ${old.created}`, `${key} (${owner(a).es}) es nuevo desde la línea base del ${old.created}`) });
    }
  }
  return changes;
}
