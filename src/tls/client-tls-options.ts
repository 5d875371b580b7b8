/**
 * The node:tls options of an SMPP link with use-ssl: the trusted CAs, verification, the name to check and send
 * as SNI, and the client certificate. Read at each connect, so replaced files are picked up at the next bind.
 * Verification is on unless the link turns it off: the smpp package's own TLS connect does not verify, and a
 * gateway that accepts any certificate hands its SMSC password to whoever sits in the path.
 */
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import type { LinkTls } from '../domain/link.js';
import { MIN_TLS_VERSION } from './server-credentials.js';
import { readTlsFile } from './tls-file-error.js';

/** Throws TlsFileError when a configured file cannot be read. */
export function clientTlsOptions(tls: LinkTls, host: string): ConnectionOptions {
  const certKey = tls.clientCertKeyFile === undefined ? undefined : readTlsFile(tls.clientCertKeyFile, 'client certificate and key');
  // SNI carries host names only; for an address Node checks the certificate against the address itself.
  const servername = tls.serverName ?? (isIP(host) ? undefined : host);
  return {
    minVersion: MIN_TLS_VERSION,
    rejectUnauthorized: tls.verify,
    ...(tls.caFile === undefined ? {} : { ca: readTlsFile(tls.caFile, 'trusted CA certificates') }),
    ...(servername === undefined ? {} : { servername }),
    // One PEM file holds both, as in Kannel: OpenSSL takes the certificate blocks for `cert` and the key for `key`.
    ...(certKey === undefined ? {} : { cert: certKey, key: certKey }),
  };
}
