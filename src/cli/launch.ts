#!/usr/bin/env node
/**
 * The `portcullis` executable (package.json "bin"): runs the bundled CLI from V8's code cache
 * (compile-cache.ts), or the unbundled dist/cli/bin.js when there is no bundle.
 */
import { fileURLToPath } from 'node:url';
import { runBundled } from './compile-cache.js';

if (runBundled(fileURLToPath(new URL('./bundle/', import.meta.url))) === null) await import('./bin.js');
