/** Milliseconds on the monotonic clock every thread shares (performance.now() counts from each thread's own start). */
export function monotonicMs(): number {
  const [s, ns] = process.hrtime();
  return s * 1e3 + ns / 1e6;
}
