/**
 * The rule model as firewall-cmd commands on the permanent configuration, then a reload.
 * Docs: firewall-cmd(1) (https://manpages.ubuntu.com/manpages/noble/man1/firewall-cmd.1.html),
 * firewalld.richlanguage(5) (https://man.archlinux.org/man/firewalld.richlanguage.5.en.txt) and
 * Red Hat, "Prioritizing rich rules" (https://docs.redhat.com/en/documentation/red_hat_enterprise_linux/10/secure-prioritizing_rich_rules):
 * rich rules with a priority below 0 run before the zone's ports and services, lower first.
 *
 * Choices:
 * - Zone target DROP, like the other backends (the `default` target rejects instead). firewalld
 *   itself accepts established/related and loopback traffic and drops invalid packets before
 *   any zone. With target DROP the zone no longer accepts ICMP wholesale, so each needed type
 *   is accepted by a rich rule (icmp-type name=...). firewalld would block an ICMP type only
 *   when it is listed as an icmp-block; we add none.
 * - Guard and denies are rich rules with priority -32 and -16, so they win over every allow;
 *   allows without sources are --add-port, allows with sources one rich rule per block (a rich
 *   rule has one family and one source address).
 * - A rich rule cannot name an interface, and firewalld picks one zone per interface. A rule
 *   with `iface` therefore goes into a zone of its own bound to that interface
 *   (--change-interface), which gets every rule without `iface` too, so traffic on that
 *   interface meets the same policy plus its own rules. --new-zone fails with NAME_CONFLICT
 *   when the zone exists already (a second apply): that error is harmless.
 * Pure.
 */
import type { FirewallRule, IcmpType, RuleModel } from '../model.js';
import { cidrText, commentLines, familyParts, plain, portText, safeIface, shLine, title } from './common.js';
import type { Rendered } from './types.js';

/** The zone rules without an interface go to. */
export const FIREWALLD_ZONE = 'public';

// Names of firewalld's icmptypes (/usr/lib/firewalld/icmptypes) for the model's nft names.
const ICMP_NAMES: Readonly<Record<string, string>> = {
  'echo-request': 'echo-request',
  'destination-unreachable': 'destination-unreachable',
  'time-exceeded': 'time-exceeded',
  'parameter-problem': 'parameter-problem',
  'packet-too-big': 'packet-too-big',
  'nd-router-solicit': 'router-solicitation',
  'nd-router-advert': 'router-advertisement',
  'nd-neighbor-solicit': 'neighbour-solicitation',
  'nd-neighbor-advert': 'neighbour-advertisement',
  'mld-listener-query': 'mld-listener-query',
  'mld-listener-report': 'mld-listener-report',
  'mld2-listener-report': 'mld2-listener-report',
};

const GUARD_PRIORITY = -32;
const DENY_PRIORITY = -16;

function fc(zone: string, ...args: string[]): string[] {
  return ['firewall-cmd', '--permanent', `--zone=${zone}`, ...args];
}

function icmpCommands(zone: string, i: IcmpType): string[] {
  const name = ICMP_NAMES[i.name] ?? i.name;
  return fc(zone, `--add-rich-rule=rule family="ipv${i.family}" icmp-type name="${name}" accept`);
}

function ruleCommands(zone: string, rule: FirewallRule): { comment: string; argv: string[] }[] {
  const port = `port port="${portText(rule.ports, '-')}" protocol="${rule.proto}"`;
  const comment = plain(rule.comment);
  if (rule.action === 'accept' && rule.origin.kind !== 'ssh-guard' && rule.from === undefined) {
    return [{ comment, argv: fc(zone, `--add-port=${portText(rule.ports, '-')}/${rule.proto}`) }];
  }
  const priority = rule.origin.kind === 'ssh-guard' ? GUARD_PRIORITY : rule.action === 'drop' ? DENY_PRIORITY : 0;
  const prio = priority === 0 ? '' : `priority="${priority}" `;
  const verdict = rule.action === 'accept' ? 'accept' : 'drop';
  return familyParts(rule).flatMap((part) => {
    if (part.family === undefined) return [{ comment, argv: fc(zone, `--add-rich-rule=rule ${prio}${port} ${verdict}`) }];
    return part.cidrs.map((c) => ({ comment, argv: fc(zone, `--add-rich-rule=rule ${prio}family="ipv${part.family}" source address="${cidrText(c)}" ${port} ${verdict}`) }));
  });
}

/** The firewalld rendering: zone target, ICMP, rules (per interface zone where needed), reload. */
export function renderFirewalld(model: RuleModel): Rendered {
  const ifaces = [...new Set(model.rules.flatMap((r) => (r.iface === undefined ? [] : [safeIface(r.iface)])))];
  const steps: { comment?: string; argv: string[] }[] = [];
  const zones: { zone: string; iface?: string }[] = [{ zone: FIREWALLD_ZONE }, ...ifaces.map((iface, n) => ({ zone: `portcullis${n + 1}`, iface }))];
  for (const { zone, iface } of zones) {
    if (iface !== undefined) {
      steps.push({ comment: `zone of its own for interface ${iface}`, argv: ['firewall-cmd', '--permanent', `--new-zone=${zone}`] });
      steps.push({ argv: fc(zone, `--change-interface=${iface}`) });
    }
    steps.push({ argv: fc(zone, '--set-target=DROP') });
    for (const i of model.icmp) steps.push({ argv: icmpCommands(zone, i) });
    for (const r of model.rules) if (r.iface === undefined || r.iface === iface) steps.push(...ruleCommands(zone, r));
  }
  steps.push({ argv: ['firewall-cmd', '--reload'] });
  const commands = steps.map((s) => s.argv);
  const text =
    commentLines([
      title(model, 'firewalld'),
      'Run these commands in order; they change the permanent configuration, and the final',
      '--reload makes it the running one.',
      'firewalld accepts established/related and loopback traffic and drops invalid packets',
      'before any zone. Target DROP drops everything else, ICMP included, so the ICMP and ICMPv6',
      'types a host needs (neighbour discovery too) are accepted by rich rules. firewalld blocks',
      'an ICMP type only when it is an icmp-block of the zone; none are added.',
      `Guard and denies are rich rules with priority ${GUARD_PRIORITY} and ${DENY_PRIORITY}: they run before any allow.`,
      'Rich rules cannot name an interface: a rule with one gets a zone of its own bound to the',
      'interface, holding the rules for any interface too. On a second apply --new-zone reports',
      'NAME_CONFLICT (the zone exists): harmless. Rules added before and not in this policy stay.',
    ]) +
    steps.map((s) => (s.comment === undefined ? '' : `# ${plain(s.comment)}\n`) + shLine(s.argv)).join('\n') +
    '\n';
  return { backend: 'firewalld', text, files: [], commands };
}
