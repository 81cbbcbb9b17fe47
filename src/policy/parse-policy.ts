/**
 * Reads a policy file (YAML, format version 1) into a frozen, validated Policy. Every error is
 * a PortcullisError PC_POLICY naming the file, the line and the field path, in English and
 * Spanish: "policy.yaml line 4: allow[1].port: 70000 is not a port (1-65535)".
 *
 * The YAML is walked as a syntax tree rather than converted to plain objects first, because
 * only the tree knows which line each value came from. docs/reference/policy.schema.json
 * describes the same format; test/unit/policy-parse.test.ts keeps the two in step.
 */
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { PortcullisError, t, type Bilingual } from '../core/errors.js';
import { formatIp, ipv4Problem, ipv6Problem, parseIp, type IpAddress } from '../core/ip.js';
import type { Proto } from '../core/types.js';
import { globProblem } from './glob.js';
import { formatPortRange, type AllowEntry, type DenyEntry, type Policy, type PolicyBind, type PolicyCidr, type PolicyUser, type PortRange } from './policy.js';

// yaml is CommonJS on Node: loaded through createRequire, and only when a policy is read, so
// a plain scan never pays for it (see src/core/ip.ts on the cost of the CJS export lexer).
let yamlModule: typeof Yaml | undefined;
function yaml(): typeof Yaml {
  return (yamlModule ??= createRequire(import.meta.url)('yaml') as typeof Yaml);
}

const TOP_KEYS = ['version', 'allow', 'deny', 'raw'] as const;
const DENY_KEYS = ['port', 'proto', 'from', 'interface', 'comment'] as const;
const ALLOW_KEYS = [...DENY_KEYS, 'bind', 'exe', 'user', 'expect'] as const;
const MAX_UID = 4294967294; // (uid_t)-1 is "no user"
// Linux dev_valid_name(): at most 15 bytes, no '/', ':' or white space.
const IFNAME = /^[^\s/:]{1,15}$/;
const USER_NAME = /^[^\s:/]{1,256}$/;

/** Where we are: the file, its line counter and the document (to resolve aliases). */
interface Ctx {
  readonly file: string;
  readonly lc: Yaml.LineCounter;
  readonly doc: Yaml.Document.Parsed;
}

function lineOf(ctx: Ctx, node: Yaml.Node | null | undefined, fallback = 1): number {
  const range = node?.range;
  if (range === undefined || range === null) return fallback;
  // An empty value ("allow:" and nothing) starts after the line break; its key's line is the one to name.
  const empty = range[0] === range[1] && range[0] > 0;
  return ctx.lc.linePos(empty ? range[0] - 1 : range[0]).line;
}

function fail(ctx: Ctx, line: number, path: string, why: Bilingual): PortcullisError {
  const where = path === '' ? '' : `${path}: `;
  return new PortcullisError('PC_POLICY', t(`${ctx.file} line ${line}: ${where}${why.en}`, `${ctx.file} línea ${line}: ${where}${why.es}`), { subject: ctx.file });
}

/** A node with aliases followed (an anchor may be reused, e.g. one `from` list for several entries). */
function deref(ctx: Ctx, node: unknown): Yaml.Node | null {
  const y = yaml();
  if (y.isAlias(node)) return (node.resolve(ctx.doc) as Yaml.Node | undefined) ?? null;
  return y.isNode(node) ? node : null;
}

/** How a bad value reads in a message. */
function shown(node: Yaml.Node | null): Bilingual {
  const y = yaml();
  if (node === null) return t('nothing', 'nada');
  if (y.isMap(node)) return t('a mapping', 'un mapa');
  if (y.isSeq(node)) return t('a list', 'una lista');
  if (y.isScalar(node)) {
    const v = node.value;
    if (v === null) return t('an empty value', 'un valor vacío');
    const s = typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v) ?? 'this value';
    return t(s, s);
  }
  return t('this value', 'este valor');
}

function scalar(node: Yaml.Node | null): unknown {
  return node !== null && yaml().isScalar(node) ? node.value : undefined;
}

function nearest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = editDistance(word.toLowerCase(), k);
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** The pairs of a mapping as [key text, key node, value node]; rejects keys that are not known. */
function fields(ctx: Ctx, map: Yaml.YAMLMap, path: string, known: readonly string[], onlyIn?: { keys: readonly string[]; where: Bilingual }): Map<string, { keyLine: number; value: Yaml.Node | null }> {
  const out = new Map<string, { keyLine: number; value: Yaml.Node | null }>();
  for (const pair of map.items) {
    const keyNode = deref(ctx, pair.key);
    const k = scalar(keyNode);
    const key = typeof k === 'string' || typeof k === 'number' || typeof k === 'boolean' ? String(k) : '';
    const keyLine = lineOf(ctx, keyNode, lineOf(ctx, map));
    if (!known.includes(key)) {
      if (onlyIn?.keys.includes(key) === true) {
        throw fail(ctx, keyLine, path, t(`"${key}" is not allowed here: ${onlyIn.where.en}`, `"${key}" no se admite aquí: ${onlyIn.where.es}`));
      }
      const guess = nearest(key, known);
      const list = known.join(', ');
      throw fail(
        ctx,
        keyLine,
        path,
        guess === undefined
          ? t(`unknown key "${key}" (known keys: ${list})`, `clave desconocida "${key}" (claves conocidas: ${list})`)
          : t(`unknown key "${key}" (did you mean "${guess}"?)`, `clave desconocida "${key}" (¿quería decir "${guess}"?)`),
      );
    }
    out.set(key, { keyLine, value: deref(ctx, pair.value) });
  }
  return out;
}

function parsePort(ctx: Ctx, node: Yaml.Node | null, path: string): PortRange {
  const line = lineOf(ctx, node);
  const v = scalar(node);
  const outOfRange = (p: number, whole: string): PortcullisError =>
    fail(ctx, line, path, whole === String(p) ? t(`${p} is not a port (1-65535)`, `${p} no es un puerto (1-65535)`) : t(`${p} in "${whole}" is not a port (1-65535)`, `${p} en "${whole}" no es un puerto (1-65535)`));
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 1 || v > 65535) throw outOfRange(v, String(v));
    return { first: v, last: v };
  }
  if (typeof v === 'string') {
    const m = /^(\d{1,10})-(\d{1,10})$/.exec(v);
    if (m === null) throw fail(ctx, line, path, t(`"${v}" is not a port number or a range "first-last" (such as 8000-8010)`, `"${v}" no es un número de puerto ni un rango "primero-último" (como 8000-8010)`));
    if ([m[1]!, m[2]!].some((x) => x.length > 1 && x.startsWith('0'))) throw fail(ctx, line, path, t(`"${v}": write the ports without leading zeros`, `"${v}": escriba los puertos sin ceros a la izquierda`));
    const first = Number(m[1]);
    const last = Number(m[2]);
    for (const p of [first, last]) if (p < 1 || p > 65535) throw outOfRange(p, v);
    if (first > last) throw fail(ctx, line, path, t(`"${v}" is a reversed range (write ${last}-${first})`, `"${v}" es un rango al revés (escriba ${last}-${first})`));
    return { first, last };
  }
  const s = shown(node);
  throw fail(ctx, line, path, t(`${s.en} is not a port number or a range "first-last"`, `${s.es} no es un número de puerto ni un rango "primero-último"`));
}

function parseProto(ctx: Ctx, node: Yaml.Node | null, path: string): Proto {
  const v = scalar(node);
  if (v === 'tcp' || v === 'udp') return v;
  const s = shown(node);
  throw fail(ctx, lineOf(ctx, node), path, t(`${s.en} is not a protocol (tcp or udp)`, `${s.es} no es un protocolo (tcp o udp)`));
}

function str(ctx: Ctx, node: Yaml.Node | null, path: string, what: Bilingual): string {
  const v = scalar(node);
  if (typeof v === 'string') return v;
  const s = shown(node);
  throw fail(ctx, lineOf(ctx, node), path, t(`${s.en} is not ${what.en}`, `${s.es} no es ${what.es}`));
}

function addressProblem(text: string): Bilingual {
  const p = text.includes(':') ? ipv6Problem(text) : ipv4Problem(text);
  return p ?? t('not an IP address', 'no es una dirección IP');
}

/** An address without a zone: policies name interfaces with `interface`, not with %zone. */
function parseAddress(ctx: Ctx, line: number, path: string, text: string): IpAddress {
  const a = parseIp(text);
  if (a === null) {
    const why = addressProblem(text);
    throw fail(ctx, line, path, t(`"${text}" is not an IP address: ${why.en}`, `"${text}" no es una dirección IP: ${why.es}`));
  }
  if (a.family === 6 && a.zone !== undefined) {
    throw fail(ctx, line, path, t(`"${text}" has a zone (%${a.zone}); use the interface field instead`, `"${text}" lleva zona (%${a.zone}); use el campo interface`));
  }
  return a;
}

function parseCidr(ctx: Ctx, node: Yaml.Node | null, path: string): PolicyCidr {
  const line = lineOf(ctx, node);
  const text = str(ctx, node, path, t('an address or CIDR block', 'una dirección ni un bloque CIDR'));
  const parts = text.split('/');
  if (parts.length > 2) throw fail(ctx, line, path, t(`"${text}" has more than one "/"`, `"${text}" tiene más de una "/"`));
  const a = parseAddress(ctx, line, path, parts[0]!);
  const bits = a.family === 4 ? 32 : 128;
  const prefixText = parts[1];
  if (prefixText === undefined) return { family: a.family, address: formatIp(a), prefix: bits };
  if (!/^(?:0|[1-9]\d{0,2})$/.test(prefixText) || Number(prefixText) > bits) {
    throw fail(ctx, line, path, t(`"${text}": the prefix length must be 0-${bits}`, `"${text}": la longitud de prefijo debe ser 0-${bits}`));
  }
  const prefix = Number(prefixText);
  const value = BigInt(a.value);
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  if ((value & hostMask) !== 0n) {
    // A firewall would quietly widen "198.18.0.1/15" to its block; say which block that is.
    const net = value & ~hostMask;
    const block = `${formatIp(a.family === 4 ? { family: 4, value: Number(net) } : { family: 6, value: net })}/${prefix}`;
    throw fail(ctx, line, path, t(`"${text}" has host bits set (did you mean ${block}?)`, `"${text}" tiene bits de host (¿quería decir ${block}?)`));
  }
  return { family: a.family, address: formatIp(a), prefix };
}

function parseFrom(ctx: Ctx, node: Yaml.Node | null, path: string): PolicyCidr[] {
  const y = yaml();
  if (node === null || !y.isSeq(node) || node.items.length === 0) {
    const s = shown(node);
    const empty = node !== null && y.isSeq(node);
    throw fail(
      ctx,
      lineOf(ctx, node),
      path,
      empty ? t('the list is empty (leave "from" out to admit any source)', 'la lista está vacía (quite "from" para admitir cualquier origen)') : t(`${s.en} is not a list of addresses or CIDR blocks`, `${s.es} no es una lista de direcciones o bloques CIDR`),
    );
  }
  return node.items.map((item, i) => parseCidr(ctx, deref(ctx, item), `${path}[${i}]`));
}

function parseBind(ctx: Ctx, node: Yaml.Node | null, path: string): PolicyBind {
  const line = lineOf(ctx, node);
  const v = scalar(node);
  if (v === 'loopback' || v === 'interface' || v === 'all') return { kind: 'scope', scope: v };
  if (typeof v === 'string' && parseIp(v) !== null) {
    const a = parseAddress(ctx, line, path, v);
    return { kind: 'address', family: a.family, address: formatIp(a) };
  }
  const s = shown(node);
  throw fail(ctx, line, path, t(`${s.en} is not loopback, interface, all or an IP address`, `${s.es} no es loopback, interface, all ni una dirección IP`));
}

function parseUser(ctx: Ctx, node: Yaml.Node | null, path: string): PolicyUser {
  const line = lineOf(ctx, node);
  const v = scalar(node);
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_UID) return { kind: 'uid', uid: v };
  // An all-digit string is a uid too: POSIX user names may not be all digits (useradd refuses them).
  if (typeof v === 'string' && /^\d{1,10}$/.test(v) && Number(v) <= MAX_UID) return { kind: 'uid', uid: Number(v) };
  if (typeof v === 'string' && USER_NAME.test(v) && !/^\d+$/.test(v)) return { kind: 'name', name: v };
  const s = shown(node);
  throw fail(ctx, line, path, t(`${s.en} is not a user name or a uid (0-${MAX_UID})`, `${s.es} no es un nombre de usuario ni un uid (0-${MAX_UID})`));
}

function parseEntry(ctx: Ctx, node: Yaml.Node | null, list: 'allow' | 'deny', index: number): AllowEntry | DenyEntry {
  const y = yaml();
  const path = `${list}[${index}]`;
  const line = lineOf(ctx, node);
  if (node === null || !y.isMap(node)) {
    const s = shown(node);
    throw fail(ctx, line, path, t(`${s.en} is not an entry (a mapping such as { port: 22, proto: tcp })`, `${s.es} no es una entrada (un mapa como { port: 22, proto: tcp })`));
  }
  const f =
    list === 'allow'
      ? fields(ctx, node, path, ALLOW_KEYS)
      : fields(ctx, node, path, DENY_KEYS, { keys: ALLOW_KEYS, where: t('a denied port is denied to every program, user and address', 'un puerto denegado lo está para todo programa, usuario y dirección') });
  const portField = f.get('port');
  if (portField === undefined) throw fail(ctx, line, path, t('port is missing', 'falta port'));
  const get = (k: string): Yaml.Node | null => f.get(k)?.value ?? null;
  const entry: { -readonly [K in keyof AllowEntry]: AllowEntry[K] } = {
    index,
    line,
    port: parsePort(ctx, portField.value, `${path}.port`),
    proto: f.has('proto') ? parseProto(ctx, get('proto'), `${path}.proto`) : 'tcp',
    expect: false,
  };
  if (f.has('from')) entry.from = parseFrom(ctx, get('from'), `${path}.from`);
  if (f.has('interface')) {
    const name = str(ctx, get('interface'), `${path}.interface`, t('an interface name', 'un nombre de interfaz'));
    if (!IFNAME.test(name)) throw fail(ctx, lineOf(ctx, get('interface')), `${path}.interface`, t(`"${name}" is not an interface name (1-15 characters, no "/", ":" or spaces)`, `"${name}" no es un nombre de interfaz (1-15 caracteres, sin "/", ":" ni espacios)`));
    entry.interface = name;
  }
  if (f.has('comment')) entry.comment = str(ctx, get('comment'), `${path}.comment`, t('a text', 'un texto'));
  if (list === 'deny') {
    const { expect: _, ...deny } = entry;
    return deny;
  }
  if (f.has('bind')) entry.bind = parseBind(ctx, get('bind'), `${path}.bind`);
  if (f.has('exe')) {
    const exe = str(ctx, get('exe'), `${path}.exe`, t('a path or glob', 'una ruta ni un patrón'));
    const problem = globProblem(exe);
    if (problem !== null) throw fail(ctx, lineOf(ctx, get('exe')), `${path}.exe`, t(`"${exe}": ${problem}`, `"${exe}": ${problem}`));
    entry.exe = exe;
  }
  if (f.has('user')) entry.user = parseUser(ctx, get('user'), `${path}.user`);
  if (f.has('expect')) {
    const v = scalar(get('expect'));
    if (typeof v !== 'boolean') {
      const s = shown(get('expect'));
      throw fail(ctx, lineOf(ctx, get('expect')), `${path}.expect`, t(`${s.en} is not true or false`, `${s.es} no es true ni false`));
    }
    entry.expect = v;
  }
  return entry;
}

function parseList(ctx: Ctx, node: Yaml.Node | null, list: 'allow' | 'deny'): (AllowEntry | DenyEntry)[] {
  if (node === null || !yaml().isSeq(node)) {
    const s = shown(node);
    throw fail(ctx, lineOf(ctx, node), list, t(`${s.en} is not a list of entries (write "${list}: []" for none)`, `${s.es} no es una lista de entradas (escriba "${list}: []" si no hay ninguna)`));
  }
  return node.items.map((item, i) => parseEntry(ctx, deref(ctx, item), list, i));
}

function contradiction(ctx: Ctx, allow: readonly AllowEntry[], deny: readonly DenyEntry[]): PortcullisError | null {
  for (const d of deny) {
    for (const a of allow) {
      if (a.proto !== d.proto) continue;
      const first = Math.max(a.port.first, d.port.first);
      const last = Math.min(a.port.last, d.port.last);
      if (first > last) continue;
      const ports = formatPortRange({ first, last });
      const en = first === last ? `port ${ports}/${d.proto} is also allowed` : `ports ${ports}/${d.proto} are also allowed`;
      const es = first === last ? `el puerto ${ports}/${d.proto} también está permitido` : `los puertos ${ports}/${d.proto} también están permitidos`;
      return fail(
        ctx,
        d.line,
        `deny[${d.index}]`,
        t(`${en} by allow[${a.index}] (line ${a.line}); a port cannot be both allowed and denied`, `${es} por allow[${a.index}] (línea ${a.line}); un puerto no puede estar permitido y denegado a la vez`),
      );
    }
  }
  return null;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Parses and validates a policy file's text; throws PortcullisError PC_POLICY naming file, line and field. */
export function parsePolicy(text: string, file: string): Policy {
  const y = yaml();
  const lc = new y.LineCounter();
  const doc = y.parseDocument(text, { lineCounter: lc, prettyErrors: true });
  const ctx: Ctx = { file, lc, doc };
  const syntax = doc.errors[0];
  if (syntax !== undefined) {
    const line = syntax.linePos?.[0].line ?? lc.linePos(syntax.pos[0]).line;
    // The yaml package words its messages in English only; the Spanish text says so.
    const msg = syntax.message.replace(/ at line \d+, column \d+:[\s\S]*$/, '');
    throw fail(ctx, line, '', t(`YAML syntax error: ${msg}`, `error de sintaxis YAML: ${msg}`));
  }
  const root = deref(ctx, doc.contents);
  if (root === null || (y.isScalar(root) && (root.value === null || root.value === ''))) {
    throw fail(ctx, 1, '', t('the policy is empty (it needs at least "version: 1")', 'la política está vacía (necesita al menos "version: 1")'));
  }
  if (!y.isMap(root)) {
    const s = shown(root);
    throw fail(ctx, lineOf(ctx, root), '', t(`${s.en} is not a policy (a mapping with version, allow and deny)`, `${s.es} no es una política (un mapa con version, allow y deny)`));
  }
  const f = fields(ctx, root, '', TOP_KEYS);
  const version = f.get('version');
  if (version === undefined) throw fail(ctx, lineOf(ctx, root), 'version', t('missing; the first line should be "version: 1"', 'falta; la primera línea debería ser "version: 1"'));
  const v = scalar(version.value);
  if (v !== 1) {
    const s = shown(version.value);
    throw fail(
      ctx,
      lineOf(ctx, version.value, version.keyLine),
      'version',
      typeof v === 'number' ? t(`${s.en} is not supported (this Portcullis reads version 1)`, `${s.es} no está soportada (este Portcullis lee la versión 1)`) : t(`${s.en} is not a version number; write "version: 1"`, `${s.es} no es un número de versión; escriba "version: 1"`),
    );
  }
  let raw: 'allow' | 'deny' = 'deny';
  const rawField = f.get('raw');
  if (rawField !== undefined) {
    const r = scalar(rawField.value);
    if (r !== 'allow' && r !== 'deny') {
      const s = shown(rawField.value);
      throw fail(ctx, lineOf(ctx, rawField.value, rawField.keyLine), 'raw', t(`${s.en} is not allow or deny`, `${s.es} no es allow ni deny`));
    }
    raw = r;
  }
  const allowField = f.get('allow');
  const denyField = f.get('deny');
  const allow = allowField === undefined ? [] : (parseList(ctx, allowField.value ?? null, 'allow') as AllowEntry[]);
  const deny = denyField === undefined ? [] : parseList(ctx, denyField.value ?? null, 'deny');
  const clash = contradiction(ctx, allow, deny);
  if (clash !== null) throw clash;
  return deepFreeze({ file, version: 1, raw, allow, deny });
}
