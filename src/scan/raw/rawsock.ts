/**
 * The edge to the optional raw-socket addon (native/rawsock). It is built by `npm ci`
 * (scripts/build-native.mjs) when a compiler is there; when it is not, or the process may not
 * open raw sockets, loadRawSock() says why in one plain line and the SYN scan is unavailable.
 * The packed record layouts are described in native/rawsock/rawsock.c.
 */
import { createRequire } from 'node:module';

/** Protocol numbers the SYN scan opens raw sockets for. */
export const IPPROTO = { ICMP: 1, TCP: 6, UDP: 17, ICMPV6: 58 } as const;

/** Bytes before each payload in a sendMany batch. */
export const SEND_HEADER = 24;
/** Bytes before each payload in a recvMany result. */
export const RECV_HEADER = 52;

/** What sendMany did: how many packets went out, and the errno name that stopped it early. */
export interface SendResult {
  readonly sent: number;
  readonly code: string | null;
}

/** The addon's functions. Errors thrown carry `code` = the errno name (EPERM, EBADF, ...). */
export interface RawSockApi {
  /** ABI of the packed layouts; the loader refuses a build it does not understand. */
  readonly abiVersion: number;
  /** Opens a non-blocking raw socket with a big receive buffer; IPv6 ones report hop limit and destination. */
  open(family: 4 | 6, protocol: number): number;
  /** Sends `count` packed records with sendmmsg; stops at the first error and names it. */
  sendMany(fd: number, family: 4 | 6, batch: Uint8Array, count: number): SendResult;
  /** Waits up to timeoutMs for any of the fds, then reads up to `max` packets as packed records. */
  recvMany(fds: readonly number[], timeoutMs: number, max: number, snaplen?: number): Buffer;
  /** Attaches a classic BPF program (8-byte instructions, little-endian fields). */
  attachFilter(fd: number, program: Uint8Array): void;
  /** Closes a socket. */
  close(fd: number): void;
  /** The local address the routing table picks towards `dst` (4 or 16 bytes); throws with the errno name as code. */
  sourceFor(family: 4 | 6, dst: Uint8Array, scope?: number): Uint8Array;
  /**
   * Whether no TCP socket of this machine holds `port` (listening, connected or in TIME_WAIT):
   * a bind to it on every address succeeds.
   */
  tcpPortFree(port: number): boolean;
  /** The SYN scan's packet thread (native/rawsock/syn.c). */
  readonly syn: NativeSynApi;
}

/**
 * The addon's SYN-scan half (native/rawsock/syn.c): one native thread that sends the SYNs,
 * reads the replies, matches them by cookie and times silent probes out. Results come back in
 * batches on the calling thread's event loop.
 */
export interface NativeSynApi {
  /**
   * A context and its thread. `callback(count)` gets `count` records of `resultFields` numbers
   * in `results` — [id, code, rttMs, ttl, icmpType, icmpCode, fromFamily, 0]; code 0 SYN-ACK,
   * 1 RST, 2 ICMP unreachable, 3 no answer in time, negative = -errno of the send — and each
   * ICMP sender's address in froms[16 * i, 16 * i + 16). With `sendHelper`, a second thread
   * sends the chunks of SYNs the first hands it, from sockets of its own.
   */
  create(callback: (count: number) => void, results: Float64Array, froms: Uint8Array, key: Uint8Array, sourcePort: number, span: number, sendHelper: boolean): NativeSynContext;
  /** The raw sockets of a family (opened and filtered by the caller, who closes them after close()). */
  watch(ctx: NativeSynContext, family: 4 | 6, tcpFd: number, icmpFd: number): void;
  /** Registers a target under `slot`; pseudoSum is the unfolded pseudo-header sum of its SYNs. */
  host(ctx: NativeSynContext, slot: number, family: 4 | 6, src: Uint8Array, dst: Uint8Array, scope: number, pseudoSum: number): void;
  forget(ctx: NativeSynContext, slot: number): void;
  /** Queues `count` probes of 5 numbers each: [id, slot, port, timeoutMs, try]. */
  submit(ctx: NativeSynContext, requests: Float64Array, count: number): void;
  /** Whether the context keeps the event loop alive (it should while probes are out). */
  ref(ctx: NativeSynContext, on: boolean): void;
  /** Stops and joins the thread; pending probes are never reported by it. */
  close(ctx: NativeSynContext): void;
  /** The C cookie (for tests against core/packet/syn-cookie.ts). */
  cookie(key: Uint8Array, src: Uint8Array, dst: Uint8Array, sport: number, dport: number): number;
  /**
   * What the thread makes of a TCP segment (tcp true) or an ICMP / ICMPv6 message from `from`
   * to `to` (for tests against core/packet/syn-reply.ts): null, or the answer it would settle
   * a probe with — [code, port, ttl, icmpType, icmpCode, target].
   */
  classify(
    key: Uint8Array,
    sourcePort: number,
    span: number,
    family: 4 | 6,
    tcp: boolean,
    message: Uint8Array,
    from: Uint8Array,
    to: Uint8Array,
    ttl: number,
  ): [code: number, port: number, ttl: number, icmpType: number, icmpCode: number, target: Buffer] | null;
  readonly maxResults: number;
  readonly resultFields: number;
}

/** An opaque context of the native SYN thread. */
export type NativeSynContext = { readonly __nativeSyn: unique symbol };

/**
 * The addon's connect-scan half (native/rawsock/connect.c): probes queued from JS, run on
 * native threads (one epoll set and one set of timeouts each), results handed back in
 * batches on the calling thread's event loop. Needs no privilege.
 */
export interface NativeConnectApi {
  /**
   * A context with `threads` probing threads; `callback(count)` gets `count` triples
   * [id, code, rttMs] in `results` (code: 0 open, 1 self-connect, 2 unverified peer,
   * 3 no answer in time, else -errno).
   */
  create(callback: (count: number) => void, results: Float64Array, threads: number): NativeConnectContext;
  /** A sockaddr for `text` (IPv6 may carry a %zone) with port 0; throws EINVAL when it does not parse. */
  address(family: 4 | 6, text: string): Buffer;
  /** Queues a probe; its result always comes later, through the callback. */
  start(ctx: NativeConnectContext, id: number, address: Buffer, port: number, timeoutMs: number): void;
  /** Whether the context keeps the event loop alive (it should while probes are out). */
  ref(ctx: NativeConnectContext, on: boolean): void;
  /** Stops the threads and closes every pending connect (their results never come). */
  close(ctx: NativeConnectContext): void;
  /** Triples per callback at most; `results` must hold three times as many numbers. */
  readonly maxResults: number;
  readonly maxThreads: number;
}

/** An opaque context of the native connector. */
export type NativeConnectContext = { readonly __nativeConnect: unique symbol };

/** The SYN half of the addon, or why it cannot be used (loading it needs no privilege; running it does). */
export type NativeSynLoad = { readonly ok: true; readonly api: NativeSynApi } | { readonly ok: false; readonly reason: string };

/** The addon, or why it cannot be used. */
export type RawSockLoad = { readonly ok: true; readonly api: RawSockApi } | { readonly ok: false; readonly reason: string };
/** The connect half of the addon, or why it cannot be used. */
export type NativeConnectLoad = { readonly ok: true; readonly api: NativeConnectApi } | { readonly ok: false; readonly reason: string };

const ABI = 6;
const ADDON = new URL('../../../native/rawsock/build/Release/rawsock.node', import.meta.url);

type Addon = RawSockApi & { readonly connect: NativeConnectApi };
type AddonLoad = { readonly ok: true; readonly addon: Addon } | { readonly ok: false; readonly reason: string };

let addonCached: AddonLoad | undefined;
let cached: RawSockLoad | undefined;

/** Loads the addon and checks that this process may open raw sockets (memoised). */
export function loadRawSock(): RawSockLoad {
  cached ??= load();
  return cached;
}

/** Loads the addon's connect half (memoised); it needs no privilege. */
export function loadNativeConnect(): NativeConnectLoad {
  const a = loadAddon();
  return a.ok ? { ok: true, api: a.addon.connect } : a;
}

/** Loads the addon's SYN half without checking privilege (memoised): for its pure functions. */
export function loadNativeSyn(): NativeSynLoad {
  const a = loadAddon();
  return a.ok ? { ok: true, api: a.addon.syn } : a;
}

function loadAddon(): AddonLoad {
  addonCached ??= requireAddon();
  return addonCached;
}

function requireAddon(): AddonLoad {
  if (process.platform !== 'linux') return { ok: false, reason: `the native addon is supported on Linux only (this is ${process.platform})` };
  let addon: Addon;
  try {
    // Same depth from src/scan/raw and dist/scan/raw: the package root is three levels up.
    addon = createRequire(import.meta.url)(ADDON.pathname) as Addon;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'MODULE_NOT_FOUND'
      ? { ok: false, reason: 'the raw-socket addon is not built (needs a C compiler, make and python3; run npm run build:native)' }
      : { ok: false, reason: `the raw-socket addon does not load: ${firstLine(err)}` };
  }
  if (addon.abiVersion !== ABI) return { ok: false, reason: `the raw-socket addon is stale (ABI ${addon.abiVersion}, want ${ABI}); run npm run build:native` };
  return { ok: true, addon };
}

function load(): RawSockLoad {
  if (process.platform !== 'linux') return { ok: false, reason: `raw sockets are supported on Linux only (this is ${process.platform})` };
  const a = loadAddon();
  if (!a.ok) return a;
  const api: RawSockApi = a.addon;
  // Privilege is only known by trying: root, or CAP_NET_RAW on the node binary or in a container.
  try {
    api.close(api.open(4, IPPROTO.TCP));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'EPERM' || code === 'EACCES'
      ? { ok: false, reason: 'raw sockets need root or the CAP_NET_RAW capability' }
      : { ok: false, reason: `cannot open a raw socket: ${firstLine(err)}` };
  }
  return { ok: true, api };
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}
