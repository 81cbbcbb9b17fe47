#!/usr/bin/env node
/**
 * The `portcullis` executable: runs the bundled CLI from V8's code cache (compile-cache.ts), or
 * the unbundled dist/cli/bin.js when there is no bundle. package.json's "bin" is the CommonJS
 * copy of this file (dist/cli/launch.cjs, made by scripts/bundle.mjs): run as CommonJS, a scan
 * never starts Node's ES module loader at all.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as V8 from 'node:v8';
import { runBundled } from './compile-cache.js';
import { keepsTurbofan } from './v8-tiers.js';

// Before any of the CLI is compiled, so that every run compiles (and caches) under the same flags.
// node:v8 (~1 ms to load) only where a flag is set: Node 20 runs without it.
if (!keepsTurbofan(process.versions.node, process.env)) (createRequire(import.meta.url)('node:v8') as typeof V8).setFlagsFromString('--no-turbofan');

if (runBundled(fileURLToPath(new URL('./bundle/', import.meta.url))) === null) void import('./bin.js');
