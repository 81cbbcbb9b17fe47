/**
 * Parses the JSON of `nft -j list ruleset` (libnftables-json(5)) into the rule model of types.ts.
 * Kept: filter base chains on the prerouting and input hooks of ip, ip6 and inet tables, nat
 * chains on prerouting (for DNAT of published ports), and the regular chains those reach by
 * jump, goto or a verdict map. Output, forward and postrouting chains cannot stop an inbound
 * packet and are left out. So are netdev and inet ingress chains: they are bound to named devices
 * and are not judged yet (a drop there would make "reachable" too optimistic). Pure.
 */
import { PortcullisError, t } from '../../core/errors.js';
import { parseAddrSpec, prefixRange } from './addr-range.js';
import type { AddrRange, Chain, ChainHook, Cond, Family, NftRuleset, PortRange, Rule, RuleTable, Verdict } from './types.js';

export type { NftRuleset } from './types.js';

type Json = unknown;
type Obj = Record<string, Json>;

function isObj(x: Json): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function str(x: Json): string | undefined {
  return typeof x === 'string' ? x : undefined;
}

/** Protocol names nft prints for `meta l4proto`, `ip protocol` and as payload protocols. */
const PROTO_NUMBERS: Readonly<Record<string, number>> = {
  icmp: 1,
  igmp: 2,
  tcp: 6,
  udp: 17,
  gre: 47,
  esp: 50,
  ah: 51,
  icmpv6: 58,
  'ipv6-icmp': 58,
  comp: 108,
  sctp: 132,
  dccp: 33,
  udplite: 136,
};

const PORT_PROTOCOLS = new Set(['tcp', 'udp', 'sctp', 'dccp', 'udplite', 'th']);

/** xt targets iptables-nft leaves in the JSON that only log, mark or count: the packet goes on. */
const XT_PASSIVE_TARGETS = new Set(['LOG', 'NFLOG', 'ULOG', 'TRACE', 'MARK', 'CONNMARK', 'CT', 'CLASSIFY', 'DSCP', 'TOS', 'TCPMSS', 'AUDIT', 'SECMARK', 'CONNSECMARK']);

interface NamedSet {
  readonly type: Json;
  readonly flags: readonly string[];
  readonly elem: readonly Json[];
  readonly isMap: boolean;
}

interface TableCtx {
  readonly family: 'ip' | 'ip6' | 'inet';
  readonly sets: Map<string, NamedSet>;
}

// ---- rendering, for reasons -------------------------------------------------------------

function renderValue(x: Json): string {
  if (typeof x === 'number' || typeof x === 'string' || typeof x === 'boolean') return String(x);
  if (Array.isArray(x)) return x.map(renderValue).join(',');
  if (isObj(x)) {
    if (Array.isArray(x.set)) return `{ ${x.set.map(renderValue).join(', ')} }`;
    if (Array.isArray(x.range)) return x.range.map(renderValue).join('-');
    if (isObj(x.prefix)) return `${renderValue(x.prefix.addr)}/${renderValue(x.prefix.len)}`;
    if (isObj(x.elem)) return renderValue(x.elem.val);
  }
  return JSON.stringify(x);
}

function renderLeft(x: Json): string {
  if (isObj(x)) {
    if (isObj(x.payload)) {
      const p = x.payload;
      if (typeof p.protocol === 'string') return `${p.protocol} ${renderValue(p.field)}`;
    }
    if (isObj(x.meta)) {
      const key = renderValue(x.meta.key);
      // nft prints these without the "meta" keyword.
      return ['iif', 'iifname', 'oif', 'oifname', 'mark'].includes(key) ? (key === 'mark' ? 'meta mark' : key) : `meta ${key}`;
    }
    if (isObj(x.ct)) return `ct ${renderValue(x.ct.key)}`;
    for (const op of ['&', '|', '^', '<<', '>>']) {
      const args = x[op];
      if (Array.isArray(args) && args.length === 2) {
        const rhs = Array.isArray(args[1]) ? `(${args[1].map(renderValue).join(' | ')})` : renderValue(args[1]);
        return `${renderLeft(args[0])} ${op} ${rhs}`;
      }
    }
    if (isObj(x.fib)) {
      const flags = Array.isArray(x.fib.flags) ? x.fib.flags.map(renderValue).join(' . ') : renderValue(x.fib.flags);
      return `fib ${flags} ${renderValue(x.fib.result)}`;
    }
  }
  return JSON.stringify(x);
}

function renderMatch(op: string, left: Json, right: Json): string {
  const opText = op === '==' || op === 'in' ? '' : `${op} `;
  return `${renderLeft(left)} ${opText}${renderValue(right)}`;
}

// ---- right-hand sides ---------------------------------------------------------------------

/** The elements a right-hand side stands for, named sets resolved; undefined when they cannot be known. */
function elements(right: Json, ctx: TableCtx): readonly Json[] | undefined {
  if (typeof right === 'string' && right.startsWith('@')) {
    const set = ctx.sets.get(right.slice(1));
    // Dynamic and timeout sets are filled at run time (meters, fail2ban): their listed content is a moment.
    if (set === undefined || set.isMap || set.flags.includes('dynamic') || set.flags.includes('timeout') || Array.isArray(set.type)) return undefined;
    return set.elem.map(unwrapElem);
  }
  if (isObj(right) && Array.isArray(right.set)) return right.set.map(unwrapElem);
  if (Array.isArray(right)) return right.map(unwrapElem);
  return [unwrapElem(right)];
}

function unwrapElem(x: Json): Json {
  return isObj(x) && isObj(x.elem) ? x.elem.val : x;
}

function portRanges(elems: readonly Json[]): PortRange[] | undefined {
  const out: PortRange[] = [];
  for (const e of elems) {
    const single = portNumber(e);
    if (single !== undefined) {
      out.push([single, single]);
      continue;
    }
    if (isObj(e) && Array.isArray(e.range)) {
      const lo = portNumber(e.range[0]);
      const hi = portNumber(e.range[1]);
      if (lo === undefined || hi === undefined) return undefined;
      out.push([lo, hi]);
      continue;
    }
    return undefined;
  }
  return out;
}

function portNumber(x: Json): number | undefined {
  const n = typeof x === 'number' ? x : typeof x === 'string' && /^\d+$/.test(x) ? Number(x) : undefined;
  return n !== undefined && Number.isInteger(n) && n >= 0 && n <= 65535 ? n : undefined;
}

function addrRanges(elems: readonly Json[]): AddrRange[] | undefined {
  const out: AddrRange[] = [];
  for (const e of elems) {
    let r: AddrRange | undefined;
    if (typeof e === 'string') r = parseAddrSpec(e);
    else if (isObj(e) && isObj(e.prefix) && typeof e.prefix.addr === 'string' && typeof e.prefix.len === 'number') r = prefixRange(e.prefix.addr, e.prefix.len);
    else if (isObj(e) && Array.isArray(e.range) && typeof e.range[0] === 'string' && typeof e.range[1] === 'string') r = parseAddrSpec(`${e.range[0]}-${e.range[1]}`);
    if (r === undefined) return undefined;
    out.push(r);
  }
  return out;
}

function protoNumbers(elems: readonly Json[]): number[] | undefined {
  const out: number[] = [];
  for (const e of elems) {
    const n = typeof e === 'number' ? e : typeof e === 'string' ? PROTO_NUMBERS[e] : undefined;
    if (n === undefined) return undefined;
    out.push(n);
  }
  return out;
}

function stringsOf(elems: readonly Json[]): string[] | undefined {
  const out: string[] = [];
  for (const e of elems) {
    if (typeof e !== 'string') return undefined;
    out.push(e);
  }
  return out;
}

/** A `<`, `>`, `<=`, `>=` port comparison as a range. */
function comparisonRange(op: string, n: number): PortRange | undefined {
  switch (op) {
    case '<':
      return n === 0 ? undefined : [0, n - 1];
    case '<=':
      return [0, n];
    case '>':
      return n === 65535 ? undefined : [n + 1, 65535];
    case '>=':
      return [n, 65535];
    default:
      return undefined;
  }
}

// ---- conditions ---------------------------------------------------------------------------

/** The conditions one `match` expression stands for (a payload match also implies its protocol). */
function matchConds(m: Obj, ctx: TableCtx): Cond[] {
  const op = str(m.op) ?? '==';
  const left = m.left;
  const right = m.right;
  const text = renderMatch(op, left, right);
  const unknown: Cond = { kind: 'unknown', text };
  const eqLike = op === '==' || op === 'in';
  const negate = op === '!=';
  if (!isObj(left)) return [unknown];

  if (isObj(left.payload)) {
    const protocol = str(left.payload.protocol);
    const field = str(left.payload.field);
    if (protocol === undefined || field === undefined) return [unknown];
    if (protocol === 'ip' || protocol === 'ip6') {
      const family: Family = protocol === 'ip' ? 4 : 6;
      const famCond: Cond = { kind: 'family', family, text: `meta nfproto ${protocol === 'ip' ? 'ipv4' : 'ipv6'}` };
      if ((field === 'saddr' || field === 'daddr') && (eqLike || negate)) {
        const elems = elements(right, ctx);
        const ranges = elems === undefined ? undefined : addrRanges(elems);
        return [{ kind: 'addr', dir: field, family, ranges, negate, text, value: renderValue(right) }];
      }
      if ((field === 'protocol' || field === 'nexthdr') && (eqLike || negate)) {
        const elems = elements(right, ctx);
        const protos = elems === undefined ? undefined : protoNumbers(elems);
        return protos === undefined ? [famCond, unknown] : [famCond, { kind: 'l4proto', protos, negate, text }];
      }
      return [famCond, unknown];
    }
    if (PORT_PROTOCOLS.has(protocol)) {
      const dep: Cond[] = protocol === 'th' ? [] : [{ kind: 'l4proto', protos: [PROTO_NUMBERS[protocol] ?? -1], negate: false, text: `meta l4proto ${protocol}` }];
      if (field !== 'dport' && field !== 'sport') return [...dep, unknown];
      let ports: PortRange[] | undefined;
      if (eqLike || negate) {
        const elems = elements(right, ctx);
        ports = elems === undefined ? undefined : portRanges(elems);
      } else {
        const n = portNumber(right);
        const r = n === undefined ? undefined : comparisonRange(op, n);
        if (r === undefined) return [...dep, unknown];
        ports = [r];
      }
      const proto = protocol as 'tcp' | 'udp' | 'sctp' | 'dccp' | 'udplite' | 'th';
      return [...dep, { kind: 'port', dir: field, proto, ports, negate, text, value: renderValue(right) }];
    }
    const n = PROTO_NUMBERS[protocol];
    // icmp type, igmp type…: the protocol dependency alone settles it for a TCP or UDP packet.
    if (n !== undefined) return [{ kind: 'l4proto', protos: [n], negate: false, text: `meta l4proto ${protocol}` }, unknown];
    return [unknown];
  }

  if (isObj(left.meta)) {
    const key = str(left.meta.key);
    if (!eqLike && !negate) return [unknown];
    const elems = elements(right, ctx);
    if (elems === undefined) return [unknown];
    switch (key) {
      case 'l4proto': {
        const protos = protoNumbers(elems);
        return protos === undefined ? [unknown] : [{ kind: 'l4proto', protos, negate, text }];
      }
      case 'nfproto':
      case 'protocol': {
        const names = stringsOf(elems);
        if (names === undefined) return [unknown];
        const fams = new Set<Family>();
        for (const n of names) {
          if (n === 'ipv4' || n === 'ip') fams.add(4);
          else if (n === 'ipv6' || n === 'ip6') fams.add(6);
        }
        const holds = (f: Family): boolean => fams.has(f) !== negate;
        if (holds(4) && holds(6)) return [{ kind: 'const', value: true, text }];
        if (holds(4)) return [{ kind: 'family', family: 4, text }];
        if (holds(6)) return [{ kind: 'family', family: 6, text }];
        return [{ kind: 'const', value: false, text }];
      }
      case 'iif':
      case 'iifname': {
        const names = stringsOf(elems);
        return names === undefined ? [unknown] : [{ kind: 'iface', names, negate, text, value: renderValue(right) }];
      }
      case 'pkttype': {
        const names = stringsOf(elems);
        // A connection attempt to a local socket is unicast to this host.
        return names === undefined ? [unknown] : [{ kind: 'const', value: names.includes('host') !== negate, text }];
      }
      default:
        return [unknown];
    }
  }

  if (isObj(left.ct)) {
    const key = str(left.ct.key);
    if (!eqLike && !negate) return [unknown];
    const elems = elements(right, ctx);
    const names = elems === undefined ? undefined : stringsOf(elems);
    if (names === undefined) return [unknown];
    if (key === 'state') return [{ kind: 'ctstate', states: names.map((s) => s.toLowerCase()), negate, text }];
    // The first packet of a connection to the socket itself has no status bits: not DNAT-ed (published
    // ports are judged from the nat rules instead), not expected, not seen in reply.
    if (key === 'status') return [{ kind: 'const', value: negate, text }];
    return [unknown];
  }

  if (isObj(left.fib)) {
    const flags = Array.isArray(left.fib.flags) ? left.fib.flags : [left.fib.flags];
    const result = str(left.fib.result);
    const elems = elements(right, ctx);
    if (elems === undefined || (!eqLike && !negate)) return [unknown];
    if (result === 'type' && flags.includes('daddr') && !flags.includes('saddr')) {
      const names = stringsOf(elems);
      // The packet is addressed to one of this host's own addresses.
      return names === undefined ? [unknown] : [{ kind: 'const', value: names.includes('local') !== negate, text }];
    }
    if (result === 'oif' && flags.includes('saddr') && elems.length === 1 && (elems[0] === false || elems[0] === 'missing' || elems[0] === 0)) {
      // Reverse-path filter (`fib saddr . iif oif missing drop`): a genuine remote peer has a route back.
      return [{ kind: 'const', value: negate, text }];
    }
    return [unknown];
  }
  return [unknown];
}

// ---- statements and verdicts --------------------------------------------------------------

function verdictOf(x: Obj): Verdict | undefined {
  if ('accept' in x) return { kind: 'accept' };
  if ('drop' in x) return { kind: 'drop' };
  if ('reject' in x) return { kind: 'reject' };
  if ('return' in x) return { kind: 'return' };
  if ('continue' in x) return { kind: 'continue' };
  if (isObj(x.jump) && typeof x.jump.target === 'string') return { kind: 'jump', target: x.jump.target };
  if (isObj(x.goto) && typeof x.goto.target === 'string') return { kind: 'goto', target: x.goto.target };
  return undefined;
}

function verdictText(v: Verdict): string {
  switch (v.kind) {
    case 'jump':
    case 'goto':
      return `${v.kind} ${v.target}`;
    case 'dnat':
      return `dnat to ${v.addr}${v.port === undefined ? '' : `:${v.port}`}`;
    case 'unknown':
      return v.text;
    default:
      return v.kind;
  }
}

function limitCond(l: Obj): Cond {
  const over = l.inv === true;
  return { kind: 'limit', over, text: `limit rate ${over ? 'over ' : ''}${renderValue(l.rate)}/${renderValue(l.per)}` };
}

/** One rule's expressions → one rule, or several when a verdict map splits it (one per map element). */
function convertRule(expr: readonly Json[], ctx: TableCtx): Rule[] {
  const conds: Cond[] = [];
  const pieces: string[] = [];
  let verdict: Verdict = { kind: 'continue' };
  let vmap: { key: Json; entries: readonly Json[] | undefined; text: string } | undefined;
  for (const e of expr) {
    if (!isObj(e)) continue;
    const [key] = Object.keys(e);
    if (key === undefined) continue;
    const body = e[key];
    if (key === 'match' && isObj(body)) {
      const cs = matchConds(body, ctx);
      conds.push(...cs);
      pieces.push(renderMatch(str(body.op) ?? '==', body.left, body.right));
      continue;
    }
    const v = verdictOf(e);
    if (v !== undefined) {
      verdict = v;
      continue;
    }
    switch (key) {
      case 'counter':
      case 'log':
      case 'mangle':
      case 'notrack':
      case 'set':
      case 'map':
      case 'ct helper':
      case 'ct timeout':
      case 'ct expectation':
      case 'secmark':
      case 'flow':
      case 'meter':
      case 'snat':
      case 'masquerade':
        // No verdict and no condition: the packet goes on to the next expression.
        break;
      case 'limit':
        if (isObj(body)) {
          const c = limitCond(body);
          conds.push(c);
          pieces.push(c.text);
        }
        break;
      case 'dnat':
      case 'redirect':
        if (isObj(body) && key === 'dnat' && typeof body.addr === 'string') {
          verdict = { kind: 'dnat', addr: body.addr, port: portNumber(body.port) };
        } else if (key === 'redirect') {
          verdict = { kind: 'continue' };
        }
        break;
      case 'vmap':
        if (isObj(body)) {
          const data = body.data;
          let entries: readonly Json[] | undefined;
          if (typeof data === 'string' && data.startsWith('@')) {
            const m = ctx.sets.get(data.slice(1));
            entries = m !== undefined && m.isMap ? m.elem : undefined;
          } else if (isObj(data) && Array.isArray(data.set)) {
            entries = data.set;
          }
          vmap = { key: body.key, entries, text: `${renderLeft(body.key)} vmap ${renderValue(data)}` };
        }
        break;
      case 'xt':
        if (isObj(body) && body.type === 'target') {
          const name = renderValue(body.name);
          if (!XT_PASSIVE_TARGETS.has(name)) verdict = { kind: 'unknown', text: `xt target ${name}` };
        } else {
          const text = isObj(body) ? `xt ${renderValue(body.type)} ${renderValue(body.name)}` : 'xt';
          conds.push({ kind: 'unknown', text });
          pieces.push(text);
        }
        break;
      default: {
        // queue, tproxy, synproxy, quota, ct count, anything newer than this parser: not judged.
        const text = `${key} ${body === null ? '' : JSON.stringify(body)}`.trim();
        if (key === 'queue' || key === 'tproxy' || key === 'synproxy' || key === 'fwd' || key === 'dup') verdict = { kind: 'unknown', text: key };
        else {
          conds.push({ kind: 'unknown', text });
          pieces.push(text);
        }
      }
    }
  }
  const head = pieces.join(' ');
  if (vmap === undefined) return [{ conds, verdict, text: [head, verdictText(verdict)].filter((s) => s !== '').join(' ') }];
  const text = [head, vmap.text].filter((s) => s !== '').join(' ');
  if (vmap.entries === undefined) return [{ conds: [...conds, { kind: 'unknown', text: vmap.text }], verdict: { kind: 'unknown', text: vmap.text }, text }];
  // A verdict map is a lookup: at most one element matches, so it equals one rule per element.
  const out: Rule[] = [];
  for (const entry of vmap.entries) {
    if (!Array.isArray(entry) || entry.length !== 2 || !isObj(entry[1])) continue;
    const v = verdictOf(entry[1]);
    const keyConds = matchConds({ op: '==', left: vmap.key, right: entry[0] }, ctx);
    out.push({ conds: [...conds, ...keyConds], verdict: v ?? { kind: 'unknown', text: vmap.text }, text });
  }
  return out;
}

// ---- the ruleset --------------------------------------------------------------------------

function hookOf(c: Obj): ChainHook | undefined {
  const type = str(c.type);
  const hook = str(c.hook);
  const prio = typeof c.prio === 'number' ? c.prio : undefined;
  if (prio === undefined || (type !== 'filter' && type !== 'nat') || (hook !== 'input' && hook !== 'prerouting')) return undefined;
  // Input-hook nat chains cannot drop a packet that the filter chains accepted; only prerouting nat DNATs.
  if (type === 'nat' && hook !== 'prerouting') return undefined;
  return { type, hook, prio, policy: c.policy === 'drop' ? 'drop' : 'accept' };
}

/** Parses `nft -j list ruleset` output (text or already-parsed JSON) into the tables that matter for inbound exposure. */
export function parseNftRuleset(input: unknown): NftRuleset {
  let doc: Json = input;
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input) as Json;
    } catch (err) {
      throw new PortcullisError('PC_AUDIT_SOURCE', t('nft -j list ruleset did not print JSON', 'nft -j list ruleset no imprimió JSON'), { cause: err });
    }
  }
  if (!isObj(doc) || !Array.isArray(doc.nftables)) {
    throw new PortcullisError('PC_AUDIT_SOURCE', t('nft JSON without an "nftables" array', 'JSON de nft sin la lista "nftables"'));
  }
  const key = (family: string, table: string): string => `${family}\u0000${table}`;
  const tables = new Map<string, { ctx: TableCtx; name: string; chains: Map<string, { hook?: ChainHook; rules: Rule[] }> }>();
  const pending: { family: string; table: string; chain: string; expr: readonly Json[] }[] = [];
  const tableFor = (family: string, name: string): ReturnType<typeof tables.get> => {
    if (family !== 'ip' && family !== 'ip6' && family !== 'inet') return undefined;
    let tb = tables.get(key(family, name));
    if (tb === undefined) {
      tb = { ctx: { family, sets: new Map() }, name, chains: new Map() };
      tables.set(key(family, name), tb);
    }
    return tb;
  };
  // Sets and maps may be listed after the rules that use them: collect everything first, then convert rules.
  for (const item of doc.nftables) {
    if (!isObj(item)) continue;
    if (isObj(item.table)) {
      tableFor(renderValue(item.table.family), renderValue(item.table.name));
    } else if (isObj(item.set) || isObj(item.map)) {
      const s = (isObj(item.set) ? item.set : item.map) as Obj;
      const tb = tableFor(renderValue(s.family), renderValue(s.table));
      tb?.ctx.sets.set(renderValue(s.name), {
        type: s.type,
        flags: Array.isArray(s.flags) ? s.flags.map(renderValue) : typeof s.flags === 'string' ? [s.flags] : [],
        elem: Array.isArray(s.elem) ? s.elem : [],
        isMap: isObj(item.map),
      });
    } else if (isObj(item.chain)) {
      const c = item.chain;
      const tb = tableFor(renderValue(c.family), renderValue(c.table));
      const hook = hookOf(c);
      tb?.chains.set(renderValue(c.name), hook === undefined ? { rules: [] } : { hook, rules: [] });
    } else if (isObj(item.rule)) {
      const r = item.rule;
      if (Array.isArray(r.expr)) pending.push({ family: renderValue(r.family), table: renderValue(r.table), chain: renderValue(r.chain), expr: r.expr });
    }
  }
  for (const r of pending) {
    const tb = tables.get(key(r.family, r.table));
    tb?.chains.get(r.chain)?.rules.push(...convertRule(r.expr, tb.ctx));
  }
  const out: RuleTable[] = [];
  for (const tb of tables.values()) {
    // Keep the hooked chains and, transitively, the chains their rules jump or go to.
    const keep = new Set<string>();
    const queue = [...tb.chains].filter(([, c]) => c.hook !== undefined).map(([n]) => n);
    while (queue.length > 0) {
      const name = queue.pop() as string;
      if (keep.has(name)) continue;
      keep.add(name);
      for (const rule of tb.chains.get(name)?.rules ?? []) {
        if ((rule.verdict.kind === 'jump' || rule.verdict.kind === 'goto') && tb.chains.has(rule.verdict.target)) queue.push(rule.verdict.target);
      }
    }
    if (keep.size === 0) continue;
    const chains: Chain[] = [...tb.chains]
      .filter(([n]) => keep.has(n))
      .map(([name, c]) => (c.hook === undefined ? { name, rules: c.rules } : { name, hook: c.hook, rules: c.rules }));
    out.push({ origin: 'nft', family: tb.ctx.family, name: tb.name, chains });
  }
  return { tables: out };
}
