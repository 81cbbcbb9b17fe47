/**
 * Result types shared by the engine, the reporters and the library API. Plain data only:
 * every field is JSON-serialisable so a result can cross a worker boundary or a file unchanged.
 */

/** Transport protocol of a port. */
export type Proto = 'tcp' | 'udp';

/** Address family. */
export type Family = 4 | 6;

/** Port states as nmap names them. TCP scans give open, closed and filtered; UDP adds open|filtered (silence). */
export type PortState = 'open' | 'closed' | 'filtered' | 'unfiltered' | 'open|filtered' | 'closed|filtered';

/**
 * Why a port got its state, in nmap's vocabulary: conn-accept / conn-refused for the connect
 * scan, syn-ack / reset for the SYN scan, udp-response / port-unreach for UDP, no-response
 * after every retry, and the ICMP-derived reasons (named after the ICMP or ICMPv6 code) for
 * filtered ports.
 */
export type Reason =
  | 'conn-accept'
  | 'conn-refused'
  | 'no-response'
  | 'syn-ack'
  | 'reset'
  | 'udp-response'
  | 'user-abort'
  | IcmpReason;

/** ICMP (type 3) and ICMPv6 (type 1) destination-unreachable codes, as nmap names them. */
export type IcmpReason =
  | 'net-unreach'
  | 'host-unreach'
  | 'proto-unreach'
  | 'port-unreach'
  | 'net-prohibited'
  | 'host-prohibited'
  | 'admin-prohibited'
  | 'no-route'
  | 'beyond-scope'
  | 'addr-unreach'
  | 'failed-policy'
  | 'reject-route'
  | 'icmp-unreach';

/** One scanned (host, port) pair. */
export interface PortResult {
  /** The address scanned, in canonical text form (IPv6 without brackets, zone kept). */
  readonly host: string;
  /** The name the user gave for this host, when the target was a hostname. */
  readonly hostname?: string | undefined;
  readonly port: number;
  readonly proto: Proto;
  readonly state: PortState;
  readonly reason: Reason;
  /** Round-trip time of the probe that decided the state, in milliseconds; null when nothing answered. */
  readonly rttMs: number | null;
  /** How many probes were sent for this port (1 = no retransmission). */
  readonly tries: number;
  /** TTL (IPv4) or hop limit (IPv6) of the reply that decided the state; raw scans only. */
  readonly reasonTtl?: number | undefined;
  /**
   * For open TCP ports that were checked with a full connection and a data exchange (on a host
   * that answers for every port, or with --verify): true when the service exchanged data,
   * false when it did not (see `verifyReason`). Absent when no check was made.
   */
  readonly verified?: boolean | undefined;
  /** Why an open port stayed unverified: reset-after-handshake, closed-without-data, no-data, refused, no-connection. */
  readonly verifyReason?: string | undefined;
  /** What is (probably) behind the port: the registered name ("table") or what -sV found ("probed"). */
  readonly service?: ServiceInfo | undefined;
  /** The TLS session -sV negotiated with the port, when the service speaks TLS. */
  readonly tls?: TlsInfo | undefined;
}

/** What the TLS handshake with a service showed: its certificate and the negotiated session. */
export interface TlsInfo {
  /** Negotiated protocol version: TLSv1.3, TLSv1.2... */
  readonly protocol: string;
  /** Negotiated cipher suite (OpenSSL name). */
  readonly cipher: string;
  /** ALPN protocol the server chose (h2, http/1.1), when it chose one. */
  readonly alpn?: string | undefined;
  /** How TLS was reached: directly on connect, or after the protocol's STARTTLS command. */
  readonly via: 'direct' | 'starttls';
  /** The leaf certificate; absent when the server sent none. */
  readonly cert?: TlsCertInfo | undefined;
}

/** The parts of a certificate a user checks. */
export interface TlsCertInfo {
  /** Subject distinguished name, "CN=example.org, O=Example". */
  readonly subject: string;
  /** Subject's common name, when present. */
  readonly commonName?: string | undefined;
  /** Subject alternative names as "DNS:example.org", "IP Address:198.18.0.1". */
  readonly altNames: readonly string[];
  readonly issuer: string;
  /** Validity window, ISO 8601 UTC. */
  readonly notBefore: string;
  readonly notAfter: string;
  /** notAfter is in the past (at the time of the scan). */
  readonly expired: boolean;
  /** notAfter is less than 30 days away. */
  readonly expiringSoon: boolean;
  /** Whole days from the scan to notAfter (negative when expired). */
  readonly daysLeft: number;
  /** rsa, ec, ed25519, ed448, dsa... */
  readonly keyType: string;
  /** Key size in bits. */
  readonly keyBits?: number | undefined;
  /** Issuer and subject are the same name. */
  readonly selfSigned: boolean;
  /** SHA-256 fingerprint, colon-separated hex. */
  readonly sha256: string;
  readonly serial: string;
}

/** What Portcullis believes runs behind a port. */
export interface ServiceInfo {
  /** Service name in IANA/nmap convention: http, ssh, postgresql... */
  readonly name: string;
  /** table: from the port registry only; probed: confirmed by talking to it. */
  readonly method: 'table' | 'probed';
  readonly product?: string | undefined;
  readonly version?: string | undefined;
  readonly extrainfo?: string | undefined;
  readonly cpe?: readonly string[] | undefined;
  /** Operating system the service's answer reveals (Linux, Windows...). */
  readonly os?: string | undefined;
  /** 0..10, nmap's "conf" attribute: 3 for a table lookup, 10 for a probed match. */
  readonly confidence: number;
}

/** Ports of one state collapsed into a count (see HostReport.notShown). */
export interface NotShown {
  readonly state: PortState;
  readonly count: number;
  readonly reasons: Readonly<Record<string, number>>;
  /** The ports per reason, ascending; absent where a report was made without them. */
  readonly ports?: Readonly<Record<string, readonly number[]>>;
}

/** Per-host summary emitted when every port of a host has a state. */
export interface HostReport {
  readonly host: string;
  readonly hostname?: string | undefined;
  readonly family: Family;
  /** Protocol of every port in this report. */
  readonly proto: Proto;
  /**
   * up: host discovery or a port answered; down: host discovery found nothing (the host was
   * not port-scanned); unknown: scanned without discovery (-Pn) and only silence came back.
   */
  readonly status: 'up' | 'down' | 'unknown';
  /** Why the host has its status, when host discovery decided it (echo-reply, arp-response, no-response...). */
  readonly statusReason?: string | undefined;
  /** TTL (hop limit) of the discovery answer. */
  readonly statusTtl?: number | undefined;
  /** Ports worth listing (see `notShown` for the rest), sorted by proto then port. */
  readonly ports: readonly PortResult[];
  /**
   * States collapsed into a count, as nmap's "Not shown: 65530 closed tcp ports"; `ports`
   * names them per reason (ascending), as nmap's XML does in extrareasons since 7.80.
   */
  readonly notShown: readonly NotShown[];
  /** Count of ports per state. */
  readonly counts: Readonly<Partial<Record<PortState, number>>>;
  readonly startedAt: number;
  readonly endedAt: number;
  /** Smoothed RTT estimate for the host (ms), if any probe was answered. */
  readonly srttMs: number | null;
  /** Whether the host timed out (--host-timeout) before all its ports were decided. */
  readonly timedOut: boolean;
}

/** What kind of scan ran. */
export type ScanType = 'connect' | 'syn' | 'udp';

/** The first record of a scan: what is about to happen. */
export interface ScanHeader {
  readonly tool: 'portcullis';
  readonly version: string;
  readonly args: readonly string[];
  readonly scanType: ScanType;
  readonly protocols: readonly Proto[];
  /** Canonical port list per protocol, in nmap's compact form ("1-1024,8080"). */
  readonly portSpec: Readonly<Partial<Record<Proto, string>>>;
  readonly numPorts: number;
  readonly numHosts: number;
  readonly startedAt: number;
  readonly seed: string;
  /** True when -sV identifies the services of open ports. */
  readonly serviceDetection?: boolean | undefined;
}

/** The last record of a scan. */
export interface ScanSummary {
  readonly endedAt: number;
  readonly elapsedMs: number;
  readonly hostsTotal: number;
  readonly hostsUp: number;
  readonly probesSent: number;
  readonly portsScanned: number;
  readonly counts: Readonly<Partial<Record<PortState, number>>>;
  /** True when the scan was stopped early; the results before that are complete and valid. */
  readonly interrupted: boolean;
  /** Targets that could not be scanned (unresolvable names), with why. */
  readonly failedTargets: readonly { readonly target: string; readonly reason: string }[];
}

/** A warning raised during a scan that does not stop it. */
export interface ScanWarning {
  readonly code: string;
  readonly message: string;
  readonly subject?: string | undefined;
}

/** What a scan yields, in order: one header, then port and host events interleaved, then a summary. */
export type ScanEvent =
  | { readonly type: 'header'; readonly header: ScanHeader }
  | { readonly type: 'port'; readonly result: PortResult }
  | { readonly type: 'host'; readonly report: HostReport }
  | { readonly type: 'warning'; readonly warning: ScanWarning }
  | { readonly type: 'summary'; readonly summary: ScanSummary };
