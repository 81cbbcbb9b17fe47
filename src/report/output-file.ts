/**
 * The report layer's only file I/O. Records are buffered and written in whole-record chunks
 * (at 64 KiB, every 200 ms, and before any rewrite or close), so a killed scan leaves a file
 * that ends on a record boundary, at most 200 ms behind, and a 65,535-port scan costs a few
 * dozen write calls instead of one per record. Regular files also allow positional rewrites
 * (the XML sink rewrites its closing tags after every host).
 */
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { PortcullisError, t } from '../core/errors.js';

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
    throw new PortcullisError('PC_OUTPUT_FILE', t(`cannot open output file "${dest}": ${(err as NodeJS.ErrnoException).code ?? String(err)}`, `no se puede abrir el fichero de salida "${dest}": ${(err as NodeJS.ErrnoException).code ?? String(err)}`), { subject: dest, cause: err });
  }
  let size = 0; // bytes on disk
  let open = true;
  let pending: string[] = [];
  let pendingBytes = 0;
  const writeAll = (buf: Buffer, position: number): void => {
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off, position + off);
  };
  const flush = (): void => {
    if (pending.length === 0 || !open) return;
    const buf = Buffer.from(pending.join(''));
    pending = [];
    pendingBytes = 0;
    writeAll(buf, size);
    size += buf.length;
  };
  const timer = setInterval(flush, 200);
  timer.unref();
  return {
    seekable: true,
    get size() {
      return size + pendingBytes;
    },
    write(text) {
      if (!open) return;
      pending.push(text);
      pendingBytes += Buffer.byteLength(text);
      if (pendingBytes >= 65_536) flush();
    },
    rewriteFrom(offset, text) {
      if (!open) return;
      flush();
      const buf = Buffer.from(text);
      writeAll(buf, offset);
      size = offset + buf.length;
      ftruncateSync(fd, size);
    },
    close() {
      if (!open) return;
      flush();
      clearInterval(timer);
      open = false;
      closeSync(fd);
    },
  };
}
