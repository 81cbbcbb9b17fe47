import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keepsTurbofan } from '../../src/cli/v8-tiers.js';

const cases: { input: [version: string, env: Record<string, string>]; want: boolean }[] = [
  { input: ['20.19.0', {}], want: true },
  { input: ['20.20.2', {}], want: true },
  { input: ['v21.7.3', {}], want: true },
  { input: ['22.0.0', {}], want: false },
  { input: ['24.21.0', {}], want: false },
  { input: ['v26.1.0', {}], want: false },
  { input: ['24.21.0', { PORTCULLIS_TURBOFAN: '1' }], want: true },
  { input: ['24.21.0', { PORTCULLIS_TURBOFAN: '0' }], want: false },
  // Not a version we can read: keep V8's defaults.
  { input: ['nonsense', {}], want: true },
];
for (const c of cases) {
  test(`keepsTurbofan(${c.input[0]}, ${JSON.stringify(c.input[1])}) is ${c.want}`, () => {
    assert.equal(keepsTurbofan(...c.input), c.want);
  });
}
