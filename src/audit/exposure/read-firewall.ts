/**
 * The exposure judge's only I/O: runs `nft -j list ruleset`, `iptables-save` and `ip6tables-save`
 * (and the legacy savers when the nf_tables ones warn that legacy tables exist), inside another
 * network namespace through `nsenter --net=/proc/PID/ns/net` when asked. A tool that is missing
 * or refused is noted in `errors`; the judge says "unknown" only when nothing could be read.
 */
import { execFile } from 'node:child_process';
import { PortcullisError, t } from '../../core/errors.js';
import { parseIptablesSave } from './iptables-save.js';
import { parseNftRuleset } from './nft-ruleset.js';
import type { FirewallSnapshot, IptablesRuleset, NftRuleset } from './types.js';

/** What running one tool gave: its output, or why it could not run. */
export type ToolResult =
  | { readonly ok: true; readonly stdout: string; readonly stderr: string }
  | { readonly ok: false; readonly missing: boolean; readonly denied: boolean; readonly message: string };

/** Runs one tool (file, args); injectable so the error handling is testable without root. */
export type ToolRunner = (file: string, args: readonly string[], signal?: AbortSignal) => Promise<ToolResult>;

/** Options of readFirewall. */
export interface ReadFirewallOptions {
  /** Read the firewall of this process's network namespace instead of our own. */
  readonly netnsPid?: number;
  readonly signal?: AbortSignal;
  /** Replaces execFile (tests). */
  readonly run?: ToolRunner;
}

const TIMEOUT_MS = 10_000;
const MAX_BUFFER = 64 << 20;

function deniedText(text: string): boolean {
  return /operation not permitted|permission denied|you must be root|EPERM|EACCES/i.test(text);
}

/** execFile without a shell, with a timeout, a buffer cap and the caller's signal; never rejects except on abort. */
export const execTool: ToolRunner = (file, args, signal) =>
  new Promise((resolve, reject) => {
    execFile(file, args, { encoding: 'utf8', timeout: TIMEOUT_MS, maxBuffer: MAX_BUFFER, windowsHide: true, ...(signal !== undefined && { signal }) }, (err, stdout, stderr) => {
      if (err === null) return resolve({ ok: true, stdout, stderr });
      if (signal?.aborted === true) return reject(new PortcullisError('PC_ABORTED', t('audit interrupted', 'auditoría interrumpida'), { cause: err }));
      const code = (err as { code?: unknown }).code;
      const firstLine = stderr.split('\n').find((l) => l.trim() !== '') ?? err.message;
      if (code === 'ENOENT') return resolve({ ok: false, missing: true, denied: false, message: `${file}: not installed` });
      const denied = code === 'EACCES' || code === 'EPERM' || deniedText(stderr);
      resolve({ ok: false, missing: false, denied, message: `${file}: ${denied ? 'permission denied' : 'failed'} (${firstLine.trim()})` });
    });
  });

/** Reads the firewall rules of our own network namespace, or of the one `netnsPid` lives in. */
export async function readFirewall(opts: ReadFirewallOptions): Promise<FirewallSnapshot> {
  const run = opts.run ?? execTool;
  const errors: string[] = [];
  // Set from inside `tool`; a holder object keeps TypeScript from narrowing it to `false`.
  const state = { denied: false };
  const tool = async (cmd: string, args: readonly string[]): Promise<{ stdout: string; stderr: string } | undefined> => {
    if (opts.signal?.aborted === true) throw new PortcullisError('PC_ABORTED', t('audit interrupted', 'auditoría interrumpida'));
    const r = opts.netnsPid === undefined ? await run(cmd, args, opts.signal) : await run('nsenter', [`--net=/proc/${opts.netnsPid}/ns/net`, cmd, ...args], opts.signal);
    if (r.ok && !(r.stdout.trim() === '' && deniedText(r.stderr))) return { stdout: r.stdout, stderr: r.stderr };
    if (r.ok) {
      // Some builds exit 0 with nothing on stdout when refused: an empty dump would read as "no rules".
      errors.push(`${cmd}: permission denied (${r.stderr.trim().split('\n')[0] ?? ''})`);
      state.denied = true;
      return undefined;
    }
    // nsenter reports a missing inner command on stderr with exit 127, not ENOENT.
    errors.push(r.message.startsWith('nsenter:') && /No such file/i.test(r.message) ? `${cmd}: not installed` : r.message);
    if (r.denied) state.denied = true;
    return undefined;
  };

  let nft: NftRuleset | undefined;
  const nftOut = await tool('nft', ['-j', 'list', 'ruleset']);
  if (nftOut !== undefined) {
    try {
      nft = parseNftRuleset(nftOut.stdout);
    } catch (err) {
      errors.push(`nft: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  const save = async (cmd: string, family: 4 | 6): Promise<IptablesRuleset | undefined> => {
    const out = await tool(cmd, []);
    // The "legacy tables present" warning goes to stderr; the parser reads it from either stream.
    return out === undefined ? undefined : parseIptablesSave(`${out.stdout}\n${out.stderr}`, family);
  };
  const v4 = await save('iptables-save', 4);
  const v6 = await save('ip6tables-save', 6);
  const legacyV4 = v4?.legacyTablesPresent === true ? await save('iptables-legacy-save', 4) : undefined;
  const legacyV6 = v6?.legacyTablesPresent === true ? await save('ip6tables-legacy-save', 6) : undefined;
  const iptables = {
    ...(v4 !== undefined && { v4 }),
    ...(v6 !== undefined && { v6 }),
    ...(legacyV4 !== undefined && { legacyV4 }),
    ...(legacyV6 !== undefined && { legacyV6 }),
  };
  return {
    ...(nft !== undefined && { nft }),
    ...(Object.keys(iptables).length > 0 && { iptables }),
    errors,
    ...(state.denied ? { denied: true } : {}),
  };
}
