import { test } from 'node:test';
import assert from 'node:assert/strict';
import { synScanAvailability } from '../../src/scan/syn-prober.js';
import { Outcome } from '../../src/scan/outcome.js';
import { closedPorts, startListeners } from '../helpers/loopback.js';
import { listeningPorts } from '../helpers/ss.js';
import { probePorts } from '../helpers/syn-run.js';

const can = synScanAvailability();
if (!can.ok) console.log(`# skipping SYN prober tests: ${can.reason}`);
const skip = !can.ok && can.reason;

for (const [host, family] of [
  ['127.0.0.1', 4],
  ['::1', 6],
] as const) {
  test(`SYN prober reports a loopback listener open with TTL 64 (${host})`, { skip }, async () => {
    const l = await startListeners(2, host);
    try {
      const r = await probePorts(host, family, l.ports);
      for (const port of l.ports) {
        const a = r.get(port);
        assert.equal(a?.outcome, Outcome.Open, `port ${port}`);
        assert.equal(a.ttl, 64);
        assert.equal(a.tries, 1);
        assert.ok(a.rttMs >= 0 && a.rttMs < 500, `rtt ${a.rttMs}`);
      }
    } finally {
      await l.close();
    }
  });

  test(`SYN prober reports a closed loopback port refused (${host})`, { skip }, async () => {
    const ports = await closedPorts(3, host);
    const r = await probePorts(host, family, ports);
    for (const port of ports) {
      assert.equal(r.get(port)?.outcome, Outcome.Refused, `port ${port}`);
      assert.equal(r.get(port)?.ttl, 64);
    }
  });
}

test('SYN prober of every loopback port finds exactly what listens', { skip }, async () => {
  const l = await startListeners(3);
  try {
    const all = Array.from({ length: 65535 }, (_, i) => i + 1);
    const r = await probePorts('127.0.0.1', 4, all, { window: 65535, timeoutMs: 3000 });
    const open = [...r].filter(([, a]) => a.outcome === Outcome.Open).map(([p]) => p);
    const other = [...r].filter(([, a]) => a.outcome !== Outcome.Open && a.outcome !== Outcome.Refused);
    assert.deepEqual(other, []);
    for (const p of l.ports) assert.ok(open.includes(p), `listener ${p}`);
    // Other processes' listeners may come and go during the scan: compare with ss after it.
    const truth = await listeningPorts('127.0.0.1');
    const wrong = open.filter((p) => !truth.has(p));
    assert.deepEqual(wrong, [], 'open ports nothing listens on');
  } finally {
    await l.close();
  }
});
