/**
 * Which of V8's optimising compilers the CLI process uses. Pure.
 *
 * Node ≥ 22 optimises hot code twice: with Maglev, which compiles fast, and then with TurboFan,
 * which compiles slowly into faster code. A CLI run lasts a fraction of a second to minutes,
 * and the code it runs hot is the scan engine's: TurboFan's compiles of it take ~40 ms of CPU
 * in a scan's first 100 ms, on the cores that carry the packets (the kernel's work inside
 * every send), for code the engine runs at 15% of one core once it is warm. Measured on two
 * cores, Node 24, medians of 20 alternating runs: loopback -p- SYN scan 224 → 203 ms; no
 * slower on longer or other scans (-sS -p- of 8 hosts 1.15 → 1.13 s, -sT -p- 471 → 463 ms,
 * -sV of 8 services 388 → 396 ms, within run-to-run spread).
 * Node 20 does not run Maglev by default: without TurboFan it would run the engine unoptimised
 * (measured 265 → 289 ms), so TurboFan stays there. PORTCULLIS_TURBOFAN=1 keeps it everywhere.
 */

/** True when the process keeps TurboFan: Node < 22, or PORTCULLIS_TURBOFAN=1. */
export function keepsTurbofan(nodeVersion: string, env: Readonly<Record<string, string | undefined>>): boolean {
  if (env['PORTCULLIS_TURBOFAN'] === '1') return true;
  const major = Number(/^v?(\d+)\./.exec(nodeVersion)?.[1]);
  return !(major >= 22);
}
