/**
 * What each kind of scan calls an answer, a refusal and silence: the same engine runs the
 * connect, SYN and UDP scans, and only these names differ (nmap's vocabulary in each case).
 * Pure data.
 */
import type { PortState, Reason, ScanType } from '../core/types.js';

/** A port's state and the reason for it. */
export interface Verdict {
  readonly state: PortState;
  readonly reason: Reason;
}

/** The verdicts of one scan kind. */
export interface ScanVerdicts {
  /** The service answered: a completed handshake, a SYN-ACK, a UDP reply. */
  readonly answered: Verdict;
  /** The target's OS refused: RST to a connect or SYN, ICMP port-unreachable to UDP. */
  readonly refused: Verdict;
  /** Nothing came back after every retry. */
  readonly silent: Verdict;
}

/** The verdicts of every scan kind. */
export const VERDICTS: Readonly<Record<ScanType, ScanVerdicts>> = {
  connect: {
    answered: { state: 'open', reason: 'conn-accept' },
    refused: { state: 'closed', reason: 'conn-refused' },
    silent: { state: 'filtered', reason: 'no-response' },
  },
  syn: {
    answered: { state: 'open', reason: 'syn-ack' },
    refused: { state: 'closed', reason: 'reset' },
    silent: { state: 'filtered', reason: 'no-response' },
  },
  // Silence on UDP proves nothing: many services answer only a request they understand.
  udp: {
    answered: { state: 'open', reason: 'udp-response' },
    refused: { state: 'closed', reason: 'port-unreach' },
    silent: { state: 'open|filtered', reason: 'no-response' },
  },
};
