/** Reading the IPv4 header that raw IPv4 sockets deliver in front of every packet (RFC 791). */

/** The fields of an IPv4 header the scanner uses. Addresses are views into the packet. */
export interface Ipv4Header {
  /** Header length in bytes (20..60): where the transport header starts. */
  readonly headerLength: number;
  /** Total length field: the packet's length on the wire (may exceed what was captured). */
  readonly totalLength: number;
  readonly ttl: number;
  readonly protocol: number;
  /** Fragment offset in bytes; only the first fragment (0) carries the transport header. */
  readonly fragmentOffset: number;
  readonly src: Uint8Array;
  readonly dst: Uint8Array;
}

/** Parses the IPv4 header at bytes[offset, end); null when it is not a whole IPv4 header. */
export function parseIpv4(bytes: Uint8Array, offset = 0, end = bytes.length): Ipv4Header | null {
  if (end - offset < 20) return null;
  const b0 = bytes[offset]!;
  const headerLength = (b0 & 0x0f) * 4;
  if (b0 >> 4 !== 4 || headerLength < 20 || offset + headerLength > end) return null;
  return {
    headerLength,
    totalLength: (bytes[offset + 2]! << 8) | bytes[offset + 3]!,
    ttl: bytes[offset + 8]!,
    protocol: bytes[offset + 9]!,
    fragmentOffset: (((bytes[offset + 6]! & 0x1f) << 8) | bytes[offset + 7]!) * 8,
    src: bytes.subarray(offset + 12, offset + 16),
    dst: bytes.subarray(offset + 16, offset + 20),
  };
}
