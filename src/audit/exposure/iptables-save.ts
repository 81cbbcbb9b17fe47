/**
 * Parses `iptables-save` / `ip6tables-save` output into the rule model of types.ts: the INPUT
 * chains of the filter, mangle and security tables (with their kernel priorities), the nat
 * table's PREROUTING (for DNAT of published ports), and the user chains those reach. Matches the
 * judge cannot evaluate become `unknown` conditions carrying their text. Pure.
 */
import { parseAddrSpec } from './addr-range.js';
import type { AddrRange, Chain, ChainHook, Cond, Family, IptablesRuleset, PortRange, Rule, RuleTable, Verdict } from './types.js';

export type { IptablesRuleset } from './types.js';

/** Kernel hook priorities of the iptables tables (NF_IP_PRI_*), so they order with nft base chains. */
const TABLE_HOOKS: Readonly<Record<string, readonly { chain: string; hook: ChainHook['hook']; type: ChainHook['type']; prio: number }[]>> = {
  raw: [{ chain: 'PREROUTING', hook: 'prerouting', type: 'filter', prio: -300 }],
  mangle: [
    { chain: 'PREROUTING', hook: 'prerouting', type: 'filter', prio: -150 },
    { chain: 'INPUT', hook: 'input', type: 'filter', prio: -150 },
  ],
  nat: [{ chain: 'PREROUTING', hook: 'prerouting', type: 'nat', prio: -100 }],
  filter: [{ chain: 'INPUT', hook: 'input', type: 'filter', prio: 0 }],
  security: [{ chain: 'INPUT', hook: 'input', type: 'filter', prio: 50 }],
};

const PROTO_NUMBERS: Readonly<Record<string, number>> = {
  icmp: 1,
  igmp: 2,
  tcp: 6,
  udp: 17,
  gre: 47,
  esp: 50,
  ah: 51,
  'ipv6-icmp': 58,
  icmpv6: 58,
  sctp: 132,
  dccp: 33,
  udplite: 136,
};

/** Targets that only log, mark or count: the packet goes on to the next rule. */
const PASSIVE_TARGETS = new Set(['LOG', 'NFLOG', 'ULOG', 'TRACE', 'MARK', 'CONNMARK', 'CT', 'CLASSIFY', 'DSCP', 'TOS', 'TCPMSS', 'AUDIT', 'SECMARK', 'CONNSECMARK', 'NOTRACK']);

/** Splits a rule line into words, honouring the double quotes iptables-save puts around comments. */
function tokenize(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  let has = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quoted) {
      if (ch === '\\' && i + 1 < line.length) cur += line[++i] as string;
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') {
      quoted = true;
      has = true;
    } else if (ch === ' ' || ch === '\t') {
      if (has || cur !== '') out.push(cur);
      cur = '';
      has = false;
    } else cur += ch;
  }
  if (has || cur !== '') out.push(cur);
  return out;
}

function portSpec(text: string): PortRange[] | undefined {
  const out: PortRange[] = [];
  for (const part of text.split(',')) {
    const m = /^(\d*)(?::(\d*))?$/.exec(part);
    if (m === null) return undefined;
    const lo = m[1] === '' ? 0 : Number(m[1]);
    const hi = m[2] === undefined ? lo : m[2] === '' ? 65535 : Number(m[2]);
    if (!(lo <= hi && hi <= 65535)) return undefined;
    out.push([lo, hi]);
  }
  return out;
}

function addrSpecs(text: string): AddrRange[] | undefined {
  const out: AddrRange[] = [];
  for (const part of text.split(',')) {
    const r = parseAddrSpec(part);
    if (r === undefined) return undefined;
    out.push(r);
  }
  return out;
}

/** `[!] --opt value…` groups after `-m module`, up to the next `-x`, `! -x` or end. */
interface Opt {
  readonly name: string;
  readonly values: readonly string[];
  readonly negate: boolean;
}

function readOpts(words: readonly string[], from: number): { opts: Opt[]; next: number } {
  const opts: Opt[] = [];
  let i = from;
  while (i < words.length) {
    let negate = false;
    let w = words[i] as string;
    if (w === '!' && (words[i + 1] ?? '').startsWith('--')) {
      negate = true;
      w = words[i + 1] as string;
      i++;
    }
    if (!w.startsWith('--')) break;
    const values: string[] = [];
    i++;
    while (i < words.length && !(words[i] as string).startsWith('-') && words[i] !== '!') values.push(words[i++] as string);
    opts.push({ name: w.slice(2), values, negate });
  }
  return { opts, next: i };
}

function optText(o: Opt): string {
  return `${o.negate ? '! ' : ''}--${o.name}${o.values.length > 0 ? ` ${o.values.join(' ')}` : ''}`;
}

/** Parses one `-A CHAIN …` rule (without the `-A CHAIN`). */
function parseRule(words: readonly string[], family: Family, text: string): Rule {
  const conds: Cond[] = [];
  let verdict: Verdict = { kind: 'continue' };
  let proto: string | undefined;
  let i = 0;
  while (i < words.length) {
    let negate = false;
    if (words[i] === '!') {
      negate = true;
      i++;
    }
    const w = words[i] ?? '';
    const v = words[i + 1] ?? '';
    const neg = negate ? '! ' : '';
    switch (w) {
      case '-p':
      case '--protocol': {
        proto = v.toLowerCase();
        const n = /^\d+$/.test(proto) ? Number(proto) : PROTO_NUMBERS[proto];
        if (proto === 'all' || proto === '0') conds.push({ kind: 'const', value: !negate, text: `${neg}-p ${v}` });
        else if (n === undefined) conds.push({ kind: 'unknown', text: `${neg}-p ${v}` });
        else conds.push({ kind: 'l4proto', protos: [n], negate, text: `${neg}-p ${v}` });
        i += 2;
        break;
      }
      case '-s':
      case '--source':
      case '-d':
      case '--destination':
        conds.push({ kind: 'addr', dir: w.startsWith('-s') || w === '--source' ? 'saddr' : 'daddr', family, ranges: addrSpecs(v), negate, text: `${neg}${w} ${v}`, value: v });
        i += 2;
        break;
      case '-i':
      case '--in-interface':
        conds.push({ kind: 'iface', names: [v], negate, text: `${neg}-i ${v}`, value: v });
        i += 2;
        break;
      case '-o':
      case '--out-interface':
        // Not allowed in INPUT or PREROUTING; a dump that has it is not one this judge understands.
        conds.push({ kind: 'unknown', text: `${neg}-o ${v}` });
        i += 2;
        break;
      case '-f':
      case '--fragment':
        // Non-first fragments carry no ports; the first packet of a connection is not one.
        conds.push({ kind: 'const', value: negate, text: `${neg}-f` });
        i += 1;
        break;
      case '-m':
      case '--match': {
        const { opts, next } = readOpts(words, i + 2);
        conds.push(...moduleConds(v, opts, proto, family));
        i = next;
        break;
      }
      case '-j':
      case '--jump':
      case '-g':
      case '--goto': {
        const { opts, next } = readOpts(words, i + 2);
        verdict = targetVerdict(v, opts, w === '-g' || w === '--goto');
        i = next;
        break;
      }
      case '-c': // counters (iptables-save -c puts them before -A too)
        i += 3;
        break;
      default: {
        // A bare protocol option after -p (`-p tcp --dport 22`, as users write it without -m tcp).
        if (w.startsWith('--') && proto !== undefined) {
          const { opts, next } = readOpts(words, negate ? i - 1 : i);
          conds.push(...moduleConds(proto, opts, proto, family));
          i = next > i ? next : i + 1;
        } else {
          conds.push({ kind: 'unknown', text: `${neg}${w}` });
          i += 1;
        }
      }
    }
  }
  return { conds, verdict, text };
}

function portProto(proto: string | undefined): 'tcp' | 'udp' | 'sctp' | 'dccp' | 'udplite' | 'th' {
  return proto === 'tcp' || proto === 'udp' || proto === 'sctp' || proto === 'dccp' || proto === 'udplite' ? proto : 'th';
}

/** The conditions of one `-m module [options]`. */
function moduleConds(module: string, opts: readonly Opt[], proto: string | undefined, family: Family): Cond[] {
  const out: Cond[] = [];
  const unknown = (o?: Opt): Cond => ({ kind: 'unknown', text: `-m ${module}${o === undefined ? '' : ` ${optText(o)}`}` });
  switch (module) {
    case 'comment':
      return [];
    case 'tcp':
    case 'udp':
    case 'sctp':
    case 'dccp':
    case 'udplite':
    case 'multiport':
      for (const o of opts) {
        const dir = o.name === 'dport' || o.name === 'dports' || o.name === 'destination-port' || o.name === 'destination-ports' ? 'dport' : o.name === 'sport' || o.name === 'sports' || o.name === 'source-port' || o.name === 'source-ports' ? 'sport' : o.name === 'ports' ? 'either' : undefined;
        if (dir !== undefined) {
          const value = o.values.join(',');
          out.push({ kind: 'port', dir, proto: portProto(module === 'multiport' ? proto : module), ports: portSpec(value), negate: o.negate, text: optText(o), value });
        } else if (o.name === 'syn') {
          // The first packet of a TCP connection is a SYN.
          out.push({ kind: 'const', value: !o.negate, text: optText(o) });
        } else out.push(unknown(o));
      }
      return out;
    case 'conntrack':
    case 'state':
      for (const o of opts) {
        if (o.name === 'ctstate' || o.name === 'state') out.push({ kind: 'ctstate', states: (o.values[0] ?? '').toLowerCase().split(','), negate: o.negate, text: optText(o) });
        else out.push(unknown(o));
      }
      return out;
    case 'addrtype':
      for (const o of opts) {
        if (o.name === 'dst-type') out.push({ kind: 'const', value: (o.values[0] ?? '').split(',').includes('LOCAL') !== o.negate, text: `-m addrtype ${optText(o)}` });
        else if (o.name === 'limit-iface-in') continue;
        else out.push(unknown(o));
      }
      return out;
    case 'limit': {
      const rate = opts.find((o) => o.name === 'limit');
      return [{ kind: 'limit', over: false, text: `-m limit${rate === undefined ? '' : ` --limit ${rate.values.join(' ')}`}` }];
    }
    case 'icmp':
    case 'icmp6':
    case 'icmpv6':
      // Only ICMP packets have an ICMP type.
      return [{ kind: 'l4proto', protos: [family === 4 ? 1 : 58], negate: false, text: `-m ${module}` }, ...opts.map(unknown)];
    case 'pkttype':
      for (const o of opts) {
        if (o.name === 'pkt-type') out.push({ kind: 'const', value: (o.values[0] ?? '') === 'unicast' !== o.negate, text: `-m pkttype ${optText(o)}` });
        else out.push(unknown(o));
      }
      return out;
    default:
      return [opts.length === 0 ? unknown() : { kind: 'unknown', text: `-m ${module} ${opts.map(optText).join(' ')}` }];
  }
}

function targetVerdict(target: string, opts: readonly Opt[], isGoto: boolean): Verdict {
  if (isGoto) return { kind: 'goto', target };
  switch (target) {
    case 'ACCEPT':
      return { kind: 'accept' };
    case 'DROP':
      return { kind: 'drop' };
    case 'REJECT':
      return { kind: 'reject' };
    case 'RETURN':
      return { kind: 'return' };
    case 'DNAT': {
      const to = opts.find((o) => o.name === 'to-destination')?.values[0] ?? '';
      // 172.17.0.2:80, [fd00::2]:80, 172.17.0.2 (port kept), 172.17.0.2:80-90 (first port).
      const m = /^\[([^\]]+)\](?::(\d+))?/.exec(to) ?? /^([^:]+)(?::(\d+))?/.exec(to);
      if (m === null || m[1] === undefined) return { kind: 'unknown', text: '-j DNAT' };
      return { kind: 'dnat', addr: m[1], port: m[2] === undefined ? undefined : Number(m[2]) };
    }
    default:
      if (PASSIVE_TARGETS.has(target)) return { kind: 'continue' };
      // Upper-case names are targets (extensions); anything else is a user chain.
      if (/^[A-Z][A-Z0-9_]*$/.test(target) && opts.length > 0) return { kind: 'unknown', text: `-j ${target}` };
      return { kind: 'jump', target };
  }
}

/** Parses `iptables-save` (family 4) or `ip6tables-save` (family 6) output, warnings and all. */
export function parseIptablesSave(text: string, family: Family): IptablesRuleset {
  let backend: 'nft' | 'legacy' = 'legacy';
  let legacyTablesPresent = false;
  const tables: RuleTable[] = [];
  let table: { name: string; chains: Map<string, { hook?: ChainHook; rules: Rule[] }> } | undefined;
  const finish = (): void => {
    if (table === undefined) return;
    const hooks = TABLE_HOOKS[table.name] ?? [];
    const tb = table;
    const keep = new Set<string>();
    const queue = hooks.map((h) => h.chain).filter((n) => tb.chains.has(n));
    while (queue.length > 0) {
      const name = queue.pop() as string;
      if (keep.has(name)) continue;
      keep.add(name);
      const rules = tb.chains.get(name)?.rules ?? [];
      rules.forEach((r, k) => {
        if (r.verdict.kind !== 'jump' && r.verdict.kind !== 'goto') return;
        if (tb.chains.has(r.verdict.target)) queue.push(r.verdict.target);
        // Not a chain of this table, so an extension target this parser does not know (-j MASQUERADE, -j SET…).
        else rules[k] = { ...r, verdict: { kind: 'unknown', text: `-j ${r.verdict.target}` } };
      });
    }
    if (keep.size > 0) {
      const chains: Chain[] = [...tb.chains].filter(([n]) => keep.has(n)).map(([name, c]) => (c.hook === undefined ? { name, rules: c.rules } : { name, hook: c.hook, rules: c.rules }));
      tables.push({ origin: 'iptables', family: family === 4 ? 'ip' : 'ip6', name: tb.name, chains });
    }
    table = undefined;
  };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      if (line.includes('(nf_tables)')) backend = 'nft';
      // Only the nf_tables tool prints this, and with no nf_tables rules it prints no header to say so.
      if (/ip6?tables-legacy tables present/.test(line)) {
        legacyTablesPresent = true;
        backend = 'nft';
      }
      continue;
    }
    if (line.startsWith('*')) {
      finish();
      table = { name: line.slice(1), chains: new Map() };
      continue;
    }
    if (line === 'COMMIT') {
      finish();
      continue;
    }
    if (table === undefined) continue;
    if (line.startsWith(':')) {
      const [name = '', policy = '-'] = line.slice(1).split(/\s+/);
      const h = (TABLE_HOOKS[table.name] ?? []).find((x) => x.chain === name);
      // A built-in chain's policy is ACCEPT or DROP; user chains print "-".
      const hook: ChainHook | undefined = h === undefined ? undefined : { type: h.type, hook: h.hook, prio: h.prio, policy: policy === 'DROP' ? 'drop' : 'accept' };
      table.chains.set(name, hook === undefined ? { rules: [] } : { hook, rules: [] });
      continue;
    }
    let words = tokenize(line);
    // `iptables-save -c` prefixes each rule with its counters.
    if (/^\[\d+:\d+\]$/.test(words[0] ?? '')) words = words.slice(1);
    if (words[0] !== '-A' || words[1] === undefined) continue;
    const chain = table.chains.get(words[1]);
    if (chain === undefined) continue;
    const body = words.slice(2);
    chain.rules.push(parseRule(body, family, line.slice(line.indexOf(words[1]) + words[1].length).trim()));
  }
  finish();
  return { family, backend, legacyTablesPresent, tables };
}
