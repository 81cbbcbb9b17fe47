/**
 * Confirms an open TCP port the only way a SYN proxy, a tarpit or a "wildcard" firewall cannot
 * fake: a full connection plus a data exchange. The service either speaks first (a banner) or
 * answers a harmless probe (two blank lines, which text protocols answer with an error and
 * binary ones usually with a reset); a handshake that is reset, closed or left silent proves
 * nothing. The only socket I/O of the open-port check; reads are bounded to the first chunk.
 */
import { Socket } from 'node:net';

/** The outcome of one verification. */
export type VerifyVerdict =
  | { readonly verified: true; readonly how: 'banner' | 'reply' }
  | { readonly verified: false; readonly why: UnverifiedWhy };

/** Why an open port stays unverified. */
export type UnverifiedWhy = 'reset-after-handshake' | 'closed-without-data' | 'no-data' | 'refused' | 'no-connection';

/** Timing of one verification. */
export interface VerifyTiming {
  /** How long to wait for the connection (ms). */
  readonly connectMs: number;
  /** How long to wait for a banner, and again for a reply to the probe (ms). */
  readonly quietMs: number;
}

/** What the probe sends when the service does not speak first. */
const PROBE = Buffer.from('\r\n\r\n');

/** Connects to address:port and reports whether the service exchanged data. Never rejects. */
export function verifyOpen(address: string, family: 4 | 6, port: number, timing: VerifyTiming, signal?: AbortSignal): Promise<VerifyVerdict> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let settled = false;
    let connected = false;
    let probed = false;
    let peerGone = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (v: VerifyVerdict): void => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.removeAllListeners('data');
      // A reset, not a FIN: nothing lingers in TIME_WAIT on either side. Not once the peer has
      // closed: resetAndDestroy() on such a socket leaves Node 20 spinning at full CPU.
      if (!socket.destroyed) {
        if (peerGone) socket.destroy();
        else socket.resetAndDestroy();
      }
      resolve(v);
    };
    const onAbort = (): void => finish({ verified: false, why: connected ? 'no-data' : 'no-connection' });
    const arm = (ms: number, then: () => void): void => {
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(then, ms);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (!connected) finish({ verified: false, why: err.code === 'ECONNREFUSED' ? 'refused' : 'no-connection' });
      else finish({ verified: false, why: 'reset-after-handshake' });
    });
    // One chunk is enough; the service's bytes are not kept (identification reads them elsewhere).
    socket.once('data', () => finish({ verified: true, how: probed ? 'reply' : 'banner' }));
    socket.once('end', () => {
      peerGone = true;
      finish({ verified: false, why: 'closed-without-data' });
    });
    socket.once('close', () => finish({ verified: false, why: connected ? 'closed-without-data' : 'no-connection' }));
    socket.once('connect', () => {
      connected = true;
      arm(timing.quietMs, () => {
        probed = true;
        socket.write(PROBE);
        arm(timing.quietMs, () => finish({ verified: false, why: 'no-data' }));
      });
    });
    arm(timing.connectMs, () => finish({ verified: false, why: 'no-connection' }));
    if (signal?.aborted === true) {
      onAbort();
      return;
    }
    socket.connect({ host: address, port, family, noDelay: true });
  });
}
