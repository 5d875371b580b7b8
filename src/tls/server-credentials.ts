/**
 * A TLS server's certificate and key, read from the configured files: as https options for fastify (the sendsms
 * port, the admin port) or a tls server (the simulator), and reloaded into a running server on SIGHUP. Each file
 * is checked on its own before use so a bad one is named, and a reload that fails leaves the running server with
 * the certificate it had.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import type { ServerOptions as HttpsServerOptions } from 'node:https';
import type { Server as NetServer } from 'node:net';
import { createSecureContext, Server as TlsServer } from 'node:tls';
import type { Logger } from 'pino';
import type { ServerTlsFiles } from '../config/config.js';
import { readTlsFile, TlsFileError } from './tls-file-error.js';

/**
 * Node 20 already defaults to TLS 1.2 (tls.DEFAULT_MIN_VERSION), but NODE_OPTIONS=--tls-min-v1.0 or a library
 * assigning the default would lower it; the servers and the SMPP client say it themselves.
 */
export const MIN_TLS_VERSION = 'TLSv1.2' as const;

export interface ServerCredentials {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** SHA-256 fingerprint of the leaf certificate, as openssl prints it (AA:BB:…). */
  readonly fingerprint256: string;
  readonly validTo: string;
}

const reason = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Reads and checks the files; throws TlsFileError naming the file at fault. */
export function loadServerCredentials(files: ServerTlsFiles): ServerCredentials {
  const cert = readTlsFile(files.certFile, 'certificate');
  const key = readTlsFile(files.keyFile, 'private key');
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(cert);
  } catch (e) {
    throw new TlsFileError(files.certFile, `is not a PEM certificate (${reason(e)})`);
  }
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch (e) {
    throw new TlsFileError(files.keyFile, `is not a PEM private key (${reason(e)})`);
  }
  if (!leaf.checkPrivateKey(privateKey))
    throw new TlsFileError(files.keyFile, `is not the private key of the certificate in ${files.certFile}`);
  try {
    // What OpenSSL itself makes of the whole chain; a broken intermediate shows up only here.
    createSecureContext({ cert, key, minVersion: MIN_TLS_VERSION });
  } catch (e) {
    throw new TlsFileError(files.certFile, `cannot be used with ${files.keyFile} (${reason(e)})`);
  }
  return { cert, key, fingerprint256: leaf.fingerprint256, validTo: leaf.validTo };
}

/** Options for a TLS server from checked credentials. */
export function serverTlsOptions(creds: ServerCredentials): HttpsServerOptions {
  return { cert: creds.cert, key: creds.key, minVersion: MIN_TLS_VERSION };
}

/**
 * fastify's `https` option for a port: the files read and checked now, or null for plain HTTP. Throws
 * TlsFileError at start, so a gateway with a bad certificate does not start.
 */
export function httpsServerOptions(files: ServerTlsFiles | undefined): HttpsServerOptions | null {
  return files ? serverTlsOptions(loadServerCredentials(files)) : null;
}

export type TlsReloadResult = { readonly ok: true; readonly fingerprint256: string } | { readonly ok: false; readonly error: TlsFileError };

/**
 * Re-reads the files and swaps them into a running TLS server (new connections get the new certificate; open
 * ones keep theirs). A file that cannot be used is logged, naming it, and the server keeps its current one.
 */
export function reloadServerCredentials(server: NetServer, files: ServerTlsFiles, log: Logger): TlsReloadResult {
  if (!(server instanceof TlsServer)) throw new TypeError(`reloadServerCredentials: the server for ${files.certFile} is not a TLS server`);
  let creds: ServerCredentials;
  try {
    creds = loadServerCredentials(files);
  } catch (e) {
    if (!(e instanceof TlsFileError)) throw e;
    log.error({ file: e.file, problem: e.detail }, `TLS certificate not reloaded, the current one stays: ${e.message}`);
    return { ok: false, error: e };
  }
  server.setSecureContext(serverTlsOptions(creds));
  log.info({ certFile: files.certFile, fingerprint256: creds.fingerprint256, validTo: creds.validTo }, 'TLS certificate reloaded');
  return { ok: true, fingerprint256: creds.fingerprint256 };
}
