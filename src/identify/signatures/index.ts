/**
 * The signature files, in the order their matchers are tried: core first (its TLS detectors
 * must win over the HTTP matchers), then each family. Imported as JSON modules so that the
 * build ships them and no file is read at run time.
 */
import { compileSignatures, type SignatureDb, type SignatureFile } from '../signature-db.js';
import core from './core.json' with { type: 'json' };
import web from './web.json' with { type: 'json' };
import remoteAccess from './remote-access.json' with { type: 'json' };
import mail from './mail.json' with { type: 'json' };
import fileSharing from './file-sharing.json' with { type: 'json' };
import naming from './naming.json' with { type: 'json' };
import databases from './databases.json' with { type: 'json' };
import messaging from './messaging.json' with { type: 'json' };
import voipMedia from './voip-media.json' with { type: 'json' };
import network from './network.json' with { type: 'json' };

/** Every signature file as shipped (checked and compiled by compileSignatures). */
export const SIGNATURE_FILES: readonly SignatureFile[] = [core, web, remoteAccess, mail, fileSharing, naming, databases, messaging, voipMedia, network] as unknown as readonly SignatureFile[];

let compiled: SignatureDb | undefined;

/** The shipped database, checked and compiled on first use. */
export function signatureDb(): SignatureDb {
  compiled ??= compileSignatures(SIGNATURE_FILES);
  return compiled;
}
