/**
 * The only place the connect scan opens sockets. A Connector starts non-blocking connects and
 * reports each one's outcome; it owns the sockets and their timeouts, nothing else.
 *
 * Three implementations with one behaviour:
 * - `native` hands the socket work to the optional addon (native/rawsock/connect.c): one call
 *   per probe queues it, native threads (one per core) run the connects and their timeouts,
 *   results come back in batches, and there is no JS object per probe. On loopback the
 *   kernel's connect work then leaves the JS thread (measured: 0.9–1.0 s vs 1.3 s for
 *   65,535 ports). Without the addon, `auto` picks `fast`.
 * - `fast` drives libuv's TCP handles directly through Node's internal tcp_wrap binding. A
 *   net.Socket costs a Duplex stream and its event machinery per probe, which is most of the
 *   CPU of a loopback scan (measured: 3.4 s vs 1.6 s for 65,535 ports on one core). The binding
 *   is internal, so it is feature-detected and any failure falls back to `net`.
 * - `net` uses only the public node:net API; PORTCULLIS_CONNECTOR=net forces it.
 */
import { Socket } from 'node:net';
import { getSystemErrorName } from 'node:util';
import { DeadlineHeap } from './deadline-heap.js';
import { handleReclaimer } from './handle-reclaim.js';
import { Outcome, outcomeOfErrno, type OutcomeCode } from './outcome.js';
import { loadNativeConnect, type NativeConnectApi, type NativeConnectContext } from './raw/rawsock.js';

/** Receives each probe's outcome; rtt is in milliseconds (time to the answer or to the timeout). */
export type OutcomeHandler = (id: number, outcome: OutcomeCode, rttMs: number) => void;

/** Starts connects and reports their outcomes. */
export interface Connector {
  readonly kind: 'native' | 'fast' | 'net';
  /** Starts a connect to address:port; the outcome arrives through the handler, never synchronously. */
  connect(id: number, address: string, family: 4 | 6, port: number, timeoutMs: number): void;
  /** Number of connects still pending. */
  readonly inFlight: number;
  /** Aborts every pending connect (reported as Timeout) and stops the timer. */
  close(): void;
}

interface Pending {
  readonly sentAt: number;
  readonly abort: () => void;
}

/** Shared bookkeeping: pending map, deadline heap, one sweeping timer. */
abstract class ConnectorBase implements Connector {
  abstract readonly kind: 'fast' | 'net';
  protected readonly pending = new Map<number, Pending>();
  private readonly heap = new DeadlineHeap();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private closed = false;
  private readonly reclaim = handleReclaimer();

  constructor(protected readonly onOutcome: OutcomeHandler) {}

  get inFlight(): number {
    return this.pending.size;
  }

  abstract connect(id: number, address: string, family: 4 | 6, port: number, timeoutMs: number): void;

  protected track(id: number, timeoutMs: number, abort: () => void): void {
    const now = performance.now();
    this.pending.set(id, { sentAt: now, abort });
    const deadline = now + timeoutMs;
    this.heap.push(deadline, id);
    if (deadline < this.timerAt) this.arm(deadline);
  }

  /** Settles a probe once; later calls for the same id (a late callback after abort) are ignored. */
  protected settle(id: number, outcome: OutcomeCode): void {
    const p = this.pending.get(id);
    if (p === undefined) return;
    this.pending.delete(id);
    this.reclaim();
    this.onOutcome(id, outcome, performance.now() - p.sentAt);
  }

  /** Reports an outcome for a probe that never got a socket, asynchronously like every other. */
  protected failSoon(id: number, outcome: OutcomeCode): void {
    const sentAt = performance.now();
    queueMicrotask(() => this.onOutcome(id, outcome, performance.now() - sentAt));
  }

  private arm(at: number): void {
    if (this.closed) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerAt = at;
    // A few ms of slack batches expiries together; timeouts are never shorter than 50 ms.
    this.timer = setTimeout(() => this.sweep(), Math.max(0, at - performance.now()) + 2);
  }

  private sweep(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = performance.now();
    const expired: number[] = [];
    while (this.heap.size > 0 && this.heap.peek() <= now) expired.push(this.heap.pop());
    // Timers run before the poll phase: answers already waiting in the kernel have not been
    // read yet. Judge after the poll phase (setImmediate), or a busy event loop turns RSTs
    // into timeouts.
    if (expired.length > 0) setImmediate(() => this.expire(expired));
    if (this.heap.size > 0) this.arm(this.heap.peek());
  }

  private expire(ids: number[]): void {
    const now = performance.now();
    for (const id of ids) {
      const p = this.pending.get(id);
      if (p === undefined) continue;
      this.pending.delete(id);
      p.abort();
      this.onOutcome(id, Outcome.Timeout, now - p.sentAt);
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.abort();
      this.onOutcome(id, Outcome.Timeout, performance.now() - p.sentAt);
    }
  }
}

/** The public-API connector: one net.Socket per probe. */
class NetConnector extends ConnectorBase {
  readonly kind = 'net' as const;

  connect(id: number, address: string, family: 4 | 6, port: number, timeoutMs: number): void {
    const socket = new Socket();
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.settle(id, outcomeOfErrno(err.code));
      socket.destroy();
    });
    socket.once('connect', () => {
      const verified = socket.remotePort === port;
      const self = socket.localPort === socket.remotePort && socket.localAddress === socket.remoteAddress;
      // RST instead of FIN: no TIME_WAIT left behind, and the service sees a reset, not a session.
      socket.resetAndDestroy();
      this.settle(id, !verified ? Outcome.Unverified : self ? Outcome.SelfConnect : Outcome.Open);
    });
    this.track(id, timeoutMs, () => socket.destroy());
    try {
      socket.connect({ host: address, port, family, noDelay: true });
    } catch (err) {
      this.settle(id, outcomeOfErrno((err as NodeJS.ErrnoException).code));
    }
  }
}

/** Shape of the parts of Node's internal tcp_wrap binding that the fast connector uses. */
interface TcpWrapBinding {
  TCP: new (type: number) => TcpHandle;
  TCPConnectWrap: new () => ConnectReq;
  constants: { SOCKET: number };
}
interface TcpHandle {
  connect(req: ConnectReq, address: string, port: number): number;
  connect6(req: ConnectReq, address: string, port: number): number;
  getsockname(out: Record<string, unknown>): number;
  getpeername(out: Record<string, unknown>): number;
  reset?(cb: () => void): number;
  close(cb?: () => void): void;
}
interface ConnectReq {
  oncomplete: (status: number) => void;
}

let binding: TcpWrapBinding | null | undefined;

/** Loads tcp_wrap once; null when this Node does not offer it in the expected shape. */
function loadTcpWrap(): TcpWrapBinding | null {
  if (binding !== undefined) return binding;
  binding = null;
  try {
    const b = (process as unknown as { binding(name: string): unknown }).binding('tcp_wrap') as Partial<TcpWrapBinding>;
    if (typeof b.TCP === 'function' && typeof b.TCPConnectWrap === 'function' && typeof b.constants?.SOCKET === 'number') {
      binding = b as TcpWrapBinding;
    }
  } catch {
    binding = null;
  }
  return binding;
}

/** The libuv-handle connector (see the file comment for why). */
class FastConnector extends ConnectorBase {
  readonly kind = 'fast' as const;

  constructor(
    onOutcome: OutcomeHandler,
    private readonly b: TcpWrapBinding,
  ) {
    super(onOutcome);
  }

  connect(id: number, address: string, family: 4 | 6, port: number, timeoutMs: number): void {
    const handle = new this.b.TCP(this.b.constants.SOCKET);
    const req = new this.b.TCPConnectWrap();
    let done = false;
    const closeHandle = (): void => {
      if (done) return;
      done = true;
      handle.close();
    };
    req.oncomplete = (status: number) => {
      if (done) return; // aborted by the timeout; the late completion is not news
      if (status === 0) {
        // An open port is reported only for a socket that really has the asked-for peer.
        const check = checkPeer(handle, port);
        done = true;
        // RST instead of FIN so that TIME_WAIT never piles up (uv_tcp_close_reset).
        if (typeof handle.reset === 'function' && handle.reset(() => undefined) === 0) {
          // reset() closes the handle itself.
        } else {
          handle.close();
        }
        this.settle(id, check === 'ok' ? Outcome.Open : check === 'self' ? Outcome.SelfConnect : Outcome.Unverified);
      } else {
        closeHandle();
        this.settle(id, outcomeOfStatus(status));
      }
    };
    const err = family === 6 ? handle.connect6(req, address, port) : handle.connect(req, address, port);
    if (err !== 0) {
      done = true;
      handle.close();
      this.failSoon(id, outcomeOfStatus(err));
      return;
    }
    this.track(id, timeoutMs, closeHandle);
  }
}

/**
 * The addon connector (see the file comment for why). Timeouts run in the addon's threads,
 * after the answers already waiting were read, like the sweep of the other two.
 */
class NativeConnector implements Connector {
  readonly kind = 'native' as const;
  private readonly ctx: NativeConnectContext;
  private readonly results: Float64Array;
  private readonly pending = new Set<number>();
  private closed = false;
  /** sockaddr per address text, built once by the addon (a scan has few hosts at a time). */
  private readonly addresses = new Map<string, Buffer>();

  constructor(
    private readonly onOutcome: OutcomeHandler,
    private readonly api: NativeConnectApi,
    threads: number,
  ) {
    this.results = new Float64Array(3 * api.maxResults);
    this.ctx = api.create((count) => this.onResults(count), this.results, Math.max(1, Math.min(api.maxThreads, threads)));
  }

  get inFlight(): number {
    return this.pending.size;
  }

  private onResults(count: number): void {
    const r = this.results;
    try {
      for (let i = 0; i < count; i++) {
        const id = r[3 * i]!;
        if (!this.pending.delete(id)) continue;
        if (this.pending.size === 0) this.api.ref(this.ctx, false);
        this.onOutcome(id, outcomeOfCode(r[3 * i + 1]!), r[3 * i + 2]!);
      }
    } catch (err) {
      // Called from the addon's poll callback, which cannot raise it: raise it as uncaught.
      queueMicrotask(() => {
        throw err;
      });
    }
  }

  private sockaddr(address: string, family: 4 | 6): Buffer | null {
    let a = this.addresses.get(address);
    if (a === undefined) {
      try {
        a = this.api.address(family, address);
      } catch {
        return null;
      }
      if (this.addresses.size >= 4096) this.addresses.clear();
      this.addresses.set(address, a);
    }
    return a;
  }

  connect(id: number, address: string, family: 4 | 6, port: number, timeoutMs: number): void {
    const sa = this.closed ? null : this.sockaddr(address, family);
    if (sa === null) {
      queueMicrotask(() => this.onOutcome(id, this.closed ? Outcome.Timeout : outcomeOfErrno('EINVAL'), 0));
      return;
    }
    if (this.pending.size === 0) this.api.ref(this.ctx, true);
    this.pending.add(id);
    this.api.start(this.ctx, id, sa, port, timeoutMs);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.api.close(this.ctx);
    for (const id of this.pending) {
      this.pending.delete(id);
      this.onOutcome(id, Outcome.Timeout, 0);
    }
  }
}

/** The addon's result code → outcome: 0 open, 1 self-connect, 2 unverified peer, 3 timeout, else -errno. */
function outcomeOfCode(code: number): OutcomeCode {
  switch (code) {
    case 0:
      return Outcome.Open;
    case 1:
      return Outcome.SelfConnect;
    case 2:
      return Outcome.Unverified;
    case 3:
      return Outcome.Timeout;
    default:
      return outcomeOfStatus(code);
  }
}

/** libuv status (negative errno) → outcome, memoised: most statuses repeat 65,535 times. */
const outcomeByStatus = new Map<number, OutcomeCode>();
function outcomeOfStatus(status: number): OutcomeCode {
  let o = outcomeByStatus.get(status);
  if (o === undefined) {
    let name: string | undefined;
    try {
      name = getSystemErrorName(status);
    } catch {
      name = undefined;
    }
    o = outcomeOfErrno(name);
    outcomeByStatus.set(status, o);
  }
  return o;
}

/** The kernel may pick the target port as our source port on loopback: a connection to ourselves. */
/** Whether a "connected" handle really is connected to `port`, or to itself. */
function checkPeer(handle: TcpHandle, port: number): 'ok' | 'self' | 'unverified' {
  const local: Record<string, unknown> = {};
  const remote: Record<string, unknown> = {};
  if (handle.getsockname(local) !== 0 || handle.getpeername(remote) !== 0) return 'unverified';
  if (remote['port'] !== port) return 'unverified';
  return local['port'] === remote['port'] && local['address'] === remote['address'] ? 'self' : 'ok';
}

/** Which connector to use: auto picks native when the addon loads, else fast when the binding does. */
export type ConnectorChoice = 'auto' | 'native' | 'fast' | 'net';

/** Whether `choice` gets the native connector here (the addon is built and loads). */
export function usesNativeConnector(choice: ConnectorChoice): boolean {
  return (choice === 'auto' || choice === 'native') && loadNativeConnect().ok;
}

/**
 * Creates a connector; each choice falls back to the next (native → fast → net) when
 * unavailable. `threads` is how many probing threads the native connector runs.
 */
export function createConnector(choice: ConnectorChoice, onOutcome: OutcomeHandler, threads = 1): Connector {
  if (choice === 'auto' || choice === 'native') {
    const n = loadNativeConnect();
    if (n.ok) return new NativeConnector(onOutcome, n.api, threads);
  }
  if (choice !== 'net') {
    const b = loadTcpWrap();
    if (b !== null) return new FastConnector(onOutcome, b);
  }
  return new NetConnector(onOutcome);
}
