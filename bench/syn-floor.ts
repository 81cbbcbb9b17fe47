/**
 * The floor under a loopback SYN scan: how long this machine's kernel takes just to carry
 * 65,535 SYNs to 127.0.0.1 and their RSTs back (sendmmsg in batches of 1,024 on a raw socket,
 * replies drained, no scan engine at all), from one thread and split over two processes, next
 * to `nmap -sS -T4 -p- -Pn -n 127.0.0.1` in the same run. On loopback the kernel handles each
 * SYN, and the RST it provokes, inside the sending call, so this is the least any SYN scanner
 * can spend here; the ratio column says what share of nmap's wall time that floor already is.
 * A script, not a test: run it as root with the addon built.
 *
 *   node --import tsx bench/syn-floor.ts [--runs 5]
 */
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SYN_LENGTH, synPseudoSum, writeSyn } from '../src/core/packet/tcp-syn.js';
import { tcpDstPortFilter } from '../src/core/packet/bpf.js';
import { IPPROTO, SEND_HEADER, loadRawSock } from '../src/scan/raw/rawsock.js';
import { pickSourcePort } from '../src/scan/raw/source.js';

const LO = Uint8Array.from([127, 0, 0, 1]);
const BATCH = 1024;

/** Sends SYNs to 127.0.0.1 ports [first, last] and drains the replies; returns ms. */
function blast(first: number, last: number): number {
  const r = loadRawSock();
  if (!r.ok) throw new Error(r.reason);
  const api = r.api;
  const sport = pickSourcePort(api);
  const fd = api.open(4, IPPROTO.TCP);
  api.attachFilter(fd, tcpDstPortFilter(4, sport));
  const rec = SEND_HEADER + SYN_LENGTH;
  const buf = Buffer.alloc(BATCH * rec);
  const pseudo = synPseudoSum(LO, LO);
  const t0 = performance.now();
  for (let base = first; base <= last; base += BATCH) {
    const n = Math.min(BATCH, last + 1 - base);
    for (let i = 0; i < n; i++) {
      const off = i * rec;
      buf.writeUInt32LE(SYN_LENGTH, off);
      buf.writeUInt32LE(0, off + 4);
      buf.set(LO, off + 8);
      writeSyn(buf, off + SEND_HEADER, sport, base + i, 0x5eed0000 + i, pseudo);
    }
    let sent = 0;
    while (sent < n) sent += api.sendMany(fd, 4, buf.subarray(sent * rec), n - sent).sent;
    api.recvMany([fd], 0, 4096);
  }
  const ms = performance.now() - t0;
  api.close(fd);
  return ms;
}

function child(first: number, last: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', String(first), String(last)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('exit', (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error(`child exited ${code}`))));
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') {
    // Start both halves together: wait for the next 250 ms tick.
    await new Promise((r) => setTimeout(r, 250 - (Date.now() % 250)));
    process.stdout.write(`${blast(Number(argv[1]), Number(argv[2]))}\n`);
    return;
  }
  const i = argv.indexOf('--runs');
  const runs = i >= 0 ? Number(argv[i + 1]) : 5;
  const one: number[] = [];
  const two: number[] = [];
  const nmap: number[] = [];
  for (let k = 0; k < runs; k++) {
    one.push(blast(1, 65535));
    const halves = await Promise.all([child(1, 32767), child(32768, 65535)]);
    two.push(Math.max(...halves));
    const t0 = performance.now();
    execFileSync('nmap', ['-sS', '-T4', '-p-', '-Pn', '-n', '127.0.0.1', '-oN', '/dev/null'], { stdio: 'ignore' });
    nmap.push(performance.now() - t0);
  }
  const n = median(nmap);
  const row = (label: string, xs: number[]): string => `| ${label} | ${(median(xs) / 1000).toFixed(3)} | ${(median(xs) / n).toFixed(2)} |`;
  console.log(`Median of ${runs} runs, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC\n`);
  console.log('| what | wall s | ÷ nmap -sS wall |\n|---|---|---|');
  console.log(row('nmap -sS -T4 -p- 127.0.0.1', nmap));
  console.log(row('bare sendmmsg of 65,535 SYNs, one thread', one));
  console.log(row('bare sendmmsg, two processes in parallel (slower half)', two));
}

await main();
