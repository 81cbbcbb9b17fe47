/**
 * The report layer's only file I/O. Records are buffered and written in whole-record chunks
 * (at 64 KiB, every 200 ms, and before any rewrite or close), so a killed scan leaves a file
 * that ends on a record boundary, at most 200 ms behind, and a 65,535-port scan costs a few
 * dozen write calls instead of one per record. Regular files also allow positional rewrites
 * (the XML sink rewrites its closing tags after every host); anything else a path can name
 * (/dev/null, a named pipe, /dev/stdout, a terminal) is written in order, as stdout is.
 *
 * A failed write (disk full, file removed under a FUSE mount…) must not crash the scan from a
 * timer or lose the other outputs, so it is caught, the output stops writing, and the error
 * (PC_OUTPUT_FILE, naming the path) is reported when the sink ends: see closeOutput().
 */
import { closeSync, fstatSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { PortcullisError, t } from '../core/errors.js';

/** Where a sink writes. */
export interface Output {
  /** True for a regular file that supports writeAt/truncate. */
  readonly seekable: boolean;
  /** True for a path the user named (a file, or /dev/null, a pipe…); false for the CLI's stdout. */
  readonly named: boolean;
  /** Bytes written so far at the end of the output. */
  readonly size: number;
  /** The first write error, once one happened; nothing more is written after it. */
  readonly error: PortcullisError | undefined;
  write(text: string): void;
  /** Writes at a byte offset and truncates the file to end there. Only when seekable. */
  rewriteFrom(offset: number, text: string): void;
  /** Flushes and closes; never throws (a failure shows in `error`). Idempotent. */
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
      named: false,
      get size() {
        return size;
      },
      write(text) {
        size += Buffer.byteLength(text);
        stdout.write(text);
      },
      get error() {
        return undefined;
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
    throw outputError(dest, 'open', err);
  }
  // Only a regular file can be written at an offset and truncated (on /dev/null ftruncate fails
  // with EINVAL, on a pipe a positional write with ESPIPE).
  let seekable: boolean;
  try {
    seekable = fstatSync(fd).isFile();
  } catch {
    seekable = false;
  }
  let size = 0; // bytes written
  let open = true;
  let error: PortcullisError | undefined;
  let pending: string[] = [];
  /** UTF-16 units pending: the flush threshold (bytes are counted once, when flushed). */
  let pendingChars = 0;
  /** Runs a write; on failure remembers the error and stops the output for good. */
  const guard = (io: () => void): void => {
    if (!open) return;
    try {
      io();
    } catch (err) {
      error = outputError(dest, 'write', err);
      stop();
    }
  };
  const writeAll = (buf: Buffer, position: number): void => {
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off, seekable ? position + off : null);
  };
  const flush = (): void => {
    if (pending.length === 0) return;
    const buf = Buffer.from(pending.join(''));
    pending = [];
    pendingChars = 0;
    writeAll(buf, size);
    size += buf.length;
  };
  const timer = setInterval(() => guard(flush), 200);
  timer.unref();
  const stop = (): void => {
    open = false;
    clearInterval(timer);
    pending = [];
    pendingChars = 0;
    try {
      closeSync(fd);
    } catch (err) {
      error ??= outputError(dest, 'write', err);
    }
  };
  return {
    seekable,
    named: true,
    get size() {
      // Exact bytes: what is pending goes to disk first (rarely asked: the XML sink's offsets).
      guard(flush);
      return size;
    },
    get error() {
      return error;
    },
    write(text) {
      if (!open) return;
      pending.push(text);
      pendingChars += text.length;
      if (pendingChars >= 65_536) guard(flush);
    },
    rewriteFrom(offset, text) {
      if (!seekable) throw new Error(`${dest} is not seekable`);
      guard(() => {
        flush();
        const buf = Buffer.from(text);
        writeAll(buf, offset);
        size = offset + buf.length;
        ftruncateSync(fd, size);
      });
    },
    close() {
      guard(flush);
      if (open) stop();
    },
  };
}

function outputError(dest: string, op: 'open' | 'write', err: unknown): PortcullisError {
  const why = (err as NodeJS.ErrnoException).code ?? String(err);
  const msg = op === 'open' ? t(`cannot open output file "${dest}": ${why}`, `no se puede abrir el fichero de salida "${dest}": ${why}`) : t(`cannot write output file "${dest}": ${why}`, `no se puede escribir el fichero de salida "${dest}": ${why}`);
  return new PortcullisError('PC_OUTPUT_FILE', msg, { subject: dest, cause: err });
}

/** Closes `out`; rejects with its PC_OUTPUT_FILE error if any write failed. Every sink's end() uses it. */
export function closeOutput(out: Output): Promise<void> {
  out.close();
  return out.error === undefined ? Promise.resolve() : Promise.reject(out.error);
}
