import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type * as Api from '../../src/index.js';

const built = existsSync(new URL('../../dist/index.js', import.meta.url));
if (!built) console.log('# skipping the package-entry test: dist/ is not built (npm run build; scripts/ci.sh builds first)');

test('package entry exports scan() as an async iterable that takes an AbortSignal', { skip: !built && 'dist/ is not built' }, async () => {
  // The package imports itself by name through its "exports" map, as a user's code would.
  const name = 'portcullis'; // a variable, so the type-checker does not resolve dist/ at check time
  const api = (await import(name)) as typeof Api;
  assert.equal(typeof api.scan, 'function');
  assert.equal(typeof api.PortcullisError, 'function');
  const ac = new AbortController();
  const types: string[] = [];
  for await (const e of api.scan({ targets: ['127.0.0.1'], ports: '1', signal: ac.signal })) types.push(e.type);
  assert.deepEqual(types, ['header', 'port', 'host', 'summary']);
  await assert.rejects(
    async () => {
      for await (const _ of api.scan({ targets: ['198.18.0.300'] })) void _;
    },
    (e: unknown) => api.isPortcullisError(e, 'PC_INVALID_TARGET'),
  );
});
