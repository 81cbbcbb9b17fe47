/** A binary min-heap of probe deadlines: the connectors' one timer source for thousands of probes. */
export class DeadlineHeap {
  private readonly deadlines: number[] = [];
  private readonly ids: number[] = [];

  get size(): number {
    return this.ids.length;
  }

  /** The earliest deadline, or Infinity when empty. */
  peek(): number {
    return this.deadlines[0] ?? Infinity;
  }

  push(deadline: number, id: number): void {
    const d = this.deadlines;
    const ids = this.ids;
    let i = d.length;
    d.push(deadline);
    ids.push(id);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pd = d[parent]!;
      if (pd <= deadline) break;
      d[i] = pd;
      ids[i] = ids[parent]!;
      i = parent;
    }
    d[i] = deadline;
    ids[i] = id;
  }

  /** Removes and returns the id with the earliest deadline (call only when size > 0). */
  pop(): number {
    const d = this.deadlines;
    const ids = this.ids;
    const top = ids[0]!;
    const lastD = d.pop()!;
    const lastId = ids.pop()!;
    const n = d.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && d[r]! < d[l]! ? r : l;
        if (d[c]! >= lastD) break;
        d[i] = d[c]!;
        ids[i] = ids[c]!;
        i = c;
      }
      d[i] = lastD;
      ids[i] = lastId;
    }
    return top;
  }
}
