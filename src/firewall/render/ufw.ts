/**
 * The rule model as ufw commands. Docs: ufw(8) (https://manpages.ubuntu.com/manpages/noble/man8/ufw.8.html):
 * `ufw [rule] allow|deny [in [on INTERFACE]] [proto PROTOCOL] [from ADDRESS] [to ADDRESS [port PORT]] [comment COMMENT]`,
 * rules are checked in order and the first match wins, and a port range needs `proto`.
 *
 * Not `ufw --force reset`: it would wipe rules the administrator added. ufw's before.rules and
 * before6.rules already accept established/related and loopback traffic, drop invalid packets
 * and accept the ICMP and ICMPv6 a host needs (errors, ping, packet-too-big, neighbour
 * discovery; ufw 0.36.2's before6.rules accepts ICMPv6 133-136 with hop limit 255 and MLD 130, 131,
 * 143 from link-local sources), so no rule here repeats them. A source of one family makes ufw write the rule for
 * that family only. Pure.
 */
import type { FirewallRule, RuleModel } from '../model.js';
import { cidrText, commentLines, familyParts, plain, portText, safeIface, shLine, title } from './common.js';
import type { Rendered } from './types.js';

function ruleCommands(rule: FirewallRule): string[][] {
  const verb = rule.action === 'accept' ? 'allow' : 'deny';
  const iface = rule.iface === undefined ? [] : ['in', 'on', safeIface(rule.iface)];
  // ufw takes one source per rule: one command per block.
  const sources = familyParts(rule).flatMap((p) => (p.cidrs.length === 0 ? ['any'] : p.cidrs.map(cidrText)));
  return sources.map((from) => ['ufw', verb, ...iface, 'proto', rule.proto, 'from', from, 'to', 'any', 'port', portText(rule.ports, ':'), 'comment', plain(rule.comment)]);
}

/** The ufw rendering: default policies, the rules in model order, then enable. */
export function renderUfw(model: RuleModel): Rendered {
  const commands: string[][] = [['ufw', 'default', 'deny', 'incoming'], ['ufw', 'default', 'allow', 'outgoing'], ...model.rules.flatMap(ruleCommands), ['ufw', '--force', 'enable']];
  const text =
    commentLines([
      title(model, 'ufw'),
      'Run these commands in order. ufw checks rules in order and the first match wins, so the',
      'SSH guard and the denies come before the allows.',
      'before.rules and before6.rules of ufw already accept established/related and loopback',
      'traffic, drop invalid packets and accept the needed ICMP and ICMPv6 (neighbour discovery',
      'included): nothing to add for them. IPv6 rules need IPV6=yes in /etc/default/ufw (the default).',
      'Rules added earlier stay and come first; ufw status numbered lists them, ufw delete NUM',
      'removes one. ufw --force reset would remove them all, yours included, so it is not used.',
    ]) +
    commands.map((c) => shLine(c)).join('\n') +
    '\n';
  return { backend: 'ufw', text, files: [], commands };
}
