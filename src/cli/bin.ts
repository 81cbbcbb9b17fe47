#!/usr/bin/env node
/**
 * The `portcullis` executable: wires the process (argv, streams, signals) to main() and sets
 * the exit code. The first SIGINT/SIGTERM stops the scan cleanly (outputs are finished and
 * valid); a second one ends the process at once.
 */
import { main } from './main.js';

const controller = new AbortController();
let signals = 0;
const onSignal = (sig: NodeJS.Signals): void => {
  signals++;
  if (signals === 1) {
    controller.abort(new Error(sig));
    return;
  }
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.kill(process.pid, sig);
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
// `portcullis scan … | head` closes the pipe early: stop the scan as a reader would expect
// (files still finished and valid), not with an unhandled EPIPE.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') controller.abort(new Error('EPIPE'));
  else throw err;
});

main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  // A getter: Node builds process.stdin on first access (~1 ms, a stream over fd 0), and no scan reads it.
  get stdin() {
    return process.stdin;
  },
  env: process.env,
  signal: controller.signal,
}).then(
  (code) => {
    process.exitCode = code;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  },
  (err: unknown) => {
    process.stderr.write(`portcullis: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 70;
  },
);
