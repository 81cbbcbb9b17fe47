/**
 * The rule model as two `iptables-restore --noflush` inputs (IPv4, IPv6) plus the commands that
 * hook them into INPUT. Docs: iptables-restore(8) (https://www.unix.com/man-page/posix/8/iptables-restore/):
 * "-n, --noflush don't flush the previous contents of the table"; the input is committed as
 * one transaction at COMMIT.
 *
 * Why a chain of our own and a separate hook command:
 * - Without --noflush, iptables-restore would flush the whole filter table, Docker's DOCKER and
 *   DOCKER-USER chains included. With --noflush only what the input names is touched.
 * - With --noflush, declaring a user chain that already exists (`:PORTCULLIS-INPUT - [0:0]`)
 *   flushes that chain. Checked for real with iptables-nft and iptables-legacy 1.8.9 in a
 *   throwaway network namespace: loading the same input twice leaves each rule once. So the
 *   chain's contents are replaced atomically on every apply.
 * - The jump from INPUT is not in the (pure, state-blind) restore input: an unconditional
 *   `-I INPUT 1 -j PORTCULLIS-INPUT` adds a second jump on every apply, `-D` aborts the whole
 *   input when the jump is absent, and no sequence of -I/-A/-D of the same rule turns "0 or 1
 *   jumps" into exactly one (each changes the count by one). Declaring `:INPUT ACCEPT` does not
 *   flush INPUT under --noflush either, and it would overwrite the INPUT policy. So the jump is
 *   added by `iptables -C INPUT -j PORTCULLIS-INPUT || iptables -I INPUT 1 -j PORTCULLIS-INPUT`
 *   after the chain is loaded: the first apply adds it, later ones find it. An apply step that
 *   has just read iptables-save may instead add the -I line to the input when the jump is
 *   missing (src/firewall/apply.ts does), which puts chain and jump in one transaction. The
 *   INPUT policy is left as it is: our chain ends with its own DROP.
 * Pure.
 */
import type { FirewallRule, RuleModel } from '../model.js';
import { cidrText, commentLines, familyParts, icmpOf, partApplies, plain, portText, safeIface, shLine, title } from './common.js';
import type { Rendered } from './types.js';

/** The chain Portcullis owns in the filter table of both families. */
export const IPTABLES_CHAIN = 'PORTCULLIS-INPUT';

/** The xt_comment module keeps at most 255 characters. */
const COMMENT_MAX = 255;

function comment(text: string): string {
  return `-m comment --comment "${plain(text, COMMENT_MAX)}"`;
}

function ruleLines(rule: FirewallRule, family: 4 | 6): string[] {
  const iface = rule.iface === undefined ? '' : ` -i ${safeIface(rule.iface)}`;
  const target = rule.action === 'accept' ? 'ACCEPT' : 'DROP';
  const lines: string[] = [];
  for (const part of familyParts(rule)) {
    if (!partApplies(part, family)) continue;
    // iptables -s takes one block per rule in a restore input: one line per source.
    const sources = part.cidrs.length === 0 ? [''] : part.cidrs.map((c) => ` -s ${cidrText(c)}`);
    for (const s of sources) {
      lines.push(`-A ${IPTABLES_CHAIN}${iface}${s} -p ${rule.proto} -m ${rule.proto} --dport ${portText(rule.ports, ':')} ${comment(rule.comment)} -j ${target}`);
    }
  }
  return lines;
}

function restoreInput(model: RuleModel, family: 4 | 6): string {
  const tool = family === 4 ? 'iptables-restore' : 'ip6tables-restore';
  // Numeric ICMP types: every iptables version knows them, while names differ (ip6tables has none for MLD).
  const icmp =
    family === 4
      ? icmpOf(model, 4).map((i) => `-A ${IPTABLES_CHAIN} -p icmp -m icmp --icmp-type ${i.type} ${comment(`icmp ${i.name}`)} -j ACCEPT`)
      : icmpOf(model, 6).map((i) => `-A ${IPTABLES_CHAIN} -p ipv6-icmp -m icmp6 --icmpv6-type ${i.type} ${comment(`icmpv6 ${i.name}`)} -j ACCEPT`);
  const lines = [
    '*filter',
    `:${IPTABLES_CHAIN} - [0:0]`,
    `-A ${IPTABLES_CHAIN} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
    `-A ${IPTABLES_CHAIN} -m conntrack --ctstate INVALID -j DROP`,
    `-A ${IPTABLES_CHAIN} -i lo -j ACCEPT`,
    ...icmp,
    ...model.rules.flatMap((r) => ruleLines(r, family)),
    `-A ${IPTABLES_CHAIN} -j DROP`,
    'COMMIT',
  ];
  return commentLines([`${title(model, family === 4 ? 'iptables, IPv4' : 'ip6tables, IPv6')}`, `Load with: ${tool} --noflush (replaces chain ${IPTABLES_CHAIN} only)`]) + lines.join('\n') + '\n';
}

/** The shell form of the hook: add the jump from INPUT unless it is there already. */
function hookLine(tool: 'iptables' | 'ip6tables'): string {
  return `${tool} -w -C INPUT -j ${IPTABLES_CHAIN} 2>/dev/null || ${tool} -w -I INPUT 1 -j ${IPTABLES_CHAIN}`;
}

/** The iptables rendering: v4 and v6 restore inputs for our chain, and the idempotent hook. */
export function renderIptables(model: RuleModel): Rendered {
  const v4 = restoreInput(model, 4);
  const v6 = restoreInput(model, 6);
  const commands: string[][] = [
    ['iptables-restore', '-w', '--noflush', 'v4'],
    ['ip6tables-restore', '-w', '--noflush', 'v6'],
    // A fixed string, nothing from the policy in it: safe to hand to sh.
    ['sh', '-c', hookLine('iptables')],
    ['sh', '-c', hookLine('ip6tables')],
  ];
  const text =
    commentLines([
      title(model, 'iptables'),
      `Two iptables-restore --noflush inputs fill the chain ${IPTABLES_CHAIN} (IPv4, IPv6),`,
      'each in one transaction; nothing else in the filter table is flushed (Docker chains stay).',
      'The chain is then hooked into INPUT once: the check (-C) keeps a second apply from adding',
      'a second jump. The INPUT policy is left alone; the chain ends with DROP.',
      'Container ports published through DNAT pass FORWARD, not INPUT: this does not filter them.',
      '',
      'Apply:',
      `  ${shLine(['iptables-restore', '-w', '--noflush'])} < v4`,
      `  ${shLine(['ip6tables-restore', '-w', '--noflush'])} < v6`,
      `  ${hookLine('iptables')}`,
      `  ${hookLine('ip6tables')}`,
    ]) +
    '\n# ---- v4 ----\n' +
    v4 +
    '\n# ---- v6 ----\n' +
    v6;
  return {
    backend: 'iptables',
    text,
    files: [
      { name: 'v4', content: v4 },
      { name: 'v6', content: v6 },
    ],
    commands,
  };
}
