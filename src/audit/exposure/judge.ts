/**
 * Judges whether the host firewall lets a NEW inbound connection from another machine reach a
 * listening socket: the packet (ct state new, arriving on some interface other than lo, from any
 * source, to the socket's address and port) is walked through every filter base chain on the
 * prerouting and input hooks, in hook and priority order, with nft semantics: accept ends one
 * base chain and the packet moves on to the next; drop and reject are final; the policy applies
 * at the end of a base chain; jump, goto and return move between chains.
 *
 * A condition on the source address, source port, input interface or rate holds for some packets
 * and not others: the walk forks there, and an accepted path under such a condition means
 * "reachable from some sources", reported with the restriction. A condition the judge cannot
 * evaluate (marks, xt matches, unresolvable sets…) also forks, and only matters if a path through
 * it ends differently: then the answer is "unknown" naming the rule, never a guess. Pure.
 */
import { formatIp, type IpAddress } from '../../core/ip.js';
import { t, type Bilingual } from '../../core/errors.js';
import { addrValue, coversAllRemote, inRanges, onlyLoopback, portIn } from './addr-range.js';
import type { AddrRange, Chain, Cond, Family, FirewallSnapshot, Rule, RuleTable } from './types.js';

export type { FirewallSnapshot } from './types.js';

/** The socket asked about. A wildcard address ('0.0.0.0', '::') stands for every local address. */
export interface ExposureQuery {
  readonly family: Family;
  readonly proto: 'tcp' | 'udp';
  readonly address: string;
  readonly port: number;
}

/** The answer for one socket. */
export interface ExposureJudgement {
  readonly exposure: 'reachable' | 'blocked' | 'unknown';
  readonly reason: Bilingual;
  /** Set when the port is published by a DNAT rule (Docker): such traffic goes through FORWARD, not INPUT. */
  readonly dockerPublished?: true;
}

/** One port a DNAT rule publishes (Docker's `-p 8080:80`, or any other DNAT to another address). */
export interface PublishedPort {
  readonly proto: 'tcp' | 'udp';
  readonly hostPort: number;
  /** The host address the rule is limited to (`-p 198.18.0.1:8080:80`); undefined = every local address. */
  readonly hostAddress?: string;
  readonly containerAddress: string;
  readonly containerPort: number;
}

// ---- which tables to walk -----------------------------------------------------------------

/** Names iptables-nft gives the tables it manages in nft. */
const IPTABLES_NFT_TABLES = new Set(['filter', 'nat', 'mangle', 'raw', 'security']);

/**
 * The tables seen by a packet of `family`, each ruleset once. iptables-nft rules are in the nft
 * ruleset too, but nft's JSON shows their untranslatable matches as opaque `xt` expressions, so
 * when the nf_tables iptables-save dump is at hand its text is walked instead and the same-named
 * nft tables are skipped. Legacy iptables tables are separate kernel tables hooked at the same
 * points: a packet must pass them as well as nft's, so both are walked.
 */
function tablesFor(fw: FirewallSnapshot, family: Family): { tables: RuleTable[]; problems: Bilingual[]; read: boolean } {
  const ipt = family === 4 ? fw.iptables?.v4 : fw.iptables?.v6;
  const legacy = family === 4 ? fw.iptables?.legacyV4 : fw.iptables?.legacyV6;
  const nftFamily = family === 4 ? 'ip' : 'ip6';
  const problems: Bilingual[] = [];
  const tables: RuleTable[] = [];
  for (const tb of fw.nft?.tables ?? []) {
    if (tb.family !== 'inet' && tb.family !== nftFamily) continue;
    if (ipt?.backend === 'nft' && tb.family === nftFamily && IPTABLES_NFT_TABLES.has(tb.name)) continue;
    tables.push(tb);
  }
  if (ipt !== undefined) tables.push(...ipt.tables);
  if (legacy !== undefined) tables.push(...legacy.tables);
  else if (ipt?.legacyTablesPresent === true) {
    const tool = family === 4 ? 'iptables-legacy-save' : 'ip6tables-legacy-save';
    problems.push(t(`iptables-legacy tables are present but ${tool} could not be read`, `hay tablas de iptables-legacy pero no se pudo leer ${tool}`));
  }
  return { tables, problems, read: fw.nft !== undefined || ipt !== undefined || legacy !== undefined };
}

// ---- the packet and its conditions --------------------------------------------------------

interface Packet {
  readonly family: Family;
  readonly proto: 'tcp' | 'udp';
  readonly protoNumber: number;
  readonly port: number;
  /** Destination address value; undefined when the socket listens on every local address. */
  readonly daddr: bigint | undefined;
}

type Tri = 'yes' | 'no' | 'some' | 'unknown';

function tri(b: boolean): Tri {
  return b ? 'yes' : 'no';
}

/** Key of a source-dependent condition, for what a path already knows of it (negation folded out). */
function factKey(c: Cond): string | undefined {
  switch (c.kind) {
    case 'addr':
      return `addr|${c.dir}|${c.family}|${c.value}`;
    case 'iface':
      return `iface|${c.value}`;
    case 'port':
      return `port|${c.dir}|${c.proto}|${c.value}`;
    default:
      // Each limit statement has its own token bucket: what one said tells nothing of another.
      return undefined;
  }
}

function negated(c: Cond): boolean {
  return 'negate' in c ? c.negate : c.kind === 'limit' ? c.over : false;
}

/** Whether an address condition holds: always, never or for some of the remote (non-loopback) addresses. */
function addrTri(ranges: readonly AddrRange[] | undefined, family: Family, negate: boolean): Tri {
  if (ranges === undefined) return 'some';
  if (onlyLoopback(ranges, family) || ranges.every((r) => r.family !== family)) return tri(negate);
  if (coversAllRemote(ranges, family)) return tri(!negate);
  return 'some';
}

function evalCond(c: Cond, p: Packet, facts: ReadonlyMap<string, boolean>): Tri {
  switch (c.kind) {
    case 'family':
      return tri(c.family === p.family);
    case 'const':
      return tri(c.value);
    case 'l4proto':
      return tri(c.protos.includes(p.protoNumber) !== c.negate);
    case 'ctstate':
      return tri(c.states.includes('new') !== c.negate);
    case 'unknown':
      return 'unknown';
    default:
      break;
  }
  if (c.kind === 'port' && c.proto !== 'th' && c.proto !== p.proto) return 'no';
  if (c.kind === 'addr' && c.family !== p.family) return 'no';
  const key = factKey(c);
  const known = key === undefined ? undefined : facts.get(key);
  if (known !== undefined) return tri(known !== negated(c));
  switch (c.kind) {
    case 'port':
      if (c.ports === undefined) return 'unknown';
      if (c.dir === 'dport') return tri(portIn(c.ports, p.port) !== c.negate);
      // multiport --ports: the destination port decides when it is listed; otherwise the source port might.
      if (c.dir === 'either' && !c.negate && portIn(c.ports, p.port)) return 'yes';
      // The client picks its source port.
      return 'some';
    case 'iface': {
      const onlyLo = c.names.length > 0 && c.names.every((n) => n === 'lo');
      const any = c.names.some((n) => n === '*' || n === '+');
      if (onlyLo) return tri(c.negate);
      if (any) return tri(!c.negate);
      return 'some';
    }
    case 'addr':
      if (c.dir === 'saddr') return addrTri(c.ranges, p.family, c.negate);
      if (p.daddr === undefined) return addrTri(c.ranges, p.family, c.negate);
      if (c.ranges === undefined) return 'unknown';
      return tri(inRanges(c.ranges, p.family, p.daddr) !== c.negate);
    case 'limit':
      return 'some';
    default:
      return 'unknown';
  }
}

// ---- paths --------------------------------------------------------------------------------

/** A condition a path depends on: `holds` false on the path where the rule did not match. */
interface Restriction {
  readonly conds: readonly Cond[];
  readonly holds: boolean;
}

interface Path {
  readonly restrictions: readonly Restriction[];
  readonly facts: ReadonlyMap<string, boolean>;
  /** Rules the path went through without knowing whether they matched ("rule" (chain)). */
  readonly unknowns: readonly string[];
  /** The accepts that let the path through each base chain so far. */
  readonly steps: readonly { readonly by: Bilingual; readonly policy: boolean }[];
}

interface Frame {
  readonly chain: Chain;
  i: number;
}

interface Ended {
  readonly verdict: 'accept' | 'drop' | 'reject';
  readonly path: Path;
  readonly by: Bilingual;
  /** Ended by the base chain's policy rather than by a rule. */
  readonly policy?: true;
}

/** Too many forks means a ruleset this judge should not pretend to have understood. */
const MAX_STATES = 20_000;
const MAX_DEPTH = 64;

class TooComplex extends Error {}

function label(tb: RuleTable, chain: Chain): string {
  return tb.origin === 'iptables' ? `${tb.family === 'ip' ? 'iptables' : 'ip6tables'} ${tb.name} ${chain.name}` : `${tb.family} ${tb.name} ${chain.name}`;
}

function ruleBy(rule: Rule, where: string): string {
  return `"${rule.text}" (${where})`;
}

function withFacts(path: Path, conds: readonly Cond[], holds: boolean): Path {
  const facts = new Map(path.facts);
  // Only a single condition's truth is known on the path where the rule did not match.
  if (holds || conds.length === 1) {
    for (const c of conds) {
      const key = factKey(c);
      if (key !== undefined) facts.set(key, holds ? !negated(c) : negated(c));
    }
  }
  return { ...path, facts, restrictions: [...path.restrictions, { conds, holds }] };
}

/** Walks one base chain for one path; returns how each resulting path ends. */
function walkBase(tb: RuleTable, base: Chain, start: Path, p: Packet, budget: { states: number }): Ended[] {
  const ended: Ended[] = [];
  const policy = base.hook?.policy ?? 'accept';
  const where = (c: Chain): string => label(tb, c);
  const work: { frames: Frame[]; path: Path }[] = [{ frames: [{ chain: base, i: 0 }], path: start }];
  const fork = (frames: Frame[], path: Path): void => {
    if (++budget.states > MAX_STATES) throw new TooComplex();
    work.push({ frames: frames.map((f) => ({ chain: f.chain, i: f.i })), path });
  };
  while (work.length > 0) {
    const st = work.pop() as { frames: Frame[]; path: Path };
    let path = st.path;
    const frames = st.frames;
    for (;;) {
      const top = frames[frames.length - 1];
      if (top === undefined) {
        const lbl = label(tb, base);
        ended.push({ verdict: policy, path, by: t(`the policy of ${lbl} (${policy})`, `la política de ${lbl} (${policy})`), policy: true });
        break;
      }
      const rule = top.chain.rules[top.i];
      if (rule === undefined) {
        frames.pop();
        continue;
      }
      top.i++;
      // A rule without a verdict (counter, log) cannot change where the packet goes.
      if (rule.verdict.kind === 'continue' || rule.verdict.kind === 'dnat') continue;
      const some: Cond[] = [];
      let unknown = false;
      let no = false;
      for (const c of rule.conds) {
        const r = evalCond(c, p, path.facts);
        if (r === 'no') {
          no = true;
          break;
        }
        if (r === 'some') some.push(c);
        else if (r === 'unknown') unknown = true;
      }
      if (no) continue;
      const desc = ruleBy(rule, where(top.chain));
      if (some.length > 0 || unknown) {
        // The rule matches some packets: the path where it does not goes on from the next rule.
        let other: Path = unknown ? { ...path, unknowns: [...path.unknowns, desc] } : path;
        if (!unknown) other = withFacts(other, some, false);
        fork(frames, other);
        if (unknown) path = { ...path, unknowns: [...path.unknowns, desc] };
        if (some.length > 0) path = withFacts(path, some, true);
      }
      const v = rule.verdict;
      if (v.kind === 'accept' || v.kind === 'drop' || v.kind === 'reject') {
        ended.push({ verdict: v.kind, path, by: t(desc, desc) });
        break;
      }
      if (v.kind === 'unknown') {
        // Another program decides (queue, an xt target): follow both outcomes, both uncertain.
        const p2: Path = { ...path, unknowns: [...path.unknowns, desc] };
        ended.push({ verdict: 'accept', path: p2, by: t(desc, desc) });
        ended.push({ verdict: 'drop', path: p2, by: t(desc, desc) });
        break;
      }
      if (v.kind === 'return') {
        frames.pop();
        continue;
      }
      if (v.kind !== 'jump' && v.kind !== 'goto') continue;
      const target = tb.chains.find((c) => c.name === v.target && c.hook === undefined);
      if (target === undefined || frames.length >= MAX_DEPTH) {
        const p2: Path = { ...path, unknowns: [...path.unknowns, desc] };
        ended.push({ verdict: 'accept', path: p2, by: t(desc, desc) }, { verdict: 'drop', path: p2, by: t(desc, desc) });
        break;
      }
      if (v.kind === 'goto') frames.pop();
      frames.push({ chain: target, i: 0 });
    }
  }
  return ended;
}

// ---- restriction phrases ------------------------------------------------------------------

/** The condition in its positive form ("from 198.18.0.0/15"), whichever way the rule wrote it. */
function phrase(c: Cond): Bilingual {
  switch (c.kind) {
    case 'addr':
      return c.dir === 'saddr' ? t(`from ${c.value}`, `desde ${c.value}`) : t(`to ${c.value}`, `hacia ${c.value}`);
    case 'iface':
      return t(`on interface ${c.value}`, `por la interfaz ${c.value}`);
    case 'port':
      return t(`from source port ${c.value}`, `desde el puerto de origen ${c.value}`);
    case 'limit':
      return t(`within the rate limit (${c.text.replace(' over ', ' ')})`, `dentro del límite de ritmo (${c.text.replace(' over ', ' ')})`);
    default:
      return t(`when ${c.text}`, `cuando ${c.text}`);
  }
}

function joinB(parts: readonly Bilingual[], en: string, es: string): Bilingual {
  return t(parts.map((x) => x.en).join(en), parts.map((x) => x.es).join(es));
}

/** "only from 198.18.0.0/15, except from @blocklist": what a path had to assume to get through. */
function restrictionText(rs: readonly Restriction[]): Bilingual {
  const only: Bilingual[] = [];
  const except: Bilingual[] = [];
  for (const r of rs) {
    if (r.holds) {
      // `ip saddr != X accept` took this path: the packet came from anywhere but X.
      for (const c of r.conds) (negated(c) ? except : only).push(phrase(c));
    } else if (r.conds.length === 1) {
      const c = r.conds[0] as Cond;
      // `ip saddr != X drop` did not match: the packet came from X.
      (negated(c) ? only : except).push(phrase(c));
    } else except.push(joinB(r.conds.map(phrase), ' and ', ' y '));
  }
  const parts: Bilingual[] = [];
  if (only.length > 0) parts.push(t(`only ${joinB(only, ', ', ', ').en}`, `solo ${joinB(only, ', ', ', ').es}`));
  if (except.length > 0) parts.push(t(`except ${joinB(except, ', ', ', ').en}`, `salvo ${joinB(except, ', ', ', ').es}`));
  return joinB(parts, ', ', ', ');
}

// ---- Docker-published ports ---------------------------------------------------------------

function rangeAddress(family: Family, v: bigint): string {
  const a: IpAddress = family === 4 ? { family: 4, value: Number(v) } : { family: 6, value: v };
  return formatIp(a);
}

function publishedFrom(tb: RuleTable, out: Map<string, PublishedPort & { family: Family }>): void {
  const seen = new Set<string>();
  const queue = tb.chains.filter((c) => c.hook?.type === 'nat' && c.hook.hook === 'prerouting').map((c) => c.name);
  while (queue.length > 0) {
    const name = queue.pop() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const rule of tb.chains.find((c) => c.name === name)?.rules ?? []) {
      const v = rule.verdict;
      if (v.kind === 'jump' || v.kind === 'goto') queue.push(v.target);
      if (v.kind !== 'dnat') continue;
      const port = rule.conds.find((c): c is Extract<Cond, { kind: 'port' }> => c.kind === 'port' && c.dir === 'dport' && !c.negate);
      const range = port?.ports?.length === 1 ? port.ports[0] : undefined;
      if (port === undefined || range === undefined || range[0] !== range[1]) continue;
      let proto: 'tcp' | 'udp' | undefined = port.proto === 'tcp' || port.proto === 'udp' ? port.proto : undefined;
      if (proto === undefined) {
        const l4 = rule.conds.find((c): c is Extract<Cond, { kind: 'l4proto' }> => c.kind === 'l4proto' && !c.negate && c.protos.length === 1);
        proto = l4?.protos[0] === 6 ? 'tcp' : l4?.protos[0] === 17 ? 'udp' : undefined;
      }
      if (proto === undefined) continue;
      const container = addrValue(v.addr);
      if (container === undefined) continue;
      const d = rule.conds.find((c): c is Extract<Cond, { kind: 'addr' }> => c.kind === 'addr' && c.dir === 'daddr' && !c.negate);
      const only = d?.ranges?.length === 1 ? d.ranges[0] : undefined;
      const hostAddress = only !== undefined && only.lo === only.hi ? rangeAddress(only.family, only.lo) : undefined;
      const entry: PublishedPort & { family: Family } = {
        family: container.family,
        proto,
        hostPort: range[0],
        ...(hostAddress === undefined ? {} : { hostAddress }),
        containerAddress: v.addr,
        containerPort: v.port ?? range[0],
      };
      out.set(JSON.stringify(entry), entry);
    }
  }
}

function publishedWithFamily(fw: FirewallSnapshot): (PublishedPort & { family: Family })[] {
  const out = new Map<string, PublishedPort & { family: Family }>();
  const seenTables = new Set<RuleTable>();
  for (const family of [4, 6] as const) {
    for (const tb of tablesFor(fw, family).tables) {
      if (seenTables.has(tb)) continue;
      seenTables.add(tb);
      publishedFrom(tb, out);
    }
  }
  return [...out.values()];
}

/** The ports DNAT rules on prerouting publish (Docker's nat DOCKER chain, or native nft nat chains). */
export function dockerPublished(fw: FirewallSnapshot): PublishedPort[] {
  return publishedWithFamily(fw).map(({ family: _family, ...p }) => p);
}

// ---- the judgement ------------------------------------------------------------------------

function isWildcard(address: string): boolean {
  return address === '' || address === '*' || address === '0.0.0.0' || address === '::';
}

function isLoopbackValue(family: Family, v: bigint): boolean {
  return family === 4 ? v >> 24n === 127n : v === 1n;
}

/** Whether a NEW inbound connection from another machine to the socket passes the host firewall, and why. */
export function judgeExposure(fw: FirewallSnapshot, q: ExposureQuery): ExposureJudgement {
  const addr = isWildcard(q.address) ? undefined : addrValue(q.address);
  if (addr !== undefined && isLoopbackValue(addr.family, addr.value)) {
    // Callers normally report loopback listeners as 'local' without asking; a firewall cannot open them.
    return { exposure: 'blocked', reason: t('bound to a loopback address: other machines cannot reach it', 'ligado a una dirección de loopback: otras máquinas no pueden alcanzarlo') };
  }
  const wild = addr === undefined;
  const pub = publishedWithFamily(fw).find(
    (x) => x.family === q.family && x.proto === q.proto && x.hostPort === q.port && (x.hostAddress === undefined || wild || x.hostAddress === q.address) && !(x.hostAddress !== undefined && isLoopbackValue(q.family, addrValue(x.hostAddress)?.value ?? 0n)),
  );
  if (pub !== undefined) {
    const to = `${pub.containerAddress.includes(':') ? `[${pub.containerAddress}]` : pub.containerAddress}:${pub.containerPort}`;
    return {
      exposure: 'reachable',
      reason: t(`Docker-published (DNAT to ${to}), bypasses INPUT rules`, `publicado por Docker (DNAT a ${to}), no pasa por las reglas de INPUT`),
      dockerPublished: true,
    };
  }

  const fam = `IPv${q.family}`;
  const { tables, problems, read } = tablesFor(fw, q.family);
  if (!read) {
    if (fw.denied === true) return { exposure: 'unknown', reason: t('cannot read the firewall ruleset without root', 'no se puede leer el conjunto de reglas del cortafuegos sin ser root') };
    const why = fw.errors.length > 0 ? `: ${fw.errors.join('; ')}` : '';
    return { exposure: 'unknown', reason: t(`could not read the firewall ruleset${why}`, `no se pudo leer el conjunto de reglas del cortafuegos${why}`) };
  }
  const problem = problems[0];
  if (problem !== undefined) return { exposure: 'unknown', reason: problem };

  const bases: { tb: RuleTable; chain: Chain }[] = [];
  for (const tb of tables) for (const chain of tb.chains) if (chain.hook?.type === 'filter') bases.push({ tb, chain });
  const stage = (c: Chain): number => (c.hook?.hook === 'prerouting' ? 0 : 1);
  bases.sort((a, b) => stage(a.chain) - stage(b.chain) || (a.chain.hook?.prio ?? 0) - (b.chain.hook?.prio ?? 0));
  if (bases.length === 0) {
    const anyRules = (fw.nft?.tables.length ?? 0) > 0 || [fw.iptables?.v4, fw.iptables?.v6, fw.iptables?.legacyV4, fw.iptables?.legacyV6].some((x) => x !== undefined && x.tables.some((tb) => tb.chains.some((c) => c.rules.length > 0 || c.hook?.policy === 'drop')));
    return anyRules
      ? { exposure: 'reachable', reason: t(`no firewall rule filters incoming ${fam}`, `ninguna regla del cortafuegos filtra el ${fam} entrante`) }
      : { exposure: 'reachable', reason: t('no host firewall rules', 'no hay reglas de cortafuegos en el equipo') };
  }

  const packet: Packet = { family: q.family, proto: q.proto, protoNumber: q.proto === 'tcp' ? 6 : 17, port: q.port, daddr: addr?.value };
  let live: Path[] = [{ restrictions: [], facts: new Map(), unknowns: [], steps: [] }];
  const ended: Ended[] = [];
  const budget = { states: 0 };
  try {
    for (const { tb, chain } of bases) {
      const next: Path[] = [];
      for (const path of live) {
        for (const e of walkBase(tb, chain, path, packet, budget)) {
          if (e.verdict === 'accept') next.push({ ...e.path, steps: [...e.path.steps, { by: e.by, policy: e.policy === true }] });
          else ended.push(e);
        }
      }
      live = next;
    }
  } catch (err) {
    if (!(err instanceof TooComplex)) throw err;
    return { exposure: 'unknown', reason: t('too many source-dependent rules to follow every path', 'demasiadas reglas que dependen del origen para seguir cada camino') };
  }

  const certain = live.filter((x) => x.unknowns.length === 0);
  if (certain.length > 0) {
    const best = certain.reduce((a, b) => (b.restrictions.length < a.restrictions.length ? b : a));
    // Name the rules that accepted; a chain whose policy let everything through says nothing.
    const rules = best.steps.filter((x) => !x.policy);
    const by = joinB((rules.length > 0 ? rules : best.steps.slice(-1)).map((x) => x.by), '; ', '; ');
    if (best.restrictions.length === 0) return { exposure: 'reachable', reason: t(`accepted by ${by.en}`, `aceptado por ${by.es}`) };
    const only = restrictionText(best.restrictions);
    return { exposure: 'reachable', reason: t(`accepted ${only.en}, by ${by.en}`, `aceptado ${only.es}, por ${by.es}`) };
  }
  const doubt = live[0]?.unknowns[0];
  if (doubt !== undefined) {
    return { exposure: 'unknown', reason: t(`depends on a rule the audit cannot evaluate: ${doubt}`, `depende de una regla que la auditoría no puede evaluar: ${doubt}`) };
  }
  // Name the path that depends on the fewest conditions; on a tie the last one, which is the path
  // where the conditional rules did not match (the walk follows matches first).
  const weight = (e: Ended): number => e.path.restrictions.length + e.path.unknowns.length;
  const stop = ended.reduce<Ended | undefined>((a, b) => (a === undefined || weight(b) <= weight(a) ? b : a), undefined);
  if (stop === undefined) return { exposure: 'unknown', reason: t('no path through the firewall could be followed', 'no se pudo seguir ningún camino por el cortafuegos') };
  return stop.verdict === 'reject'
    ? { exposure: 'blocked', reason: t(`rejected by ${stop.by.en}`, `rechazado por ${stop.by.es}`) }
    : { exposure: 'blocked', reason: t(`dropped by ${stop.by.en}`, `descartado por ${stop.by.es}`) };
}
