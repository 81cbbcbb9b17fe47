/**
 * The rule model as an nftables script for `nft -f`. Docs: nftables wiki, "Atomic rule
 * replacement" (https://wiki.nftables.org/wiki-nftables/index.php/Atomic_rule_replacement):
 * `nft -f` runs the whole file as one kernel transaction.
 *
 * Only our own table is replaced: `table inet portcullis` (creates it when missing, so the delete
 * that follows cannot fail), `delete table inet portcullis`, then the table again in full. Every
 * other table (Docker's, firewalld's, the distribution's) is left alone. One `inet` table filters
 * IPv4 and IPv6 together. Pure.
 */
import type { FirewallRule, RuleModel } from '../model.js';
import { cidrText, commentLines, familyParts, icmpOf, plain, portText, safeIface, title } from './common.js';
import type { Rendered } from './types.js';

/** nft keeps at most 128 bytes of a comment. */
const NFT_COMMENT_MAX = 128;

function ruleLines(rule: FirewallRule): string[] {
  const iface = rule.iface === undefined ? '' : `iifname "${safeIface(rule.iface)}" `;
  const verdict = rule.action === 'accept' ? 'accept' : 'drop';
  const comment = `comment "${plain(rule.comment, NFT_COMMENT_MAX)}"`;
  // One line per family when `from` has both: `ip saddr` and `ip6 saddr` cannot share a rule.
  return familyParts(rule).map((part) => {
    const saddr = part.family === undefined ? '' : `${part.family === 4 ? 'ip' : 'ip6'} saddr { ${part.cidrs.map(cidrText).join(', ')} } `;
    return `${iface}${saddr}${rule.proto} dport ${portText(rule.ports, '-')} ${verdict} ${comment}`;
  });
}

/** The nftables script: our table, replaced atomically, with the header comment. */
export function renderNftables(model: RuleModel): Rendered {
  const icmp4 = icmpOf(model, 4).map((i) => i.name);
  const icmp6 = icmpOf(model, 6).map((i) => i.name);
  const body = [
    'type filter hook input priority filter; policy drop;',
    'ct state established,related accept',
    'ct state invalid drop',
    'iif lo accept',
    ...(icmp4.length === 0 ? [] : [`icmp type { ${icmp4.join(', ')} } accept`]),
    ...(icmp6.length === 0 ? [] : [`icmpv6 type { ${icmp6.join(', ')} } accept`]),
    ...model.rules.flatMap(ruleLines),
  ];
  const script =
    '#!/usr/sbin/nft -f\n' +
    commentLines([
      title(model, 'nftables'),
      'Apply: nft -f portcullis.nft (one transaction: all of it or nothing).',
      'Replaces only table inet portcullis; other tables stay as they are. A packet another',
      'table accepts is still dropped here unless this policy allows it (every base chain on the',
      'input hook must accept). Container ports published through DNAT pass the forward hook,',
      'not this input chain.',
      'Order: established/related, invalid, loopback, ICMP, then the SSH guard, the denies and',
      'the allows of the policy, first match wins; everything else is dropped.',
    ]) +
    'table inet portcullis\n' +
    'delete table inet portcullis\n' +
    'table inet portcullis {\n' +
    '  chain input {\n' +
    body.map((l) => `    ${l}\n`).join('') +
    '  }\n' +
    '}\n';
  return { backend: 'nftables', text: script, files: [{ name: 'portcullis.nft', content: script }], commands: [] };
}
