/**
 * A double-ended queue of integer triples (port index, tries, self-connects) in a growable
 * ring buffer: O(1) at both ends, where Array.shift/unshift would be O(n) per waiting pair.
 */
export class TripleDeque {
  private buf = new Int32Array(48);
  private head = 0; // index of the first triple's first slot
  private count = 0; // triples held

  get length(): number {
    return this.count;
  }

  private grow(): void {
    const next = new Int32Array(this.buf.length * 2);
    const cap = this.buf.length;
    for (let i = 0; i < this.count * 3; i++) next[i] = this.buf[(this.head + i) % cap]!;
    this.buf = next;
    this.head = 0;
  }

  /** Appends a triple at the back. */
  push(a: number, b: number, c: number): void {
    if ((this.count + 1) * 3 > this.buf.length) this.grow();
    const cap = this.buf.length;
    const at = (this.head + this.count * 3) % cap;
    this.buf[at] = a;
    this.buf[(at + 1) % cap] = b;
    this.buf[(at + 2) % cap] = c;
    this.count++;
  }

  /** Inserts a triple at the front. */
  unshift(a: number, b: number, c: number): void {
    if ((this.count + 1) * 3 > this.buf.length) this.grow();
    const cap = this.buf.length;
    this.head = (this.head - 3 + cap) % cap;
    this.buf[this.head] = a;
    this.buf[(this.head + 1) % cap] = b;
    this.buf[(this.head + 2) % cap] = c;
    this.count++;
  }

  /** Removes the front triple into `out` (length ≥ 3); false when empty. */
  shift(out: number[]): boolean {
    if (this.count === 0) return false;
    const cap = this.buf.length;
    out[0] = this.buf[this.head]!;
    out[1] = this.buf[(this.head + 1) % cap]!;
    out[2] = this.buf[(this.head + 2) % cap]!;
    this.head = (this.head + 3) % cap;
    this.count--;
    return true;
  }

  /** Drops everything. */
  clear(): void {
    this.head = 0;
    this.count = 0;
  }
}
