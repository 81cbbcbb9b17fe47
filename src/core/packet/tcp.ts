/** Reading TCP headers (RFC 9293) of replies to SYN probes. */

/** TCP flag bits. */
export const TcpFlag = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10, URG: 0x20 } as const;

/** The fields of a TCP header the scanner uses. */
export interface TcpHeader {
  readonly sport: number;
  readonly dport: number;
  readonly seq: number;
  readonly ack: number;
  /** Flag bits (see TcpFlag). */
  readonly flags: number;
  /** Header length in bytes, options included. */
  readonly headerLength: number;
  readonly window: number;
}

function be32(b: Uint8Array, i: number): number {
  return ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
}

/** Parses the TCP header at bytes[offset, end); null when fewer than 20 bytes are there. */
export function parseTcp(bytes: Uint8Array, offset = 0, end = bytes.length): TcpHeader | null {
  if (end - offset < 20) return null;
  return {
    sport: (bytes[offset]! << 8) | bytes[offset + 1]!,
    dport: (bytes[offset + 2]! << 8) | bytes[offset + 3]!,
    seq: be32(bytes, offset + 4),
    ack: be32(bytes, offset + 8),
    flags: bytes[offset + 13]! & 0x3f,
    headerLength: (bytes[offset + 12]! >> 4) * 4,
    window: (bytes[offset + 14]! << 8) | bytes[offset + 15]!,
  };
}
