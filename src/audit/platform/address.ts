/**
 * Local-address helpers shared by the lsof and Windows parsers: both print "host:port" with
 * IPv6 in brackets and a wildcard spelled their own way.
 */
import { formatIp, parseIp } from '../../core/ip.js';

/** A local end split into its parts; family undefined when the host is a bare wildcard ('*'). */
export interface HostPort {
  readonly host: string;
  readonly port: number;
  readonly family: 4 | 6 | undefined;
}

/**
 * Splits "127.0.0.1:5432", "[::1]:631", "[fe80::1%4]:123" or "*:22" at the last colon outside
 * brackets; null when the port is not a number 0-65535 (a service name from a run without -P,
 * or '*' for an unbound socket).
 */
export function splitHostPort(text: string): HostPort | null {
  let host: string;
  let portText: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0 || text[close + 1] !== ':') return null;
    host = text.slice(1, close);
    portText = text.slice(close + 2);
  } else {
    const colon = text.lastIndexOf(':');
    if (colon < 0) return null;
    host = text.slice(0, colon);
    portText = text.slice(colon + 1);
    // An unbracketed host with a colon is ambiguous (lsof never prints one); refuse it.
    if (host.includes(':')) return null;
  }
  if (!/^\d{1,5}$/.test(portText)) return null;
  const port = Number(portText);
  if (port > 65535) return null;
  if (host === '*') return { host, port, family: undefined };
  return { host, port, family: host.includes(':') ? 6 : 4 };
}

/**
 * Canonical text for a local address, or null when it is not an IP address. '*' becomes the
 * wildcard of the given family. The zone id is dropped: it names the interface of a link-local
 * address, and the Linux tables the rest of the audit compares against carry none.
 */
export function canonicalAddress(host: string, family: 4 | 6): string | null {
  if (host === '*') return family === 6 ? '::' : '0.0.0.0';
  const ip = parseIp(host);
  if (ip === null || ip.family !== family) return null;
  return formatIp(ip.family === 6 ? { family: 6, value: ip.value } : ip);
}
