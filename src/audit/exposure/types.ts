/**
 * The small rule model both firewall parsers (nft JSON, iptables-save text) produce and the
 * judge walks: tables of chains of rules, each rule a list of conditions and one verdict.
 * Only what decides whether a new inbound packet reaches a local socket is kept. Pure types.
 */

/** IP family of a packet or an address. */
export type Family = 4 | 6;

/** An inclusive port range; a single port is [p, p]. */
export type PortRange = readonly [number, number];

/** An inclusive address range of one family (a CIDR prefix or a single address). */
export interface AddrRange {
  readonly family: Family;
  readonly lo: bigint;
  readonly hi: bigint;
}

/**
 * One condition of a rule. `text` is how the rule source writes it ("ip saddr 198.18.0.0/15",
 * "-s 198.18.0.0/15"); `value` is the right-hand side alone, used in restriction phrases.
 */
export type Cond =
  /** The rule only applies to one family (an inet rule with an `ip`/`ip6` payload, `meta nfproto`). */
  | { readonly kind: 'family'; readonly family: Family; readonly text: string }
  /** Layer 4 protocol numbers (meta l4proto, ip protocol, ip6 nexthdr, -p). */
  | { readonly kind: 'l4proto'; readonly protos: readonly number[]; readonly negate: boolean; readonly text: string }
  /**
   * A port match. `proto` 'th' matches any transport header with ports; undefined `ports` means
   * the set could not be resolved. A sport/dport `either` match is iptables' multiport --ports.
   */
  | {
      readonly kind: 'port';
      readonly dir: 'dport' | 'sport' | 'either';
      readonly proto: 'tcp' | 'udp' | 'sctp' | 'dccp' | 'udplite' | 'th';
      readonly ports: readonly PortRange[] | undefined;
      readonly negate: boolean;
      readonly text: string;
      readonly value: string;
    }
  /** Conntrack state names in lower case ('new', 'established', 'related', 'invalid', 'untracked'). */
  | { readonly kind: 'ctstate'; readonly states: readonly string[]; readonly negate: boolean; readonly text: string }
  /** Input interface names; a trailing '*' (nft) or '+' (iptables) is a prefix wildcard. */
  | { readonly kind: 'iface'; readonly names: readonly string[]; readonly negate: boolean; readonly text: string; readonly value: string }
  /** Source or destination address; undefined `ranges` = a set whose contents are not known. */
  | {
      readonly kind: 'addr';
      readonly dir: 'saddr' | 'daddr';
      readonly family: Family;
      readonly ranges: readonly AddrRange[] | undefined;
      readonly negate: boolean;
      readonly text: string;
      readonly value: string;
    }
  /** Always true or always false for a new unicast packet to a local address (fib daddr type local, pkttype host). */
  | { readonly kind: 'const'; readonly value: boolean; readonly text: string }
  /** A rate limit: some packets match, others not. `over` = matches above the rate. */
  | { readonly kind: 'limit'; readonly over: boolean; readonly text: string }
  /** Anything the judge cannot evaluate (marks, xt matches, concatenations, bitwise tests…). */
  | { readonly kind: 'unknown'; readonly text: string };

/** What a rule does when all its conditions hold. */
export type Verdict =
  | { readonly kind: 'accept' | 'drop' | 'reject' | 'return' | 'continue' }
  | { readonly kind: 'jump' | 'goto'; readonly target: string }
  /** Destination NAT (nat chains only); `port` undefined keeps the original port. */
  | { readonly kind: 'dnat'; readonly addr: string; readonly port: number | undefined }
  /** A verdict only another program decides (queue, an xt target): it may accept or drop. */
  | { readonly kind: 'unknown'; readonly text: string };

/** One rule: all conditions must hold for the verdict to apply. */
export interface Rule {
  readonly conds: readonly Cond[];
  readonly verdict: Verdict;
  /** The rule as its source writes it, for reasons ("tcp dport 22 accept", "-p tcp -m tcp --dport 22 -j ACCEPT"). */
  readonly text: string;
}

/** Where a base chain is attached. Only filter-type chains on prerouting/input and nat prerouting are kept. */
export interface ChainHook {
  readonly type: 'filter' | 'nat';
  readonly hook: 'prerouting' | 'input';
  readonly prio: number;
  readonly policy: 'accept' | 'drop';
}

/** A chain; base chains carry their hook, regular chains (jump/goto targets) do not. */
export interface Chain {
  readonly name: string;
  readonly hook?: ChainHook;
  readonly rules: readonly Rule[];
}

/** A table of chains, from nft or from one iptables-save table. */
export interface RuleTable {
  readonly origin: 'nft' | 'iptables';
  /** nft family; iptables tables are 'ip' (iptables-save) or 'ip6' (ip6tables-save). */
  readonly family: 'ip' | 'ip6' | 'inet';
  readonly name: string;
  readonly chains: readonly Chain[];
}

/** The parts of an nft ruleset that matter for inbound exposure (see nft-ruleset.ts). */
export interface NftRuleset {
  readonly tables: readonly RuleTable[];
}

/** One iptables-save dump of one family. */
export interface IptablesRuleset {
  readonly family: Family;
  /** 'nft' when the header says "(nf_tables)": those rules also show in `nft list ruleset`. */
  readonly backend: 'nft' | 'legacy';
  /** The nf_tables tool saw tables of the legacy backend too ("# Warning: iptables-legacy tables present"). */
  readonly legacyTablesPresent: boolean;
  readonly tables: readonly RuleTable[];
}

/** Everything read about the host firewall of one network namespace. */
export interface FirewallSnapshot {
  /** `nft -j list ruleset`, when it could be read. */
  readonly nft?: NftRuleset;
  /**
   * `iptables-save` (v4) and `ip6tables-save` (v6) with the default backend, and the legacy
   * backend's dumps when the nf_tables tool warned that legacy tables are present.
   */
  readonly iptables?: {
    readonly v4?: IptablesRuleset;
    readonly v6?: IptablesRuleset;
    readonly legacyV4?: IptablesRuleset;
    readonly legacyV6?: IptablesRuleset;
  };
  /** What could not be read, in English ("nft: command not found"…). */
  readonly errors: readonly string[];
  /** True when a read failed for lack of privilege (not root, no CAP_NET_ADMIN). */
  readonly denied?: boolean;
}

