/** Reading the files the CLI is given (target lists, policies, baselines). */
import { readFileSync } from 'node:fs';
import { PortcullisError, t, type Bilingual } from '../core/errors.js';

/** Reads an input file ("-" = standard input); PC_INPUT_FILE names the path when it cannot. */
export function readInputFile(path: string, what: Bilingual): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (err) {
    throw new PortcullisError('PC_INPUT_FILE', t(`cannot read ${what.en} "${path}": ${(err as NodeJS.ErrnoException).code ?? String(err)}`, `no se puede leer ${what.es} "${path}": ${(err as NodeJS.ErrnoException).code ?? String(err)}`), { subject: path, cause: err });
  }
}

