/**
 * The rule model as a pf.conf ruleset (macOS, FreeBSD, OpenBSD). Docs: pf.conf(5)
 * (https://man.openbsd.org/pf.conf.5): the last matching rule decides unless a rule is `quick`,
 * which decides at once; `set skip on` exempts an interface; `label` names a rule.
 *
 * Every policy rule here is `quick`, so they decide in model order (guard, denies, allows) as
 * on every other backend, whatever comes after them; `block in all` before them is the default.
 * pf keeps state for passed packets, so replies to our own connections come back without a
 * rule, and its state tracking drops packets that fit no connection. ICMPv6 type 143 (MLDv2
 * report) is written as a number: older pf (macOS) has no name for it. Pure.
 */
import type { FirewallRule, RuleModel } from '../model.js';
import { cidrText, commentLines, familyParts, icmpOf, plain, portText, safeIface, title } from './common.js';
import type { Rendered } from './types.js';

// pf's icmp-type / icmp6-type names by type number (pfctl parse.y).
const ICMP4_NAMES: Readonly<Record<number, string>> = { 8: 'echoreq', 3: 'unreach', 11: 'timex', 12: 'paramprob' };
const ICMP6_NAMES: Readonly<Record<number, string>> = { 128: 'echoreq', 1: 'unreach', 2: 'toobig', 3: 'timex', 4: 'paramprob', 130: 'listqry', 131: 'listenrep', 133: 'routersol', 134: 'routeradv', 135: 'neighbrsol', 136: 'neighbradv' };

/** PF_RULE_LABEL_SIZE is 64 bytes with the NUL. */
const LABEL_MAX = 63;

function ruleLines(rule: FirewallRule): string[] {
  const action = rule.action === 'accept' ? 'pass in quick' : 'block drop in quick';
  const on = rule.iface === undefined ? '' : ` on ${safeIface(rule.iface)}`;
  const state = rule.action === 'accept' ? ' keep state' : '';
  const label = ` label "${plain(rule.comment, LABEL_MAX)}"`;
  return familyParts(rule).map((part) => {
    const af = part.family === undefined ? '' : part.family === 4 ? ' inet' : ' inet6';
    const from = part.cidrs.length === 0 ? 'any' : `{ ${part.cidrs.map(cidrText).join(', ')} }`;
    return `${action}${on}${af} proto ${rule.proto} from ${from} to any port ${portText(rule.ports, ':')}${state}${label}`;
  });
}

/** The pf ruleset: skip loopback, block in, pass out, ICMP, then the rules, each quick. */
export function renderPf(model: RuleModel): Rendered {
  const icmp4 = icmpOf(model, 4).map((i) => ICMP4_NAMES[i.type] ?? String(i.type));
  const icmp6 = icmpOf(model, 6).map((i) => ICMP6_NAMES[i.type] ?? String(i.type));
  const lines = [
    'set skip on lo0',
    'block in all',
    'pass out all keep state',
    ...(icmp4.length === 0 ? [] : [`pass in inet proto icmp icmp-type { ${icmp4.join(', ')} } keep state`]),
    ...(icmp6.length === 0 ? [] : [`pass in inet6 proto icmp6 icmp6-type { ${icmp6.join(', ')} } keep state`]),
    ...model.rules.flatMap(ruleLines),
  ];
  const text =
    commentLines([
      title(model, 'pf'),
      'Check: pfctl -nf portcullis.pf.conf   Load: pfctl -f portcullis.pf.conf   Enable: pfctl -e',
      'pfctl -f replaces the whole main ruleset (on macOS, /etc/pf.conf and its Apple anchors);',
      'to keep them, load this into an anchor instead: pfctl -a portcullis -f portcullis.pf.conf,',
      'with anchor portcullis in the main ruleset.',
      'pf: the last matching rule wins unless a rule is quick. The policy rules are all quick, so',
      'they decide in order: SSH guard, denies, allows. Loopback (lo0) is not filtered.',
    ]) +
    lines.join('\n') +
    '\n';
  return { backend: 'pf', text, files: [{ name: 'portcullis.pf.conf', content: text }], commands: [] };
}
