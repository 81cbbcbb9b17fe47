/**
 * The pairs waiting for a host's window: a double-ended queue of integer quadruples (port
 * index, tries, self-connects, ms since scan start of the first try) in a growable ring
 * buffer — O(1) at both ends, where Array.shift/unshift would be O(n) per waiting pair.
 */
const W = 4;

export class PendingQueue {
  private buf = new Int32Array(64);
  private head = 0; // slot of the first entry
  private count = 0; // entries held

  get length(): number {
    return this.count;
  }

  private grow(): void {
    const next = new Int32Array(this.buf.length * 2);
    const cap = this.buf.length;
    for (let i = 0; i < this.count * W; i++) next[i] = this.buf[(this.head + i) % cap]!;
    this.buf = next;
    this.head = 0;
  }

  private put(at: number, a: number, b: number, c: number, d: number): void {
    const cap = this.buf.length;
    this.buf[at] = a;
    this.buf[(at + 1) % cap] = b;
    this.buf[(at + 2) % cap] = c;
    this.buf[(at + 3) % cap] = d;
  }

  /** Appends an entry at the back. */
  push(a: number, b: number, c: number, d: number): void {
    if ((this.count + 1) * W > this.buf.length) this.grow();
    this.put((this.head + this.count * W) % this.buf.length, a, b, c, d);
    this.count++;
  }

  /** Inserts an entry at the front. */
  unshift(a: number, b: number, c: number, d: number): void {
    if ((this.count + 1) * W > this.buf.length) this.grow();
    this.head = (this.head - W + this.buf.length) % this.buf.length;
    this.put(this.head, a, b, c, d);
    this.count++;
  }

  /** Removes the front entry into `out` (length ≥ 4); false when empty. */
  shift(out: number[]): boolean {
    if (this.count === 0) return false;
    const cap = this.buf.length;
    for (let k = 0; k < W; k++) out[k] = this.buf[(this.head + k) % cap]!;
    this.head = (this.head + W) % cap;
    this.count--;
    return true;
  }

  /** Drops everything. */
  clear(): void {
    this.head = 0;
    this.count = 0;
  }
}
