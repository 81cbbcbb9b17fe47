/**
 * Random bytes without loading node:crypto, which costs ~8 ms of start-up (two dozen internal
 * modules) that a scan needs only for a seed and a cookie key: read from the kernel's
 * /dev/urandom (Linux, the BSDs, macOS), or from node:crypto where there is none (Windows).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Crypto from 'node:crypto';

/** Fills `out` with cryptographically strong random bytes and returns it. */
export function fillRandom<T extends ArrayBufferView>(out: T): T {
  const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  let fd = -1;
  try {
    fd = openSync('/dev/urandom', 'r');
    let got = 0;
    while (got < bytes.length) {
      const n = readSync(fd, bytes, got, bytes.length - got, null);
      if (n <= 0) throw new Error('short read from /dev/urandom');
      got += n;
    }
    return out;
  } catch {
    (createRequire(import.meta.url)('node:crypto') as typeof Crypto).randomFillSync(bytes);
    return out;
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/** `n` random bytes. */
export function randomBytes(n: number): Uint8Array {
  return fillRandom(new Uint8Array(n));
}
