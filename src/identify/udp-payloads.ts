/**
 * What a UDP scan sends to each port. A UDP service answers only a datagram it understands, so
 * an empty datagram finds few open ports; for well-known ports we send a small, harmless,
 * valid request instead. Every payload is built here from its RFC or specification, field by
 * field (nmap's payload file is not used: its licence does not allow it). Requests are chosen to
 * draw a short answer (no amplification: memcached gets `version`, not `stats`). Pure.
 */

/** One port's probe: the service it speaks to, where its format comes from, and its bytes. */
export interface UdpPayload {
  readonly service: string;
  readonly spec: string;
  /** Shared between probes: never modify. */
  readonly bytes: Buffer;
}

// ---- small encoders --------------------------------------------------------------------------

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/** DNS name in wire form (RFC 1035 §3.1): length-prefixed labels ending in the empty root label. */
export function dnsName(name: string): Buffer {
  const labels = name.split('.').filter((l) => l !== '');
  return Buffer.concat([...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'ascii')])), Buffer.from([0])]);
}

/**
 * A one-question DNS message (RFC 1035 §4.1): header (id, flags, QDCOUNT=1, other counts 0)
 * then QNAME, QTYPE, QCLASS.
 */
export function dnsQuery(name: string, qtype: number, qclass: number, id: number, flags = 0): Buffer {
  return Buffer.concat([u16(id), u16(flags), u16(1), u16(0), u16(0), u16(0), dnsName(name), u16(qtype), u16(qclass)]);
}

/** One BER element (ITU-T X.690 §8.1): tag, definite length (short or long form), contents. */
function ber(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const len = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, content]);
}

/** BER INTEGER (X.690 §8.3) for a non-negative value: minimal big-endian two's complement. */
function berInt(v: number): Buffer {
  const bytes: number[] = [];
  let x = v >>> 0;
  do {
    bytes.unshift(x & 0xff);
    x >>>= 8;
  } while (x > 0);
  if (bytes[0]! & 0x80) bytes.unshift(0); // keep it positive
  return ber(0x02, Buffer.from(bytes));
}

/** BER OBJECT IDENTIFIER (X.690 §8.19): first two arcs as 40·a+b, then base-128 arcs. */
function berOid(oid: string): Buffer {
  const arcs = oid.split('.').map(Number);
  const out: number[] = [40 * arcs[0]! + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const chunk = [arc & 0x7f];
    for (let x = arc >>> 7; x > 0; x >>>= 7) chunk.unshift((x & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return ber(0x06, Buffer.from(out));
}

// ---- one builder per protocol ----------------------------------------------------------------

/**
 * SNMP GetRequest for one OID with a NULL value: Message ::= SEQUENCE { version INTEGER
 * (0 = v1, RFC 1157; 1 = v2c, RFC 1901), community OCTET STRING, GetRequest-PDU [0] { request-id,
 * error-status 0, error-index 0, variable-bindings SEQUENCE OF SEQUENCE { name, NULL } } }.
 */
export function snmpGet(version: 0 | 1, community: string, requestId: number, oid: string): Buffer {
  const varbind = ber(0x30, Buffer.concat([berOid(oid), Buffer.from([0x05, 0x00])]));
  const pdu = ber(0xa0, Buffer.concat([berInt(requestId), berInt(0), berInt(0), ber(0x30, varbind)]));
  return ber(0x30, Buffer.concat([berInt(version), ber(0x04, Buffer.from(community, 'ascii')), pdu]));
}

/**
 * NTP client request (RFC 5905 §7.3): 48 bytes; first byte LI = 0 (no warning), VN = 4,
 * Mode = 3 (client). A non-zero transmit timestamp, which the server echoes as origin, makes
 * even strict servers answer.
 */
export function ntpClientRequest(transmitSeconds = 0xe93c0e00): Buffer {
  const b = Buffer.alloc(48);
  b[0] = (0 << 6) | (4 << 3) | 3;
  b.writeUInt32BE(transmitSeconds >>> 0, 40); // Transmit Timestamp, seconds since 1900
  return b;
}

/**
 * NetBIOS node status request (RFC 1002 §4.2.17–18): NAME_TRN_ID, flags 0 (query), QDCOUNT 1,
 * QUESTION_NAME "*" padded with NULs to 16 bytes in first-level encoding (each nibble + 'A',
 * RFC 1001 §14.1), QUESTION_TYPE NBSTAT (0x21), QUESTION_CLASS IN.
 */
export function netbiosNodeStatus(id: number): Buffer {
  const raw = Buffer.alloc(16);
  raw[0] = 0x2a; // '*'
  const encoded = [...raw].map((c) => String.fromCharCode(0x41 + (c >> 4), 0x41 + (c & 0xf))).join('');
  return Buffer.concat([u16(id), u16(0), u16(1), u16(0), u16(0), u16(0), Buffer.from([32]), Buffer.from(encoded, 'ascii'), Buffer.from([0]), u16(0x21), u16(1)]);
}

/** SSDP discovery (UPnP Device Architecture 1.1 §1.3.2): an M-SEARCH for every device and service. */
export function ssdpMSearch(): Buffer {
  return Buffer.from('M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n', 'ascii');
}

/**
 * IKEv1 Main Mode first message (RFC 2408 §3.1–3.6, RFC 2409 App. A, RFC 2407 §4.6): ISAKMP
 * header (initiator cookie, zero responder cookie, next payload SA, version 1.0, exchange 2 =
 * Identity Protection), one SA (DOI 1 = IPsec, situation 1 = identity only) with one proposal
 * (protocol 1 = ISAKMP) and one transform (KEY_IKE) offering 3DES, SHA-1, pre-shared key, MODP
 * group 2, 8 h lifetime. A responder answers with its choice or a NO-PROPOSAL-CHOSEN notify.
 */
export function ikeV1MainMode(initiatorCookie = Buffer.from('PortCull', 'ascii')): Buffer {
  const attr = (type: number, value: number): Buffer => Buffer.concat([u16(0x8000 | type), u16(value)]); // TV form
  const attrs = Buffer.concat([attr(1, 5), attr(2, 2), attr(3, 1), attr(4, 2), attr(11, 1), attr(12, 28800)]);
  // Generic payload header: next payload, reserved, length (RFC 2408 §3.2).
  const payload = (next: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([next, 0]), u16(4 + body.length), body]);
  const transform = payload(0, Buffer.concat([Buffer.from([1, 1, 0, 0]), attrs])); // #1, KEY_IKE, reserved
  const proposal = payload(0, Buffer.concat([Buffer.from([1, 1, 0, 1]), transform])); // #1, ISAKMP, SPI size 0, 1 transform
  const sa = payload(0, Buffer.concat([u32(1), u32(1), proposal]));
  const header = Buffer.concat([initiatorCookie.subarray(0, 8), Buffer.alloc(8), Buffer.from([1, 0x10, 2, 0]), u32(0), u32(28 + sa.length)]);
  return Buffer.concat([header, sa]);
}

/** TFTP read request (RFC 1350 §5): opcode 1, file name, NUL, mode "octet", NUL. A server answers DATA or ERROR. */
export function tftpReadRequest(file: string): Buffer {
  return Buffer.concat([u16(1), Buffer.from(`${file}\0octet\0`, 'ascii')]);
}

/**
 * memcached over UDP (memcached protocol.txt, "UDP protocol"): an 8-byte frame header
 * (request id, sequence 0, 1 datagram, reserved) then a text command; `version` has a short answer.
 */
export function memcachedVersion(requestId: number): Buffer {
  return Buffer.concat([u16(requestId), u16(0), u16(1), u16(0), Buffer.from('version\r\n', 'ascii')]);
}

/**
 * SIP OPTIONS request (RFC 3261 §11, mandatory headers §8.1.1). `rport` (RFC 3581) asks the
 * server to answer the source port, not 5060; names are under .invalid (RFC 2606).
 */
export function sipOptions(): Buffer {
  const uri = 'sip:portcullis@portcullis.invalid';
  return Buffer.from(
    [
      `OPTIONS ${uri} SIP/2.0`,
      'Via: SIP/2.0/UDP portcullis.invalid:5060;branch=z9hG4bK-portcullis-probe;rport',
      'Max-Forwards: 70',
      `From: <${uri}>;tag=portcullis`,
      `To: <${uri}>`,
      'Call-ID: portcullis-udp-probe@portcullis.invalid',
      'CSeq: 1 OPTIONS',
      `Contact: <${uri}>`,
      'Accept: application/sdp',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
    'ascii',
  );
}

/**
 * ONC RPC call to procedure 0 (NULL) of a program (RFC 5531 §9): xid, CALL (0), RPC version 2,
 * program, version, procedure, then AUTH_NONE credentials and verifier (flavor 0, length 0).
 */
export function rpcNullCall(xid: number, program: number, version: number): Buffer {
  return Buffer.concat([u32(xid), u32(0), u32(2), u32(program), u32(version), u32(0), u32(0), u32(0), u32(0), u32(0)]);
}

/**
 * DHCPINFORM (RFC 2131 §2 and §4.4.3; option 53 from RFC 2132 §9.6): BOOTREQUEST, Ethernet
 * hardware type, a locally administered client MAC, the magic cookie 99.130.83.99, message type
 * 8, end; padded to BOOTP's 300-byte minimum (RFC 1542 §2.1).
 */
export function dhcpInform(xid: number): Buffer {
  const b = Buffer.alloc(300);
  b[0] = 1; // op: BOOTREQUEST
  b[1] = 1; // htype: Ethernet
  b[2] = 6; // hlen
  b.writeUInt32BE(xid >>> 0, 4);
  Buffer.from([0x02, 0x50, 0x43, 0x00, 0x00, 0x01]).copy(b, 28); // chaddr
  Buffer.from([99, 130, 83, 99, 53, 1, 8, 255]).copy(b, 236); // cookie, DHCP message type INFORM, end
  return b;
}

/**
 * WS-Discovery Probe (WS-Discovery April 2005 §5.2, SOAP 1.2 over UDP): addressed to the
 * discovery URN with the Probe action and a fixed message id; matches every target service.
 */
export function wsDiscoveryProbe(messageId = 'urn:uuid:706f7274-6375-4c6c-8973-756470726f62'): Buffer {
  return Buffer.from(
    '<?xml version="1.0" encoding="utf-8"?>' +
      '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:wsd="http://schemas.xmlsoap.org/ws/2005/04/discovery">' +
      '<soap:Header><wsa:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</wsa:To>' +
      '<wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</wsa:Action>' +
      `<wsa:MessageID>${messageId}</wsa:MessageID></soap:Header>` +
      '<soap:Body><wsd:Probe/></soap:Body></soap:Envelope>',
    'utf8',
  );
}

/** RIPv2 request for the whole routing table (RFC 2453 §3.9.1): one entry, family 0, metric 16. */
export function ripWholeTable(): Buffer {
  const entry = Buffer.concat([u16(0), u16(0), u32(0), u32(0), u32(0), u32(16)]);
  return Buffer.concat([Buffer.from([1, 2]), u16(0), entry]);
}

/** CoAP confirmable GET /.well-known/core (RFC 7252 §3, RFC 6690): the resource directory. */
export function coapWellKnownCore(messageId: number): Buffer {
  // Ver 1, type CON, no token; code 0.01 GET; Uri-Path options (number 11) ".well-known", "core".
  return Buffer.concat([Buffer.from([0x40, 0x01]), u16(messageId), Buffer.from([0xbb]), Buffer.from('.well-known'), Buffer.from([0x04]), Buffer.from('core')]);
}

// ---- the table --------------------------------------------------------------------------------

/** Ids and cookies are fixed ("PC" = 0x5043) so that probes are reproducible and recognisable. */
const ID = 0x5043;

const ENTRIES: readonly (readonly [number, string, string, Buffer])[] = [
  [53, 'domain', 'RFC 1035: NS query for the root', dnsQuery('', 2, 1, ID)],
  [67, 'dhcps', 'RFC 2131: DHCPINFORM', dhcpInform(0x50435544)],
  [69, 'tftp', 'RFC 1350: read request', tftpReadRequest('portcullis-probe')],
  [111, 'rpcbind', 'RFC 5531/1833: portmapper NULL call', rpcNullCall(0x50430001, 100000, 2)],
  [123, 'ntp', 'RFC 5905: client request', ntpClientRequest()],
  [137, 'netbios-ns', 'RFC 1002: node status request', netbiosNodeStatus(ID)],
  [161, 'snmp', 'RFC 1901/3416: v2c GetRequest sysDescr.0, community public', snmpGet(1, 'public', ID, '1.3.6.1.2.1.1.1.0')],
  [500, 'isakmp', 'RFC 2408/2409: IKEv1 Main Mode SA proposal', ikeV1MainMode()],
  [520, 'route', 'RFC 2453: RIPv2 whole-table request', ripWholeTable()],
  [1434, 'ms-sql-m', '[MC-SQLR] 2.2.2: CLNT_UCAST_EX', Buffer.from([0x03])],
  [1900, 'ssdp', 'UPnP DA 1.1: M-SEARCH ssdp:all', ssdpMSearch()],
  [2049, 'nfs', 'RFC 5531/1813: NFSv3 NULL call', rpcNullCall(0x50430002, 100003, 3)],
  [3702, 'ws-discovery', 'WS-Discovery 2005/04: Probe', wsDiscoveryProbe()],
  [4500, 'ipsec-nat-t', 'RFC 3948: non-ESP marker + IKEv1 Main Mode', Buffer.concat([Buffer.alloc(4), ikeV1MainMode()])],
  [5060, 'sip', 'RFC 3261: OPTIONS', sipOptions()],
  [5353, 'mdns', 'RFC 6762/6763: QU query for service types', dnsQuery('_services._dns-sd._udp.local', 12, 0x8001, 0)],
  [5683, 'coap', 'RFC 7252: GET /.well-known/core', coapWellKnownCore(ID)],
  [11211, 'memcache', 'memcached protocol.txt: version', memcachedVersion(ID)],
];

/** Port → payload for every port that has a protocol-specific probe. */
export const UDP_PAYLOADS: ReadonlyMap<number, UdpPayload> = new Map(ENTRIES.map(([port, service, spec, bytes]) => [port, { service, spec, bytes }]));

const EMPTY = Buffer.alloc(0);

/** The datagram to send to `port`: its protocol probe, or an empty datagram (shared; never modify). */
export function udpPayloadFor(port: number): Buffer {
  return UDP_PAYLOADS.get(port)?.bytes ?? EMPTY;
}
