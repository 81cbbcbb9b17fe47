/**
 * What one connect attempt ended in, as a small integer so that outcomes cross the worker
 * boundary in flat number arrays. Pure: the mapping from errno names lives here too.
 */

/** Outcome codes of one connect probe. */
export const Outcome = {
  /** The handshake completed: something listens. */
  Open: 0,
  /** RST (ECONNREFUSED): the OS answered, nothing listens. */
  Refused: 1,
  /** Nothing came back before the probe's timeout. */
  Timeout: 2,
  /** ICMP host unreachable (EHOSTUNREACH / EHOSTDOWN). */
  HostUnreach: 3,
  /** ICMP network unreachable, or no route (ENETUNREACH / ENONET). */
  NetUnreach: 4,
  /** A firewall refused the packet (EACCES / EPERM, e.g. a local reject rule). */
  AdminProhibited: 5,
  /** The OS ran out of something (descriptors, ports, buffers): not an answer, try again later. */
  Resource: 6,
  /** The kernel connected the socket to itself (same address and port on both ends). */
  SelfConnect: 7,
  /** Any other local error: the probe could not be sent at all. */
  LocalError: 8,
  /**
   * libuv reported the connect as complete but the socket has no peer (getpeername fails):
   * the error was lost on the way (seen ~1 in 60,000 probes with two probing threads on a
   * host answering with ICMP). Not an answer: the pair is probed again.
   */
  Unverified: 9,
  /**
   * A raw prober's ICMP destination-unreachable; the prober passes the reason (named after the
   * ICMP code) with it. For UDP, port-unreachable from the target itself is Refused instead.
   */
  Icmp: 10,
} as const;

/** One of the Outcome codes. */
export type OutcomeCode = (typeof Outcome)[keyof typeof Outcome];

const ERRNO_OUTCOME: Readonly<Record<string, OutcomeCode>> = {
  ECONNREFUSED: Outcome.Refused,
  ECONNRESET: Outcome.Refused,
  ETIMEDOUT: Outcome.Timeout,
  EHOSTUNREACH: Outcome.HostUnreach,
  EHOSTDOWN: Outcome.HostUnreach,
  ENETUNREACH: Outcome.NetUnreach,
  ENONET: Outcome.NetUnreach,
  ENETDOWN: Outcome.NetUnreach,
  EACCES: Outcome.AdminProhibited,
  EPERM: Outcome.AdminProhibited,
  EMFILE: Outcome.Resource,
  ENFILE: Outcome.Resource,
  EADDRNOTAVAIL: Outcome.Resource,
  ENOBUFS: Outcome.Resource,
  ENOMEM: Outcome.Resource,
  EAGAIN: Outcome.Resource,
  EADDRINUSE: Outcome.Resource,
};

/** Maps an errno name (as Node reports it) to the probe outcome. Unknown names are local errors. */
export function outcomeOfErrno(code: string | undefined): OutcomeCode {
  return (code !== undefined ? ERRNO_OUTCOME[code] : undefined) ?? Outcome.LocalError;
}
