import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UDP_PAYLOADS, dnsQuery, ikeV1MainMode, snmpGet, udpPayloadFor } from '../../src/identify/udp-payloads.js';

/** Reads a DNS name at `off` (no compression: our queries never use it); returns name and end. */
function readName(b: Buffer, off: number): [string, number] {
  const labels: string[] = [];
  for (;;) {
    const n = b[off]!;
    off++;
    if (n === 0) return [labels.join('.'), off];
    assert.ok(n < 64, 'label length');
    labels.push(b.toString('ascii', off, off + n));
    off += n;
  }
}

function dnsHeader(b: Buffer): { id: number; flags: number; counts: number[]; name: string; qtype: number; qclass: number; end: number } {
  const [name, at] = readName(b, 12);
  return { id: b.readUInt16BE(0), flags: b.readUInt16BE(2), counts: [4, 6, 8, 10].map((o) => b.readUInt16BE(o)), name, qtype: b.readUInt16BE(at), qclass: b.readUInt16BE(at + 2), end: at + 4 };
}

/** Minimal BER reader: tag, contents, and the offset after the element. */
function tlv(b: Buffer, off: number): { tag: number; body: Buffer; next: number } {
  const tag = b[off]!;
  let len = b[off + 1]!;
  let start = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = b.readUIntBE(off + 2, n);
    start += n;
  }
  return { tag, body: b.subarray(start, start + len), next: start + len };
}

function children(body: Buffer): { tag: number; body: Buffer }[] {
  const out = [];
  for (let off = 0; off < body.length; ) {
    const e = tlv(body, off);
    out.push(e);
    off = e.next;
  }
  return out;
}

function oidText(body: Buffer): string {
  const arcs = [Math.floor(body[0]! / 40), body[0]! % 40];
  let v = 0;
  for (const byte of body.subarray(1)) {
    v = v * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      arcs.push(v);
      v = 0;
    }
  }
  return arcs.join('.');
}

test('udp payloads DNS query for the root: header id, flags, one question, NS IN', () => {
  const h = dnsHeader(udpPayloadFor(53));
  assert.deepEqual({ ...h, end: undefined }, { id: 0x5043, flags: 0, counts: [1, 0, 0, 0], name: '', qtype: 2, qclass: 1, end: undefined });
  assert.equal(h.end, udpPayloadFor(53).length);
});

test('udp payloads mDNS asks for service types with the unicast-response bit', () => {
  const h = dnsHeader(udpPayloadFor(5353));
  assert.equal(h.id, 0); // RFC 6762 §18.1: multicast DNS ids are zero
  assert.equal(h.name, '_services._dns-sd._udp.local');
  assert.equal(h.qtype, 12); // PTR
  assert.equal(h.qclass, 0x8001); // QU bit + IN
});

test('udp payloads dnsQuery encodes labels with length prefixes', () => {
  assert.deepEqual([...dnsQuery('a.bc', 1, 1, 7).subarray(12, 18)], [1, 0x61, 2, 0x62, 0x63, 0]);
});

test('udp payloads NTP is a 48-byte v4 client request (LI 0, VN 4, mode 3)', () => {
  const b = udpPayloadFor(123);
  assert.equal(b.length, 48);
  assert.equal(b[0]! >> 6, 0);
  assert.equal((b[0]! >> 3) & 7, 4);
  assert.equal(b[0]! & 7, 3);
  assert.notEqual(b.readUInt32BE(40), 0, 'transmit timestamp set');
});

test('udp payloads SNMP is a BER sequence: version v2c, community public, GetRequest sysDescr.0', () => {
  const b = udpPayloadFor(161);
  const msg = tlv(b, 0);
  assert.equal(msg.tag, 0x30);
  assert.equal(msg.next, b.length);
  const [version, community, pdu] = children(msg.body);
  assert.deepEqual([version?.tag, [...(version?.body ?? [])]], [0x02, [1]]);
  assert.deepEqual([community?.tag, community?.body.toString()], [0x04, 'public']);
  assert.equal(pdu?.tag, 0xa0);
  const [reqId, errStatus, errIndex, binds] = children(pdu.body);
  assert.equal(reqId?.body.readUIntBE(0, reqId.body.length), 0x5043);
  assert.deepEqual([[...errStatus!.body], [...errIndex!.body]], [[0], [0]]);
  const [bind] = children(binds!.body);
  const [name, value] = children(bind!.body);
  assert.equal(name?.tag, 0x06);
  assert.equal(oidText(name.body), '1.3.6.1.2.1.1.1.0');
  assert.deepEqual([value?.tag, value?.body.length], [0x05, 0]);
});

test('udp payloads SNMP v1 differs only in the version integer', () => {
  const v1 = snmpGet(0, 'public', 1, '1.3.6.1.2.1.1.5.0');
  const v2 = snmpGet(1, 'public', 1, '1.3.6.1.2.1.1.5.0');
  assert.equal(v1.length, v2.length);
  assert.deepEqual([...children(tlv(v1, 0).body)[0]!.body], [0]);
  // Request ids with the high bit set get a leading zero so they stay positive.
  const pdu = children(tlv(snmpGet(1, 'public', 0x80, '1.3.6.1'), 0).body)[2]!;
  assert.deepEqual([...children(pdu.body)[0]!.body], [0x00, 0x80]);
});

test('udp payloads NetBIOS node status: first-level encoded "*" name, NBSTAT IN', () => {
  const b = udpPayloadFor(137);
  assert.equal(b.length, 50);
  assert.equal(b.readUInt16BE(4), 1);
  assert.equal(b[12], 32);
  assert.equal(b.toString('ascii', 13, 45), `CK${'A'.repeat(30)}`);
  assert.deepEqual([b[45], b.readUInt16BE(46), b.readUInt16BE(48)], [0, 0x21, 1]);
});

test('udp payloads IKE: ISAKMP header lengths add up, SA → proposal → transform', () => {
  const b = ikeV1MainMode();
  assert.equal(b.toString('ascii', 0, 8), 'PortCull');
  assert.ok(b.subarray(8, 16).every((x) => x === 0), 'responder cookie zero');
  assert.deepEqual([b[16], b[17], b[18]], [1, 0x10, 2]); // next SA, version 1.0, Identity Protection
  assert.equal(b.readUInt32BE(24), b.length);
  assert.equal(b.readUInt16BE(28 + 2), b.length - 28); // SA payload length
  assert.deepEqual([b.readUInt32BE(32), b.readUInt32BE(36)], [1, 1]); // DOI IPsec, identity only
  const prop = 40;
  assert.equal(b.readUInt16BE(prop + 2), b.length - prop);
  assert.deepEqual([b[prop + 5], b[prop + 6], b[prop + 7]], [1, 0, 1]);
  const tr = prop + 8;
  assert.equal(b.readUInt16BE(tr + 2), b.length - tr);
  assert.equal(b[tr + 5], 1); // KEY_IKE
  assert.equal((b.length - tr - 8) % 4, 0, 'TV attributes are 4 bytes each');
  assert.deepEqual(udpPayloadFor(4500).subarray(0, 4), Buffer.alloc(4));
});

test('udp payloads RPC: CALL to program 100000 v2 procedure NULL with AUTH_NONE', () => {
  const b = udpPayloadFor(111);
  const words = Array.from({ length: b.length / 4 }, (_, i) => b.readUInt32BE(i * 4));
  assert.deepEqual(words.slice(1), [0, 2, 100000, 2, 0, 0, 0, 0, 0]);
  assert.equal(udpPayloadFor(2049).readUInt32BE(12), 100003);
});

test('udp payloads DHCP: BOOTREQUEST with the magic cookie and message type INFORM, 300 bytes', () => {
  const b = udpPayloadFor(67);
  assert.equal(b.length, 300);
  assert.deepEqual([b[0], b[1], b[2]], [1, 1, 6]);
  assert.deepEqual([...b.subarray(236, 244)], [99, 130, 83, 99, 53, 1, 8, 255]);
});

test('udp payloads TFTP: RRQ with a file name and octet mode', () => {
  const b = udpPayloadFor(69);
  assert.equal(b.readUInt16BE(0), 1);
  assert.deepEqual(b.toString('ascii', 2).split('\0'), ['portcullis-probe', 'octet', '']);
});

test('udp payloads memcached: frame header (seq 0 of 1) then "version"', () => {
  const b = udpPayloadFor(11211);
  assert.deepEqual([b.readUInt16BE(2), b.readUInt16BE(4), b.readUInt16BE(6)], [0, 1, 0]);
  assert.equal(b.toString('ascii', 8), 'version\r\n');
});

test('udp payloads text protocols: SIP OPTIONS with rport, SSDP M-SEARCH, WS-Discovery Probe', () => {
  const sip = udpPayloadFor(5060).toString();
  assert.match(sip, /^OPTIONS sip:\S+ SIP\/2\.0\r\n/);
  assert.match(sip, /\r\nVia: SIP\/2\.0\/UDP [^\r]*;branch=z9hG4bK[^\r]*;rport\r\n/);
  for (const h of ['Max-Forwards', 'From', 'To', 'Call-ID', 'CSeq', 'Content-Length']) assert.match(sip, new RegExp(`\r\n${h}: `));
  assert.ok(sip.endsWith('\r\n\r\n'));
  const ssdp = udpPayloadFor(1900).toString();
  assert.match(ssdp, /^M-SEARCH \* HTTP\/1\.1\r\n/);
  assert.match(ssdp, /\r\nMAN: "ssdp:discover"\r\n/);
  assert.ok(ssdp.endsWith('\r\n\r\n'));
  assert.match(udpPayloadFor(3702).toString(), /<wsa:Action>http:\/\/schemas\.xmlsoap\.org\/ws\/2005\/04\/discovery\/Probe<\/wsa:Action>.*<wsd:Probe\/>/);
});

test('udp payloads small binaries: RIPv2 whole table, SQL browser, CoAP GET', () => {
  const rip = udpPayloadFor(520);
  assert.deepEqual([rip[0], rip[1], rip.length, rip.readUInt32BE(20)], [1, 2, 24, 16]);
  assert.deepEqual([...udpPayloadFor(1434)], [3]);
  const coap = udpPayloadFor(5683);
  assert.deepEqual([coap[0], coap[1]], [0x40, 0x01]);
  assert.equal(coap.toString('ascii', 5, 16), '.well-known');
});

test('udp payloads other ports get an empty datagram; every table entry is documented', () => {
  assert.equal(udpPayloadFor(9).length, 0);
  assert.equal(udpPayloadFor(65535).length, 0);
  for (const [port, p] of UDP_PAYLOADS) {
    assert.ok(p.bytes.length > 0 && p.bytes.length <= 1232, `${port} fits any path without fragmentation`);
    assert.ok(p.service !== '' && p.spec !== '', `${port} described`);
  }
  for (const port of [53, 67, 69, 111, 123, 137, 161, 500, 1900, 3702, 5060, 5353, 11211]) assert.ok(UDP_PAYLOADS.has(port), `${port} has a payload`);
});
