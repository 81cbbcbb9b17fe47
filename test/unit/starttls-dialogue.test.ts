import { test } from 'node:test';
import assert from 'node:assert/strict';
import { endsAfterReply, finalReplyCode, starttlsDialogue } from '../../src/identify/starttls.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

test('finalReplyCode reads the final line of a multi-line SMTP or FTP reply, once complete', () => {
  const cases: { input: string; want: number | undefined }[] = [
    { input: '220 ready\r\n', want: 220 },
    { input: '250-a\r\n250-STARTTLS\r\n250 8BITMIME\r\n', want: 250 },
    { input: '250-a\r\n250-STARTTLS\r\n', want: undefined },
    { input: '234 Proceed', want: undefined },
    { input: '220\r\n', want: 220 },
    { input: 'garbage\r\n', want: undefined },
  ];
  for (const c of cases) assert.equal(finalReplyCode(b(c.input)), c.want, JSON.stringify(c.input));
});

test('starttlsDialogue has a dialogue for smtp, submission, imap, pop3 and ftp only', () => {
  for (const name of ['smtp', 'submission', 'imap', 'pop3', 'ftp']) assert.ok(starttlsDialogue(name) !== undefined, name);
  for (const name of ['http', 'ssh', 'toString', '__proto__']) assert.equal(starttlsDialogue(name), undefined, name);
});

test('starttlsDialogue steps accept go-aheads and reject refusals', () => {
  const last = (name: string) => starttlsDialogue(name)!.at(-1)!;
  const cases: { name: string; answer: string; ok: boolean }[] = [
    { name: 'smtp', answer: '220 2.0.0 Ready to start TLS\r\n', ok: true },
    { name: 'smtp', answer: '454 4.7.0 TLS not available\r\n', ok: false },
    { name: 'imap', answer: '* CAPABILITY IMAP4rev1\r\na001 OK Begin TLS\r\n', ok: true },
    { name: 'imap', answer: 'a001 NO TLS not available\r\n', ok: false },
    { name: 'pop3', answer: '+OK Begin TLS\r\n', ok: true },
    { name: 'pop3', answer: '-ERR no\r\n', ok: false },
    { name: 'ftp', answer: '234 Proceed\r\n', ok: true },
    { name: 'ftp', answer: '530 Please login\r\n', ok: false },
  ];
  for (const c of cases) {
    assert.ok(last(c.name).complete(b(c.answer)), `${c.name} ${c.answer}`);
    assert.equal(last(c.name).ok(b(c.answer)), c.ok, `${c.name} ${c.answer}`);
  }
  const ehlo = starttlsDialogue('smtp')![1]!;
  assert.equal(ehlo.ok(b('250-mx\r\n250 8BITMIME\r\n')), false, 'no STARTTLS offered');
  assert.equal(ehlo.ok(b('250-mx\r\n250-STARTTLS\r\n250 8BITMIME\r\n')), true);
  assert.equal(endsAfterReply(b('220 go\r\n')), true);
  assert.equal(endsAfterReply(b('220 go\r\nxx')), false);
});
