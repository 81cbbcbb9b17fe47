/**
 * One entry point for the firewall renderers: the rule model in, a backend's ruleset or command
 * list out. Pure.
 */
import type { RuleModel } from '../model.js';
import { renderFirewalld } from './firewalld.js';
import { renderIptables } from './iptables.js';
import { renderNftables } from './nftables.js';
import { renderPf } from './pf.js';
import { renderUfw } from './ufw.js';
import { renderWindows } from './windows.js';
import type { Backend, Rendered } from './types.js';

export type { Backend, Rendered } from './types.js';
export { renderFirewalld, renderIptables, renderNftables, renderPf, renderUfw, renderWindows };

const RENDERERS: Readonly<Record<Backend, (model: RuleModel) => Rendered>> = {
  nftables: renderNftables,
  iptables: renderIptables,
  ufw: renderUfw,
  firewalld: renderFirewalld,
  pf: renderPf,
  windows: renderWindows,
};

/** Every backend, in the order `--backend` lists them. */
export const BACKENDS: readonly Backend[] = Object.freeze(Object.keys(RENDERERS) as Backend[]);

/** The rule model rendered for one backend. */
export function render(model: RuleModel, backend: Backend): Rendered {
  return RENDERERS[backend](model);
}
