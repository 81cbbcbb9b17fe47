/**
 * The policy file's model: which ports may listen, how, and which must not. One file serves
 * `portcullis audit` (compare the machine's listeners with it) and `portcullis firewall`
 * (render it as rules). Produced by parsePolicy(), frozen, pure data. Format and semantics:
 * docs/reference/policy.md; schema: docs/reference/policy.schema.json.
 */
import type { Proto } from '../core/types.js';
import type { BindScope } from '../audit/types.js';

/** An inclusive port range; a single port has first === last. */
export interface PortRange {
  readonly first: number;
  readonly last: number;
}

/** Where an allowed listener may bind: a scope (loopback, one interface, all) or one exact address. */
export type PolicyBind = { readonly kind: 'scope'; readonly scope: BindScope } | { readonly kind: 'address'; readonly family: 4 | 6; readonly address: string };

/** The user an allowed listener must run as: a name, or a numeric uid. */
export type PolicyUser = { readonly kind: 'name'; readonly name: string } | { readonly kind: 'uid'; readonly uid: number };

/** A source block from a `from` list: the network address in canonical form and its prefix length. */
export interface PolicyCidr {
  readonly family: 4 | 6;
  /** Canonical network address ('198.18.0.0', '2001:db8::'). */
  readonly address: string;
  /** Prefix length; 32 or 128 for a single address. */
  readonly prefix: number;
}

/** What every entry has: where it is in the file, and the port(s) and protocol it is about. */
export interface PolicyEntryBase {
  /** Position in its list (allow or deny), from 0. */
  readonly index: number;
  /** 1-based line of the entry in the policy file. */
  readonly line: number;
  readonly port: PortRange;
  readonly proto: Proto;
  /** Sources the firewall lets in (a firewall matter: the audit does not look at it). Undefined = any. */
  readonly from?: readonly PolicyCidr[];
  /** Interface the firewall rule is limited to (a firewall matter too). */
  readonly interface?: string;
  readonly comment?: string;
}

/** An `allow` entry: a port that may listen, optionally only with this bind, executable and user. */
export interface AllowEntry extends PolicyEntryBase {
  readonly bind?: PolicyBind;
  /** Glob on the executable path: `*` within a path segment, `**` any depth, `?` one character. */
  readonly exe?: string;
  readonly user?: PolicyUser;
  /** When true, the audit reports the entry if nothing listens on its port (`missing-listener`). */
  readonly expect: boolean;
}

/** A `deny` entry: a port nothing may listen on (and the firewall drops). */
export type DenyEntry = PolicyEntryBase;

/** A parsed, validated, frozen policy file (format version 1). */
export interface Policy {
  /** The file name the policy was read from, as given to parsePolicy (used in messages). */
  readonly file: string;
  readonly version: 1;
  /** Whether raw and packet sockets are allowed; 'deny' (the default) reports each one. */
  readonly raw: 'allow' | 'deny';
  readonly allow: readonly AllowEntry[];
  readonly deny: readonly DenyEntry[];
}

/** The port range as the file writes it: '22' or '8000-8010'. */
export function formatPortRange(r: PortRange): string {
  return r.first === r.last ? String(r.first) : `${r.first}-${r.last}`;
}

/** The bind requirement as the file writes it: 'loopback', 'interface', 'all' or the address. */
export function formatBind(b: PolicyBind): string {
  return b.kind === 'scope' ? b.scope : b.address;
}

/** The user requirement as the file writes it: the name, or the uid. */
export function formatUser(u: PolicyUser): string {
  return u.kind === 'name' ? u.name : String(u.uid);
}
