/**
 * The report layer's only file I/O: an output destination that writes each record whole and
 * synchronously, so a killed scan leaves complete records on disk. Regular files also allow
 * positional rewrites (the XML sink rewrites its closing tags after every host).
 */
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { PortcullisError } from '../core/errors.js';

/** Where a sink writes. */
export interface Output {
  /** True for a regular file that supports writeAt/truncate. */
  readonly seekable: boolean;
  /** Bytes written so far at the end of the output. */
  readonly size: number;
  write(text: string): void;
  /** Writes at a byte offset and truncates the file to end there. Only when seekable. */
  rewriteFrom(offset: number, text: string): void;
  close(): void;
}

/** A minimal writable: the CLI's stdout, or a test's collector. */
export interface TextStream {
  write(chunk: string): boolean;
}

/** Opens `dest` ('-' = the given stdout). Throws PC_OUTPUT_FILE naming the path. */
export function openOutput(dest: string, stdout: TextStream): Output {
  if (dest === '-') {
    let size = 0;
    return {
      seekable: false,
      get size() {
        return size;
      },
      write(text) {
        size += Buffer.byteLength(text);
        stdout.write(text);
      },
      rewriteFrom() {
        throw new Error('stdout is not seekable');
      },
      close() {},
    };
  }
  let fd: number;
  try {
    fd = openSync(dest, 'w');
  } catch (err) {
    throw new PortcullisError('PC_OUTPUT_FILE', `cannot open output file "${dest}": ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { subject: dest, cause: err });
  }
  let size = 0;
  let open = true;
  const writeAll = (buf: Buffer, position: number): void => {
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off, position + off);
  };
  return {
    seekable: true,
    get size() {
      return size;
    },
    write(text) {
      if (!open) return;
      const buf = Buffer.from(text);
      writeAll(buf, size);
      size += buf.length;
    },
    rewriteFrom(offset, text) {
      if (!open) return;
      const buf = Buffer.from(text);
      writeAll(buf, offset);
      size = offset + buf.length;
      ftruncateSync(fd, size);
    },
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}
