/**
 * The socket side of -sV: connects to one open port, waits briefly for a banner, sends the
 * planned probes (probe-plan.ts) one connection each, reads every answer within a byte and a
 * time bound, and asks the matcher (matcher.ts) what it is. TLS is found two ways: the port is
 * one where TLS is usual (443, 993...), or a plain probe drew a TLS alert or an HTTP "this is
 * an HTTPS port" answer; then the handshake is made (any certificate accepted: we identify, we
 * do not trust) and the probes run again inside. UDP ports get their datagram probes.
 *
 * Every wait has a deadline and the whole port has a budget (`totalMs`), so a silent, slow or
 * hostile service costs at most that; an AbortSignal stops everything at once. This is the
 * only file of the identification code that opens sockets.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { isIP, Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { Proto, ServiceInfo, TlsInfo } from '../core/types.js';
import { matchAnswer, SOFT_CONFIDENCE, type MatchResult } from './matcher.js';
import { expectsBanner, NULL_PROBE, planProbes, tlsFirst } from './probe-plan.js';
import type { Probe, SignatureDb } from './signature-db.js';
import { signatureDb } from './signatures/index.js';
import { endsAfterReply, starttlsDialogue } from './starttls.js';
import { tlsInfo } from './tls-info.js';

/** How long -sV waits, and how much it reads, per port. */
export interface ServiceProbeTiming {
  /** TCP connect and TLS handshake, each. */
  readonly connectMs: number;
  /** Banner wait on ports whose service usually speaks first, and on unknown ports. */
  readonly bannerMs: number;
  /** Banner wait on ports whose usual service waits for the client (80, 6379...). */
  readonly shortBannerMs: number;
  /** Wait for the first byte of an answer to a probe. */
  readonly readMs: number;
  /** After some data without a match: how long a silence ends the answer. */
  readonly quietMs: number;
  /** The whole port, every connection and probe included. */
  readonly totalMs: number;
  /** Bytes read from one connection; more is not read (the connection is closed). */
  readonly maxBytes: number;
}

/** Defaults: a banner service answers in well under a second; 12 s is the most one port costs. */
export const DEFAULT_SERVICE_TIMING: ServiceProbeTiming = Object.freeze({
  connectMs: 3000,
  bannerMs: 2000,
  shortBannerMs: 300,
  readMs: 2000,
  quietMs: 200,
  totalMs: 12_000,
  maxBytes: 64 * 1024,
});

/** After this many probes drew no byte at all, later probes wait at most SILENT_READ_MS: the service is mute. */
const SILENT_AFTER = 2;
const SILENT_READ_MS = 500;
/** The matcher runs on partial answers at most this often (a slow drip must not cost a regex per byte). */
const RECHECK_MS = 50;
const RECHECK_BYTES = 1024;

/** What a caller may set. */
export interface ServiceProbeOptions {
  /** 0..9 (default 7). */
  readonly intensity?: number | undefined;
  readonly timing?: Partial<ServiceProbeTiming> | undefined;
  readonly signal?: AbortSignal | undefined;
  /** The database (default: the shipped one). */
  readonly db?: SignatureDb | undefined;
  /** Hostname for TLS SNI, when the user named the host. */
  readonly servername?: string | undefined;
}

/** What -sV found on one port. */
export interface ServiceDetection {
  /** Undefined when nothing matched (the caller keeps the table name). */
  readonly service?: ServiceInfo | undefined;
  readonly tls?: TlsInfo | undefined;
  /** Probes sent (the banner wait not counted). */
  readonly probes: number;
  /** Whether the service sent any byte at all. */
  readonly answered: boolean;
}

/** A connection's received bytes, bounded, with a way to wait for more. */
class Exchange {
  private buf = Buffer.alloc(0);
  closed = false;
  full = false;
  lastDataAt = 0;
  private wake: (() => void) | undefined;

  constructor(
    readonly socket: Socket | TLSSocket,
    private readonly maxBytes: number,
  ) {
    socket.on('data', this.onData);
    const end = (): void => {
      this.closed = true;
      this.notify();
    };
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', end);
  }

  private readonly onData = (d: Buffer): void => {
    if (this.full) return;
    const room = this.maxBytes - this.buf.length;
    this.buf = Buffer.concat([this.buf, room < d.length ? d.subarray(0, room) : d]);
    this.lastDataAt = Date.now();
    if (this.buf.length >= this.maxBytes) {
      // Enough: whatever else comes is not read, and the peer is not waited for.
      this.full = true;
      this.socket.destroy();
    }
    this.notify();
  };

  /** Stops reading, so that a TLS session can take the socket over (STARTTLS). */
  detach(): void {
    this.socket.off('data', this.onData);
  }

  get data(): Buffer {
    return this.buf;
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /** Resolves on data, close, abort or after `ms`. */
  private event(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
  }

  /**
   * Reads until `done` says the answer is complete, or the answer goes quiet for `quietMs`, or
   * nothing came for `firstMs`, or the connection closed or filled, or `deadline` passed.
   */
  async read(firstMs: number, quietMs: number, deadline: number, done: (b: Buffer) => boolean, signal: AbortSignal | undefined): Promise<Buffer> {
    const start = Date.now();
    let checkedLen = -1;
    let checkedAt = 0;
    for (;;) {
      const now = Date.now();
      const len = this.buf.length;
      if (len > 0 && len !== checkedLen && (len - checkedLen >= RECHECK_BYTES || now - checkedAt >= RECHECK_MS || this.closed || this.full)) {
        checkedLen = len;
        checkedAt = now;
        if (done(this.buf)) return this.buf;
      }
      if (this.closed || this.full || signal?.aborted === true) break;
      const limit = Math.min(deadline, len > 0 ? this.lastDataAt + quietMs : start + firstMs);
      if (now >= limit) break;
      await this.event(len > 0 && len !== checkedLen ? Math.min(RECHECK_MS, limit - now) : limit - now, signal);
    }
    if (this.buf.length > 0 && this.buf.length !== checkedLen) done(this.buf);
    return this.buf;
  }

  write(b: Buffer): void {
    if (!this.closed && b.length > 0) this.socket.write(b);
  }

  destroy(): void {
    const peerGone = this.closed;
    this.closed = true;
    if (this.socket.destroyed) return;
    // A reset, not a FIN, while the peer is still there: nothing lingers in TIME_WAIT on either
    // side. Not after the peer closed or errored: resetAndDestroy() on such a socket makes
    // Node 20 spin at full CPU for ever (seen against a service that closes at once).
    if (!peerGone && !(this.socket as TLSSocket).encrypted) this.socket.resetAndDestroy();
    else this.socket.destroy();
  }
}

/** Per-port state shared by the steps of one detection. */
interface Ctx {
  readonly host: string;
  readonly port: number;
  readonly db: SignatureDb;
  readonly intensity: number;
  readonly t: ServiceProbeTiming;
  readonly deadline: number;
  readonly signal: AbortSignal | undefined;
  readonly servername: string | undefined;
  probes: number;
  silentProbes: number;
  answered: boolean;
}

function timeLeft(ctx: Ctx): number {
  return ctx.deadline - Date.now();
}

function stopped(ctx: Ctx): boolean {
  return ctx.signal?.aborted === true || timeLeft(ctx) <= 0;
}

/** Opens a plain TCP connection; undefined when it fails or times out. */
function openPlain(ctx: Ctx): Promise<Exchange | undefined> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const ex = new Exchange(socket, ctx.t.maxBytes);
    let settled = false;
    const finish = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ctx.signal?.removeEventListener('abort', onAbort);
      if (!ok) ex.destroy();
      resolve(ok ? ex : undefined);
    };
    const onAbort = (): void => finish(false);
    const timer = setTimeout(() => finish(false), Math.min(ctx.t.connectMs, Math.max(0, timeLeft(ctx))));
    ctx.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
    socket.once('close', () => finish(false));
    socket.connect({ host: ctx.host, port: ctx.port, noDelay: true });
  });
}

/** Opens a TLS session; undefined when the handshake fails or times out. */
function openTls(ctx: Ctx, alpn: readonly string[]): Promise<{ ex: Exchange; info: TlsInfo } | undefined> {
  return new Promise((resolve) => {
    let settled = false;
    const socket = tlsConnect({
      host: ctx.host,
      port: ctx.port,
      // SNI carries names only, never addresses (RFC 6066 §3).
      servername: ctx.servername !== undefined && isIP(ctx.servername) === 0 ? ctx.servername : undefined,
      // We identify, we do not trust: any certificate is read, none is believed.
      rejectUnauthorized: false,
      ALPNProtocols: [...alpn],
      minVersion: 'TLSv1',
      ciphers: 'DEFAULT:@SECLEVEL=0',
    });
    const ex = new Exchange(socket, ctx.t.maxBytes);
    const finish = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ctx.signal?.removeEventListener('abort', onAbort);
      if (!ok) {
        ex.destroy();
        resolve(undefined);
        return;
      }
      let cert;
      try {
        cert = socket.getPeerX509Certificate();
      } catch {
        cert = undefined;
      }
      const info = tlsInfo({ protocol: socket.getProtocol(), cipher: socket.getCipher()?.name, alpn: socket.alpnProtocol, via: 'direct' }, cert, Date.now());
      resolve({ ex, info });
    };
    const onAbort = (): void => finish(false);
    const timer = setTimeout(() => finish(false), Math.min(ctx.t.connectMs, Math.max(0, timeLeft(ctx))));
    ctx.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('secureConnect', () => finish(true));
    socket.once('error', () => finish(false));
    socket.once('close', () => finish(false));
  });
}

/** Bytes that begin a TLS record (alert or handshake): the port speaks TLS. */
function looksLikeTls(b: Buffer): boolean {
  return b.length >= 5 && (b[0] === 0x15 || b[0] === 0x16) && b[1] === 0x03 && b[2]! <= 0x04;
}

/** The outcome of one pass (plain or inside TLS). */
interface Pass {
  hard?: MatchResult;
  soft?: MatchResult;
  /** A plain probe showed the port speaks TLS. */
  tlsSeen: boolean;
  /** The pass could connect at all. */
  connected: boolean;
  /** A plain connection whose banner gave the hard match, kept open for STARTTLS; the caller closes it. */
  conn?: Exchange;
}

/** Reads an answer, stopping as soon as it holds a hard match. */
function readAnswer(ctx: Ctx, ex: Exchange, probe: string, firstMs: number, only: string | undefined): Promise<Buffer> {
  const done = (b: Buffer): boolean => looksLikeTls(b) || matchAnswer(ctx.db, probe, b, only)?.soft === false;
  return ex.read(Math.min(firstMs, Math.max(0, timeLeft(ctx))), ctx.t.quietMs, ctx.deadline, done, ctx.signal);
}

/** One pass over the port: banner wait, then the planned probes. */
async function pass(ctx: Ctx, mode: 'plain' | 'tls', first: Exchange, alpnH2: boolean, open: () => Promise<Exchange | undefined>): Promise<Pass> {
  const out: Pass = { tlsSeen: false, connected: true };
  const bannerMs = expectsBanner(ctx.db, ctx.port, 'tcp') ? ctx.t.bannerMs : ctx.t.shortBannerMs;
  const banner = alpnH2 ? Buffer.alloc(0) : await readAnswer(ctx, first, NULL_PROBE, bannerMs, undefined);
  if (banner.length > 0) {
    ctx.answered = true;
    const m = matchAnswer(ctx.db, NULL_PROBE, banner);
    if (m !== undefined && m.service.name === 'ssl') out.tlsSeen = true;
    else if (m !== undefined && !m.soft) out.hard = m;
    else if (m !== undefined) out.soft = m;
    if (looksLikeTls(banner)) out.tlsSeen = true;
  }
  if (out.hard !== undefined && mode === 'plain' && !out.tlsSeen && starttlsDialogue(out.hard.service.name) !== undefined) {
    // Only the greeting has been read: the same connection can ask for the upgrade.
    out.conn = first;
    return out;
  }
  if (out.hard !== undefined || out.tlsSeen) {
    first.destroy();
    return out;
  }
  // A connection that stayed silent (and is not h2) carries the first probe; others get a fresh one.
  let reuse: Exchange | undefined = banner.length === 0 && !first.closed && !alpnH2 ? first : undefined;
  if (reuse === undefined) first.destroy();
  const plan = planProbes(ctx.db, { port: ctx.port, proto: 'tcp', intensity: ctx.intensity, inTls: mode === 'tls' });
  for (const probe of plan) {
    if (stopped(ctx)) break;
    const only = out.soft?.service.name;
    if (only !== undefined && !identifies(ctx.db, probe, only)) continue;
    const ex = reuse ?? (await open());
    reuse = undefined;
    if (ex === undefined) break;
    ex.write(probe.bytes);
    ctx.probes++;
    const wait = ctx.silentProbes >= SILENT_AFTER && !ctx.answered ? Math.min(SILENT_READ_MS, ctx.t.readMs) : (probe.waitMs ?? ctx.t.readMs);
    const ans = await readAnswer(ctx, ex, probe.name, wait, only);
    ex.destroy();
    if (ans.length === 0) {
      ctx.silentProbes++;
      continue;
    }
    ctx.answered = true;
    if (mode === 'plain' && looksLikeTls(ans)) {
      out.tlsSeen = true;
      break;
    }
    const m = matchAnswer(ctx.db, probe.name, ans, only);
    if (m === undefined) continue;
    if (m.service.name === 'ssl') {
      if (mode === 'plain') out.tlsSeen = true;
      break;
    }
    if (!m.soft) {
      out.hard = m;
      break;
    }
    out.soft ??= m;
  }
  reuse?.destroy();
  return out;
}

function identifies(db: SignatureDb, p: Probe, service: string): boolean {
  return [p.name, ...p.fallback].some((n) => db.servicesByProbe.get(n)?.has(service) === true);
}

/** The TLS pass: handshake (learning ALPN and the certificate), then probes inside. */
async function tlsPass(ctx: Ctx): Promise<{ pass: Pass; info: TlsInfo } | undefined> {
  const first = await openTls(ctx, ['h2', 'http/1.1']);
  if (first === undefined) return undefined;
  const h2 = first.info.alpn === 'h2';
  // After an h2 handshake the probes (HTTP/1 among them) go over sessions that offer http/1.1 only.
  const open = async (): Promise<Exchange | undefined> => (await openTls(ctx, h2 ? ['http/1.1'] : ['h2', 'http/1.1']))?.ex;
  const p = await pass(ctx, 'tls', first.ex, h2, open);
  return { pass: p, info: first.info };
}

function withHttp2(s: ServiceInfo, info: TlsInfo | undefined): ServiceInfo {
  if (info?.alpn !== 'h2' || s.name !== 'http') return s;
  return { ...s, extrainfo: s.extrainfo === undefined ? 'HTTP/2' : `HTTP/2; ${s.extrainfo}` };
}

async function detectTcp(ctx: Ctx): Promise<ServiceDetection> {
  const result = (m: MatchResult | undefined, info?: TlsInfo): ServiceDetection => ({
    service: m === undefined ? undefined : withHttp2(m.service, info),
    tls: info,
    probes: ctx.probes,
    answered: ctx.answered,
  });
  const inTls = async (): Promise<ServiceDetection | undefined> => {
    const r = await tlsPass(ctx);
    if (r === undefined) return undefined;
    const m = r.pass.hard ?? r.pass.soft;
    if (m !== undefined) return result(m, r.info);
    // TLS but nothing inside we know: nmap's "ssl/unknown"; ALPN h2 still says HTTP.
    const service: ServiceInfo = r.info.alpn === 'h2' || r.info.alpn === 'http/1.1' ? { name: 'http', method: 'probed', confidence: SOFT_CONFIDENCE, extrainfo: r.info.alpn === 'h2' ? 'HTTP/2' : undefined } : { name: 'ssl', method: 'probed', confidence: SOFT_CONFIDENCE };
    return { service: Object.fromEntries(Object.entries(service).filter(([, v]) => v !== undefined)) as unknown as ServiceInfo, tls: r.info, probes: ctx.probes, answered: ctx.answered };
  };

  let triedTls = false;
  if (tlsFirst(ctx.db, ctx.port)) {
    triedTls = true;
    const r = await inTls();
    if (r !== undefined) return r;
  }
  if (stopped(ctx)) return result(undefined);
  const first = await openPlain(ctx);
  if (first === undefined) return result(undefined);
  const plain = await pass(ctx, 'plain', first, false, () => openPlain(ctx));
  if (plain.hard !== undefined) return result(plain.hard, await starttls(ctx, plain.hard.service.name, plain.conn));
  if (!triedTls && !stopped(ctx) && (plain.tlsSeen || !ctx.answered)) {
    const r = await inTls();
    if (r !== undefined) return r;
  }
  if (plain.soft !== undefined) return result(plain.soft, await starttls(ctx, plain.soft.service.name, undefined));
  if (plain.tlsSeen) return { service: { name: 'ssl', method: 'probed', confidence: SOFT_CONFIDENCE }, probes: ctx.probes, answered: ctx.answered };
  return result(undefined);
}

/**
 * Upgrades a plain SMTP, IMAP, POP3 or FTP connection to TLS (starttls.ts says what to send)
 * and reads the session, as nmap's ssl probing does. Uses `conn` (only its greeting read) when
 * given, else a new connection. Undefined when the service has no such command, refuses it,
 * answers with anything but the reply, or the handshake fails: the plain identification stands
 * either way. Always closes the connection; bounded by the port's budget and the signal.
 */
async function starttls(ctx: Ctx, service: string, conn: Exchange | undefined): Promise<TlsInfo | undefined> {
  const steps = starttlsDialogue(service);
  if (steps === undefined || stopped(ctx)) {
    conn?.destroy();
    return undefined;
  }
  const ex = conn ?? (await openPlain(ctx));
  if (ex === undefined) return undefined;
  let handed = false;
  try {
    // The greeting turn reads from the start (the banner may already be there); each later one from its own start.
    let from = 0;
    for (const step of steps) {
      if (stopped(ctx)) return undefined;
      if (step.send.length > 0) {
        from = ex.data.length;
        ex.write(step.send);
      }
      const ans = (await ex.read(Math.min(ctx.t.readMs, Math.max(0, timeLeft(ctx))), ctx.t.readMs, ctx.deadline, (b) => step.complete(b.subarray(from)), ctx.signal)).subarray(from);
      if (!step.complete(ans) || !step.ok(ans) || ex.closed) return undefined;
    }
    const last = ex.data.subarray(from);
    if (!endsAfterReply(last) || stopped(ctx)) return undefined;
    handed = true;
    return await upgrade(ctx, ex);
  } finally {
    if (!handed) ex.destroy();
  }
}

/** The TLS handshake over an already-connected plain socket; always destroys both. */
function upgrade(ctx: Ctx, ex: Exchange): Promise<TlsInfo | undefined> {
  return new Promise((resolve) => {
    ex.detach();
    let settled = false;
    const socket = tlsConnect({
      socket: ex.socket,
      servername: ctx.servername !== undefined && isIP(ctx.servername) === 0 ? ctx.servername : undefined,
      rejectUnauthorized: false,
      minVersion: 'TLSv1',
      ciphers: 'DEFAULT:@SECLEVEL=0',
    });
    const finish = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ctx.signal?.removeEventListener('abort', onAbort);
      let info: TlsInfo | undefined;
      if (ok) {
        let cert;
        try {
          cert = socket.getPeerX509Certificate();
        } catch {
          cert = undefined;
        }
        info = tlsInfo({ protocol: socket.getProtocol(), cipher: socket.getCipher()?.name, alpn: socket.alpnProtocol, via: 'starttls' }, cert, Date.now());
      }
      socket.destroy();
      ex.socket.destroy();
      resolve(info);
    };
    const onAbort = (): void => finish(false);
    const timer = setTimeout(() => finish(false), Math.min(ctx.t.connectMs, Math.max(0, timeLeft(ctx))));
    ctx.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('secureConnect', () => finish(true));
    socket.once('error', () => finish(false));
    socket.once('close', () => finish(false));
  });
}

/** Sends one datagram and waits for the first answer. */
function udpExchange(ctx: Ctx, payload: Buffer, waitMs: number): Promise<Buffer | 'refused' | undefined> {
  return new Promise((resolve) => {
    const family = isIP(ctx.host) === 6 ? 'udp6' : 'udp4';
    const sock: UdpSocket = createSocket(family);
    let settled = false;
    const finish = (v: Buffer | 'refused' | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ctx.signal?.removeEventListener('abort', onAbort);
      try {
        sock.close();
      } catch {
        // already closed
      }
      resolve(v);
    };
    const onAbort = (): void => finish(undefined);
    const timer = setTimeout(() => finish(undefined), Math.max(0, Math.min(waitMs, timeLeft(ctx))));
    ctx.signal?.addEventListener('abort', onAbort, { once: true });
    sock.on('error', (err: NodeJS.ErrnoException) => finish(err.code === 'ECONNREFUSED' ? 'refused' : undefined));
    sock.on('message', (msg) => finish(msg.subarray(0, ctx.t.maxBytes)));
    sock.connect(ctx.port, ctx.host, () => {
      if (!settled) sock.send(payload);
    });
  });
}

async function detectUdp(ctx: Ctx): Promise<ServiceDetection> {
  let soft: MatchResult | undefined;
  for (const probe of planProbes(ctx.db, { port: ctx.port, proto: 'udp', intensity: ctx.intensity, inTls: false })) {
    if (stopped(ctx)) break;
    if (soft !== undefined && !identifies(ctx.db, probe, soft.service.name)) continue;
    ctx.probes++;
    const ans = await udpExchange(ctx, probe.bytes, probe.waitMs ?? ctx.t.readMs);
    if (ans === 'refused') break;
    if (ans === undefined || ans.length === 0) continue;
    ctx.answered = true;
    const m = matchAnswer(ctx.db, probe.name, ans, soft?.service.name);
    if (m === undefined) continue;
    if (!m.soft) return { service: m.service, probes: ctx.probes, answered: true };
    soft ??= m;
  }
  return { service: soft?.service, probes: ctx.probes, answered: ctx.answered };
}

/**
 * Identifies the service on host:port (an open port). Never rejects; resolves within
 * `timing.totalMs` (plus one connect or read already under way, itself bounded) or soon after
 * the signal aborts.
 */
export async function detectService(host: string, port: number, proto: Proto, opts: ServiceProbeOptions = {}): Promise<ServiceDetection> {
  const t = { ...DEFAULT_SERVICE_TIMING, ...opts.timing };
  const ctx: Ctx = {
    host,
    port,
    db: opts.db ?? signatureDb(),
    intensity: opts.intensity ?? 7,
    t,
    deadline: Date.now() + t.totalMs,
    signal: opts.signal,
    servername: opts.servername,
    probes: 0,
    silentProbes: 0,
    answered: false,
  };
  if (ctx.signal?.aborted === true) return { probes: 0, answered: false };
  try {
    return proto === 'tcp' ? await detectTcp(ctx) : await detectUdp(ctx);
  } catch {
    // A socket API throwing synchronously (a bad address) is "not identified", not a failed scan.
    return { probes: ctx.probes, answered: ctx.answered };
  }
}
