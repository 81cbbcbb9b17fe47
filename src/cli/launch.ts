#!/usr/bin/env node
/**
 * The `portcullis` executable: runs the bundled CLI from V8's code cache (compile-cache.ts), or
 * the unbundled dist/cli/bin.js when there is no bundle. package.json's "bin" is the CommonJS
 * copy of this file (dist/cli/launch.cjs, made by scripts/bundle.mjs): run as CommonJS, a scan
 * never starts Node's ES module loader at all.
 */
import { fileURLToPath } from 'node:url';
import { runBundled } from './compile-cache.js';

if (runBundled(fileURLToPath(new URL('./bundle/', import.meta.url))) === null) void import('./bin.js');
