// Accepts TCP connections on the given ports (IPv4 and IPv6 through one dual-stack socket each)
// and closes them at once. Run inside a test namespace by test/helpers/testbed.ts; prints
// "ready" when every port listens. When its standard input is a pipe it exits as the pipe
// closes, so it never outlives the testbed that started it (a leftover listener would keep a
// deleted namespace alive).
import { fstatSync } from 'node:fs';
import { createServer } from 'node:net';

const ports = process.argv.slice(2).map(Number);
let ready = 0;
for (const port of ports) {
  const server = createServer((s) => {
    s.on('error', () => {});
    s.destroy();
  });
  server.on('error', (err) => {
    console.error(`listen ${port}: ${err.message}`);
    process.exit(1);
  });
  server.listen({ port, host: '::', ipv6Only: false, backlog: 65535 }, () => {
    if (++ready === ports.length) console.log('ready');
  });
}
if (ports.length === 0) console.log('ready');
// Only a pipe (node's 'pipe' stdio is a socketpair) means an owner to watch; a starter that
// gave us /dev/null stops us by signal.
const stdin = fstatSync(0);
if (stdin.isFIFO() || stdin.isSocket()) {
  process.stdin.on('data', () => {});
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
}
