/**
 * The recorded and spec-written service answers under test/fixtures/services/: one JSON file
 * per answer, naming the probe that drew it, the matcher that must identify it, what it must
 * say, and where the bytes come from ("recorded" from a real server on loopback, or "spec"
 * when written from the protocol's documentation because the server cannot run here).
 */
import { readdirSync, readFileSync } from 'node:fs';

/** One fixture file. */
export interface ServiceFixture {
  readonly file: string;
  readonly matcher: string;
  readonly probe: string;
  readonly proto: 'tcp' | 'udp';
  readonly tls: boolean;
  readonly source: 'recorded' | 'spec';
  readonly origin: string;
  readonly recorded: string | null;
  readonly expect: { readonly name: string; readonly product?: string; readonly version?: string; readonly extrainfo?: string; readonly os?: string };
  /** The answer's bytes. */
  readonly bytes: Buffer;
}

const DIR = new URL('../fixtures/services/', import.meta.url);

/** Every fixture, sorted by file name. */
export function loadServiceFixtures(): ServiceFixture[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const raw = JSON.parse(readFileSync(new URL(file, DIR), 'utf8')) as Omit<ServiceFixture, 'file' | 'bytes'> & { response: string };
      return { ...raw, file, bytes: Buffer.from(raw.response, 'latin1') };
    });
}
