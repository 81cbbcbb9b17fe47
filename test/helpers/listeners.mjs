// Accepts TCP connections on the given ports (IPv4 and IPv6 via a dual-stack socket) and closes
// them at once. Run inside a test namespace by test/helpers/testbed.ts; prints "ready".
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
    process.exitCode = 1;
  });
  server.listen({ port, host: '::', ipv6Only: false, backlog: 4096 }, () => {
    if (++ready === ports.length) console.log('ready');
  });
}
if (ports.length === 0) console.log('ready');
