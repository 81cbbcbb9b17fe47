/**
 * Frees closed sockets' native memory on a schedule. A closed libuv TCP handle's C++ wrapper
 * (and its uv_tcp_t) is released only when V8 collects the JS object, and those objects live
 * long enough to reach the old generation, which is collected rarely: on a 65,535-port
 * loopback scan ~10 MB of dead handles per thread piled up between major collections. An
 * incremental major collection every few thousand closed sockets keeps peak RSS ~8 MB lower
 * for a few milliseconds of collector time per 4,096 probes (docs/benchmarks.md).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type GcFunction = (options: { type: 'major' | 'minor'; execution: 'async' | 'sync' }) => void;

let gc: GcFunction | null | undefined;

/** V8's gc() without --expose-gc on the command line; null where this V8 refuses it. */
function loadGc(): GcFunction | null {
  if (gc !== undefined) return gc;
  try {
    setFlagsFromString('--expose-gc');
    const fn = runInNewContext('gc') as unknown;
    gc = typeof fn === 'function' ? (fn as GcFunction) : null;
  } catch {
    gc = null;
  }
  return gc;
}

/** Returns a tick to call per closed socket; every `every` ticks it starts a major collection. */
export function handleReclaimer(every = 4096): () => void {
  const collect = loadGc();
  if (collect === null) return () => undefined;
  let n = 0;
  return () => {
    if (++n >= every) {
      n = 0;
      collect({ type: 'major', execution: 'async' });
    }
  };
}
