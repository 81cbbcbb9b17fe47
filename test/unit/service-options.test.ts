import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPortcullisError } from '../../src/core/errors.js';
import { parseArgs } from '../../src/cli/parse-args.js';
import { resolveScanOptions, type ScanOptions } from '../../src/scan/options.js';

const base: ScanOptions = { targets: ['127.0.0.1'], ports: '22', tcpScan: 'connect' };

test('resolveScanOptions: -sV settings are validated, defaulted and frozen', () => {
  assert.equal(resolveScanOptions(base).serviceDetection, undefined);
  const sv = resolveScanOptions({ ...base, serviceDetection: true }).serviceDetection!;
  assert.deepEqual({ ...sv, timing: { ...sv.timing } }, { intensity: 7, timing: {}, parallelism: 32 });
  assert.ok(Object.isFrozen(sv));
  const custom = resolveScanOptions({ ...base, serviceDetection: true, versionIntensity: 0, serviceTiming: { totalMs: 500, maxBytes: 4096 }, serviceParallelism: 4 }).serviceDetection!;
  assert.equal(custom.intensity, 0);
  assert.deepEqual(custom.timing, { totalMs: 500, maxBytes: 4096 });
  const bad: [ScanOptions, string][] = [
    [{ ...base, serviceDetection: true, versionIntensity: 10 }, 'versionIntensity'],
    [{ ...base, serviceDetection: true, versionIntensity: 2.5 }, 'versionIntensity'],
    [{ ...base, versionIntensity: 3 }, 'versionIntensity'],
    [{ ...base, serviceDetection: true, serviceTiming: { totalMs: -1 } }, 'serviceTiming.totalMs'],
    [{ ...base, serviceDetection: true, serviceTiming: { bogus: 1 } as never }, 'serviceTiming.bogus'],
    [{ ...base, serviceDetection: true, serviceParallelism: 0 }, 'serviceParallelism'],
  ];
  for (const [o, subject] of bad) assert.throws(() => resolveScanOptions(o), (e: unknown) => isPortcullisError(e, 'PC_INVALID_OPTION') && e.subject === subject, subject);
});

test('parseArgs: -sV, --version-intensity, --version-light, --version-all, --explain', () => {
  const cases: [string[], Record<string, unknown>][] = [
    [['scan', '-sV', '127.0.0.1'], { serviceDetection: true }],
    [['scan', '-sV', '--version-intensity', '3', '127.0.0.1'], { serviceDetection: true, versionIntensity: 3 }],
    [['scan', '-sV', '--version-intensity=0', '127.0.0.1'], { serviceDetection: true, versionIntensity: 0 }],
    [['scan', '-sV', '--version-light', '127.0.0.1'], { serviceDetection: true, versionIntensity: 2 }],
    [['scan', '-sV', '--version-all', '127.0.0.1'], { serviceDetection: true, versionIntensity: 9 }],
    [['scan', '--explain', '127.0.0.1'], { explain: true }],
  ];
  for (const [argv, want] of cases) {
    const cmd = parseArgs(argv, {});
    assert.equal(cmd.kind, 'scan');
    if (cmd.kind === 'scan') assert.deepEqual(cmd.options, want, argv.join(' '));
  }
  assert.throws(() => parseArgs(['scan', '-sV', '--version-intensity', '12', '127.0.0.1'], {}), (e: unknown) => isPortcullisError(e, 'PC_INVALID_OPTION'));
});

test('resolveScanOptions resolves one options object once: the CLI and the scan share the random seed', () => {
  const o: ScanOptions = { ...base };
  const a = resolveScanOptions(o);
  assert.equal(resolveScanOptions(o), a);
  assert.match(a.seed, /^[0-9a-f]{16}$/);
  // Another object with the same content is resolved afresh (its own random seed).
  assert.notEqual(resolveScanOptions({ ...base }).seed, a.seed);
  // A bad object throws each time, and is never cached.
  const bad: ScanOptions = { ...base, ports: '70000' };
  assert.throws(() => resolveScanOptions(bad));
  assert.throws(() => resolveScanOptions(bad));
});
