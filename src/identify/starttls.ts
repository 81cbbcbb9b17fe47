/**
 * The plain-text dialogues that turn a mail or file-transfer connection into TLS (STARTTLS for
 * SMTP, IMAP and POP3's STLS, FTP's AUTH TLS), as data and pure checks on the bytes read. The
 * socket side is in service-prober.ts; this file only says what to send and whether an answer
 * is complete and positive.
 */

/** One turn of the dialogue: what to send (nothing for the greeting), and how to read the answer. */
export interface StarttlsStep {
  readonly send: Buffer;
  /** The answer so far (bytes since the turn began) holds a whole reply. */
  readonly complete: (answer: Buffer) => boolean;
  /** The whole reply says go on. */
  readonly ok: (answer: Buffer) => boolean;
}

/** SMTP and FTP: the code of the first final line ("250 ..." after any "250-..."), once complete. */
export function finalReplyCode(answer: Buffer): number | undefined {
  const lines = answer.toString('latin1').split('\n');
  lines.pop(); // an unfinished line
  for (const line of lines) {
    const m = /^(\d{3})(?: |\r?$)/.exec(line);
    if (m !== null) return Number(m[1]);
  }
  return undefined;
}

/** The first complete line, without its line end. */
function firstLine(answer: Buffer): string | undefined {
  const i = answer.indexOf(0x0a);
  return i < 0 ? undefined : answer.subarray(0, i).toString('latin1').replace(/\r$/, '');
}

/** IMAP: the tagged line that ends the command's reply. */
function taggedLine(answer: Buffer, tag: string): string | undefined {
  const lines = answer.toString('latin1').split('\n');
  lines.pop();
  return lines.find((l) => l.startsWith(`${tag} `));
}

const TAG = 'a001';

const reply = (want: (code: number) => boolean): Pick<StarttlsStep, 'complete' | 'ok'> => ({
  complete: (b) => finalReplyCode(b) !== undefined,
  ok: (b) => {
    const code = finalReplyCode(b);
    return code !== undefined && want(code);
  },
});

const NONE = Buffer.alloc(0);

const SMTP: readonly StarttlsStep[] = [
  { send: NONE, ...reply((c) => c >= 200 && c < 300) },
  // Only a server that offers STARTTLS in its EHLO answer is asked for it.
  { send: Buffer.from('EHLO portcullis.invalid\r\n'), complete: reply(() => true).complete, ok: (b) => finalReplyCode(b) === 250 && /^250[- ]STARTTLS\b/im.test(b.toString('latin1')) },
  { send: Buffer.from('STARTTLS\r\n'), ...reply((c) => c === 220) },
];

const DIALOGUES: Readonly<Record<string, readonly StarttlsStep[]>> = {
  smtp: SMTP,
  submission: SMTP,
  imap: [
    { send: NONE, complete: (b) => firstLine(b) !== undefined, ok: (b) => /^\* OK\b/i.test(firstLine(b) ?? '') },
    { send: Buffer.from(`${TAG} STARTTLS\r\n`), complete: (b) => taggedLine(b, TAG) !== undefined, ok: (b) => /^a001 OK\b/i.test(taggedLine(b, TAG) ?? '') },
  ],
  pop3: [
    { send: NONE, complete: (b) => firstLine(b) !== undefined, ok: (b) => (firstLine(b) ?? '').startsWith('+OK') },
    { send: Buffer.from('STLS\r\n'), complete: (b) => firstLine(b) !== undefined, ok: (b) => (firstLine(b) ?? '').startsWith('+OK') },
  ],
  ftp: [
    { send: NONE, ...reply((c) => c === 220) },
    { send: Buffer.from('AUTH TLS\r\n'), ...reply((c) => c === 234) },
  ],
};

/** The upgrade dialogue for a service name, or undefined when it has none. */
export function starttlsDialogue(service: string): readonly StarttlsStep[] | undefined {
  return Object.hasOwn(DIALOGUES, service) ? DIALOGUES[service] : undefined;
}

/** A positive reply must be the last thing before the handshake: any byte after it is not TLS. */
export function endsAfterReply(answer: Buffer): boolean {
  return answer.length > 0 && answer[answer.length - 1] === 0x0a;
}
