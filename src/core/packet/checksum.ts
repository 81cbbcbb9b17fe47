/**
 * The Internet checksum (RFC 1071) and the IPv4 / IPv6 pseudo-headers TCP, UDP and ICMPv6
 * checksums cover (RFC 793, RFC 8200 §8.1). Sums are kept unfolded until the end so that a
 * per-host pseudo-header sum can be computed once and reused for every packet to that host.
 */

/** Adds the 16-bit big-endian words of bytes[start, end) to `sum` (an odd tail is padded with zero). */
export function sumWords(bytes: Uint8Array, start = 0, end = bytes.length, sum = 0): number {
  let i = start;
  for (; i + 1 < end; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (i < end) sum += bytes[i]! << 8;
  // Fold now and then so the sum stays an exact integer however long the input.
  return sum > 0x7fffffff ? fold(sum) : sum;
}

/** Folds carries into 16 bits. */
function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/** The checksum field value for an unfolded sum: the one's complement of the folded sum. */
export function finishChecksum(sum: number): number {
  return ~fold(sum) & 0xffff;
}

/** The Internet checksum of bytes[start, end). */
export function internetChecksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return finishChecksum(sumWords(bytes, start, end));
}

/**
 * The unfolded sum of the pseudo-header for a transport segment of `length` bytes between
 * `src` and `dst` (both 4 bytes for IPv4, 16 for IPv6).
 */
export function pseudoHeaderSum(src: Uint8Array, dst: Uint8Array, protocol: number, length: number): number {
  if (src.length !== dst.length || (src.length !== 4 && src.length !== 16)) throw new RangeError('pseudo-header addresses must both be 4 or 16 bytes');
  let sum = sumWords(src, 0, src.length, sumWords(dst));
  // IPv4: zero, protocol, 16-bit length. IPv6: 32-bit length, 3 zero bytes, next header.
  sum += protocol + (length & 0xffff) + (src.length === 16 ? Math.floor(length / 0x10000) : 0);
  return sum;
}

/** The checksum of a transport segment under its pseudo-header (the segment's own checksum field must be zero). */
export function transportChecksum(src: Uint8Array, dst: Uint8Array, protocol: number, segment: Uint8Array): number {
  return finishChecksum(sumWords(segment, 0, segment.length, pseudoHeaderSum(src, dst, protocol, segment.length)));
}

/** Whether a received segment's checksum is right (summing it with its checksum field gives all ones). */
export function transportChecksumValid(src: Uint8Array, dst: Uint8Array, protocol: number, segment: Uint8Array): boolean {
  return finishChecksum(sumWords(segment, 0, segment.length, pseudoHeaderSum(src, dst, protocol, segment.length))) === 0;
}
