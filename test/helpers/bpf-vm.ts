/** A classic BPF interpreter for tests: the few instructions our socket filters use. */
export function runBpf(prog: Uint8Array, pkt: Uint8Array): number {
  const v = new DataView(prog.buffer, prog.byteOffset, prog.byteLength);
  const d = new DataView(pkt.buffer, pkt.byteOffset, pkt.byteLength);
  let a = 0;
  let x = 0;
  for (let pc = 0; pc * 8 < prog.length; pc++) {
    const code = v.getUint16(pc * 8, true);
    const jt = prog[pc * 8 + 2]!;
    const jf = prog[pc * 8 + 3]!;
    const k = v.getUint32(pc * 8 + 4, true);
    switch (code) {
      case 0x28: a = d.getUint16(k); break;
      case 0x30: a = d.getUint8(k); break;
      case 0x48: a = d.getUint16(x + k); break;
      case 0x50: a = d.getUint8(x + k); break;
      case 0xb1: x = (d.getUint8(k) & 0x0f) * 4; break;
      case 0x15: pc += a === k ? jt : jf; break;
      case 0x25: pc += a > k ? jt : jf; break;
      case 0x35: pc += a >= k ? jt : jf; break;
      case 0x06: return k;
      default: throw new Error(`opcode ${code.toString(16)} not in this test's interpreter`);
    }
  }
  throw new Error('program fell off its end');
}
