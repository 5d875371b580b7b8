/**
 * Throwaway certificates for the TLS tests, made with the openssl command at test time (.ci/run installs it when
 * missing): a trusted CA with two server certificates and a client certificate, and a second, untrusted CA with a
 * server certificate of its own. P-256 keys, valid for a day, names localhost and 127.0.0.1.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerTlsFiles } from '../../src/config/config.js';

export interface TestPki {
  readonly dir: string;
  /** The trusted CA's certificate (PEM file). */
  readonly caFile: string;
  /** Signed by the trusted CA. */
  readonly server: ServerTlsFiles;
  /** Signed by the trusted CA too, another key: to see a reload take effect. */
  readonly server2: ServerTlsFiles;
  /** Certificate and key in one file, signed by the trusted CA (Kannel's ssl-client-certkey-file). */
  readonly clientCertKeyFile: string;
  /** Signed by a CA nobody trusts. */
  readonly untrusted: ServerTlsFiles;
  /** SHA-256 fingerprint (AA:BB:…) of a certificate file. */
  fingerprint(certFile: string): string;
  remove(): void;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'sb-pki-'));
  const key = (name: string): void =>
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`], dir);
  const ca = (name: string): void => {
    key(name);
    openssl(
      [
        'req',
        '-x509',
        '-new',
        '-key',
        `${name}.key`,
        '-out',
        `${name}.pem`,
        '-days',
        '1',
        '-subj',
        `/CN=${name}`,
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ],
      dir,
    );
  };
  writeFileSync(
    join(dir, 'leaf.ext'),
    'basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n',
  );
  const leaf = (name: string, caName: string): ServerTlsFiles => {
    key(name);
    openssl(['req', '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`], dir);
    openssl(
      [
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        `${caName}.pem`,
        '-CAkey',
        `${caName}.key`,
        '-CAcreateserial',
        '-out',
        `${name}.pem`,
        '-days',
        '1',
        '-extfile',
        'leaf.ext',
      ],
      dir,
    );
    return { certFile: join(dir, `${name}.pem`), keyFile: join(dir, `${name}.key`) };
  };
  ca('test-ca');
  ca('rogue-ca');
  const server = leaf('server', 'test-ca');
  const server2 = leaf('server2', 'test-ca');
  const client = leaf('client', 'test-ca');
  const untrusted = leaf('rogue', 'rogue-ca');
  const clientCertKeyFile = join(dir, 'client-certkey.pem');
  writeFileSync(clientCertKeyFile, Buffer.concat([readFileSync(client.certFile), readFileSync(client.keyFile)]));
  return {
    dir,
    caFile: join(dir, 'test-ca.pem'),
    server,
    server2,
    clientCertKeyFile,
    untrusted,
    fingerprint(certFile) {
      const out = execFileSync('openssl', ['x509', '-in', certFile, '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' });
      return out.trim().replace(/^.*=/, '');
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
