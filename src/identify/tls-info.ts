/**
 * What a TLS handshake shows, as plain data: the leaf certificate's names, validity, key and
 * issuer, and the negotiated protocol, cipher and ALPN. Pure: takes the certificate node:tls
 * gave (an X509Certificate) and the time of the scan, so tests pass fixed ones.
 */
import type { X509Certificate } from 'node:crypto';
import type { TlsCertInfo, TlsInfo } from '../core/types.js';
import { sanitizeCapture } from './matcher.js';

/** A certificate whose notAfter is fewer than this many days away is "expiring soon". */
export const EXPIRING_SOON_DAYS = 30;
const DAY_MS = 86_400_000;

/** "CN=a\nO=b" (Node's multi-line form) as "CN=a, O=b"; each part cut to printable text. */
export function formatDn(dn: string): string {
  return dn
    .split('\n')
    .map((part) => sanitizeCapture(part))
    .filter((p) => p !== '')
    .join(', ');
}

/** The common name of a distinguished name in Node's multi-line form. */
function commonName(dn: string): string | undefined {
  const cn = dn.split('\n').find((p) => p.startsWith('CN='));
  return cn === undefined ? undefined : sanitizeCapture(cn.slice(3));
}

/** The certificate's details as of `now` (ms since the epoch). */
export function certInfo(cert: X509Certificate, now: number): TlsCertInfo {
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  const left = notAfter.getTime() - now;
  const key = cert.publicKey;
  const details = key.asymmetricKeyDetails;
  const keyType = key.asymmetricKeyType ?? 'unknown';
  let keyBits = details?.modulusLength;
  if (keyBits === undefined && details?.namedCurve !== undefined) keyBits = CURVE_BITS[details.namedCurve];
  if (keyBits === undefined && keyType === 'ed25519') keyBits = 256;
  if (keyBits === undefined && keyType === 'ed448') keyBits = 456;
  let selfSigned = cert.subject === cert.issuer;
  if (selfSigned) {
    try {
      selfSigned = cert.verify(key);
    } catch {
      selfSigned = false;
    }
  }
  return {
    subject: formatDn(cert.subject),
    commonName: commonName(cert.subject),
    altNames: (cert.subjectAltName ?? '')
      .split(', ')
      .map((s) => sanitizeCapture(s))
      .filter((s) => s !== '')
      .slice(0, 64),
    issuer: formatDn(cert.issuer),
    notBefore: isoOrRaw(notBefore, cert.validFrom),
    notAfter: isoOrRaw(notAfter, cert.validTo),
    expired: left < 0,
    expiringSoon: left >= 0 && left < EXPIRING_SOON_DAYS * DAY_MS,
    daysLeft: Math.floor(left / DAY_MS),
    keyType,
    keyBits,
    selfSigned,
    sha256: cert.fingerprint256,
    serial: cert.serialNumber,
  };
}

const CURVE_BITS: Readonly<Record<string, number>> = { prime256v1: 256, 'P-256': 256, secp384r1: 384, 'P-384': 384, secp521r1: 521, 'P-521': 521, secp256k1: 256 };

function isoOrRaw(d: Date, raw: string): string {
  return Number.isNaN(d.getTime()) ? sanitizeCapture(raw) : d.toISOString();
}

/** The session's details: protocol, cipher, ALPN and the certificate (when the server sent one). */
export function tlsInfo(session: { protocol: string | null; cipher: string | undefined; alpn: string | false | null | undefined; via: 'direct' | 'starttls' }, cert: X509Certificate | undefined, now: number): TlsInfo {
  const info: TlsInfo = {
    protocol: session.protocol ?? 'unknown',
    cipher: session.cipher ?? 'unknown',
    via: session.via,
    ...(typeof session.alpn === 'string' && session.alpn !== '' ? { alpn: session.alpn } : {}),
    ...(cert !== undefined ? { cert: certInfo(cert, now) } : {}),
  };
  return info;
}
