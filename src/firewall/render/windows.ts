/**
 * The rule model as PowerShell (NetSecurity module) commands for Windows Defender Firewall.
 * Docs: New-NetFirewallRule (https://learn.microsoft.com/powershell/module/netsecurity/new-netfirewallrule)
 * and Set-NetFirewallProfile; block rules take precedence over allow rules whatever their
 * order (only an authenticated -OverrideBlockRules allow beats them).
 *
 * Our rules carry -Group Portcullis, and the first command removes that group, so applying
 * again replaces them. The firewall is stateful (replies pass) and does not filter loopback.
 * Because a block beats any allow, a deny covering the SSH guard's port would cut the session
 * off; such a deny is rendered without that port (split around it), which is what the model's
 * order (guard first) means. Every string is single-quoted for PowerShell ('' inside), and each
 * command runs as `powershell -EncodedCommand` (UTF-16LE base64), so no command-line quoting
 * layer can change it. Pure.
 */
import type { FirewallRule, RuleModel } from '../model.js';
import type { PortRange } from '../../policy/policy.js';
import { cidrText, commentLines, icmpOf, plain, portText, safeIface, title } from './common.js';
import type { Rendered } from './types.js';

/** The rule group every Portcullis rule belongs to. */
export const WINDOWS_GROUP = 'Portcullis';

/** A PowerShell single-quoted string; the typographic single quotes PowerShell also accepts are doubled too. */
export function psQuote(s: string): string {
  return `'${s.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
}

/** The range minus one port: what is left of a deny once the guard's port is cut out. */
function without(r: PortRange, port: number): PortRange[] {
  if (port < r.first || port > r.last) return [r];
  const out: PortRange[] = [];
  if (port > r.first) out.push({ first: r.first, last: port - 1 });
  if (port < r.last) out.push({ first: port + 1, last: r.last });
  return out;
}

function ruleLines(rule: FirewallRule, guarded: readonly PortRange[]): string[] {
  // An empty source list admits no one (parsePolicy refuses it; a hand-built model may not):
  // -RemoteAddress with nothing after it would not even parse.
  if (rule.from?.length === 0) return [];
  let ranges: PortRange[] = [rule.ports];
  if (rule.action === 'drop' && rule.proto === 'tcp') for (const g of guarded) ranges = ranges.flatMap((r) => without(r, g.first));
  if (ranges.length === 0) return [`# ${plain(rule.comment)}: left out, it would block the SSH guard port`];
  const remote = rule.from === undefined ? '' : ` -RemoteAddress ${rule.from.map((c) => psQuote(cidrText(c))).join(',')}`;
  const iface = rule.iface === undefined ? '' : ` -InterfaceAlias ${psQuote(safeIface(rule.iface))}`;
  const action = rule.action === 'accept' ? 'Allow' : 'Block';
  const ports = ranges.map((r) => psQuote(portText(r, '-'))).join(',');
  // -RemoteAddress restricts the rule to those addresses, so IPv4 blocks never match IPv6 traffic.
  return [`New-NetFirewallRule -DisplayName ${psQuote(`Portcullis: ${plain(rule.comment)}`)} -Group ${psQuote(WINDOWS_GROUP)} -Direction Inbound -Protocol ${rule.proto.toUpperCase()} -LocalPort ${ports}${remote}${iface} -Action ${action}`];
}

/** The argv that runs one PowerShell line with no quoting layer in between. */
function encoded(line: string): string[] {
  return ['powershell.exe', '-NoProfile', '-NonInteractive', '-EncodedCommand', Buffer.from(line, 'utf16le').toString('base64')];
}

/** The Windows rendering: remove our group, set the profiles, ICMP, then the rules. */
export function renderWindows(model: RuleModel): Rendered {
  const guarded = model.rules.filter((r) => r.origin.kind === 'ssh-guard').map((r) => r.ports);
  const icmp = ([4, 6] as const).flatMap((f) => {
    const types = icmpOf(model, f).map((i) => String(i.type));
    return types.length === 0 ? [] : [`New-NetFirewallRule -DisplayName ${psQuote(`Portcullis: ICMPv${f}`)} -Group ${psQuote(WINDOWS_GROUP)} -Direction Inbound -Protocol ICMPv${f} -IcmpType ${types.join(',')} -Action Allow`];
  });
  const lines = [
    `Remove-NetFirewallRule -Group ${psQuote(WINDOWS_GROUP)} -ErrorAction SilentlyContinue`,
    'Set-NetFirewallProfile -Profile Domain,Public,Private -DefaultInboundAction Block -DefaultOutboundAction Allow -Enabled True',
    ...icmp,
    ...model.rules.flatMap((r) => ruleLines(r, guarded)),
  ];
  const text =
    commentLines([
      title(model, 'windows'),
      'Run in an elevated PowerShell, in order. Rules are in the group Portcullis; the first line',
      'removes the group, so applying again replaces them.',
      'Windows Firewall: block rules beat allow rules whatever the order. The firewall is stateful',
      'and does not filter loopback. Allow rules Windows or other programs created stay enabled;',
      'Get-NetFirewallRule -Direction Inbound -Action Allow -Enabled True lists them.',
    ]) +
    lines.join('\n') +
    '\n';
  return { backend: 'windows', text, files: [], commands: lines.filter((l) => !l.startsWith('#')).map(encoded) };
}
