import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { certInfo, formatDn, tlsInfo } from '../../src/identify/tls-info.js';

const pem = (name: string): X509Certificate => new X509Certificate(readFileSync(new URL(`../fixtures/tls/${name}`, import.meta.url)));
const rsa = pem('rsa-cert.pem');
const ec = pem('ec-cert.pem');
const DAY = 86_400_000;

test('certInfo reads names, issuer, key and validity', () => {
  const now = Date.parse(rsa.validFrom) + DAY;
  const c = certInfo(rsa, now);
  assert.equal(c.subject, 'CN=service.portcullis.test, O=Portcullis tests');
  assert.equal(c.commonName, 'service.portcullis.test');
  assert.deepEqual(c.altNames, ['DNS:service.portcullis.test', 'IP Address:127.0.0.1']);
  assert.equal(c.issuer, c.subject);
  assert.equal(c.selfSigned, true);
  assert.equal(c.keyType, 'rsa');
  assert.equal(c.keyBits, 2048);
  assert.equal(c.expired, false);
  assert.equal(c.expiringSoon, false);
  assert.match(c.notBefore, /^\d{4}-\d\d-\d\dT/);
  assert.match(c.sha256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  const e = certInfo(ec, Date.parse(ec.validFrom));
  assert.equal(e.keyType, 'ec');
  assert.equal(e.keyBits, 256);
});

test('certInfo: expiring soon under 30 days, expired after notAfter', () => {
  const end = Date.parse(ec.validTo);
  const cases: [number, boolean, boolean, number][] = [
    [end - 40 * DAY, false, false, 40],
    [end - 5 * DAY, false, true, 5],
    [end + DAY, true, false, -1],
  ];
  for (const [now, expired, soon, days] of cases) {
    const c = certInfo(ec, now);
    assert.equal(c.expired, expired);
    assert.equal(c.expiringSoon, soon);
    assert.equal(c.daysLeft, days);
  }
});

test('formatDn joins parts and strips control characters', () => {
  assert.equal(formatDn('CN=a\u001b[31m\nO=b'), 'CN=a, O=b');
});

test('tlsInfo keeps the session and leaves out an absent ALPN', () => {
  const t = tlsInfo({ protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', alpn: false, via: 'direct' }, undefined, 0);
  assert.deepEqual(t, { protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', via: 'direct' });
  assert.equal(tlsInfo({ protocol: null, cipher: undefined, alpn: 'h2', via: 'direct' }, rsa, 0).alpn, 'h2');
});
