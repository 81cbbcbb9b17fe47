/**
 * What a firewall renderer produces. Renderers are pure: they turn a RuleModel into text, files
 * and argv lists; running them is the apply edge's job.
 */

/** A firewall backend Portcullis can render a policy for. */
export type Backend = 'nftables' | 'iptables' | 'ufw' | 'firewalld' | 'pf' | 'windows';

/** One backend's rendering of a rule model. */
export interface Rendered {
  readonly backend: Backend;
  /** What `plan` prints: the full ruleset file(s) or the command list, with a header comment. */
  readonly text: string;
  /** Files to feed to the backend's atomic loader, when it has one (nftables: one `nft -f` script; iptables: 'v4' and 'v6' iptables-restore inputs). */
  readonly files: readonly { readonly name: string; readonly content: string }[];
  /**
   * Commands to run in order, for backends driven by commands (ufw, firewalld, windows). Each is an
   * argv array. iptables also lists its loader and hook commands here; an argument equal to a
   * file's `name` ('v4', 'v6') stands for the path the caller wrote that file to.
   */
  readonly commands: readonly (readonly string[])[];
}
