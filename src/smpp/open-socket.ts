/**
 * Opens the byte stream of one SMPP session: plain TCP, or TLS when the link has use-ssl. The outcome is typed so
 * the bind can say why it is down; a TLS failure (untrusted certificate, wrong name, no common protocol, a peer
 * that does not speak TLS) is its own reason and is retried over TLS again, never over plain TCP.
 */
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import type { LinkTls } from '../domain/link.js';
import { clientTlsOptions } from '../tls/client-tls-options.js';
import { TlsFileError } from '../tls/tls-file-error.js';

export type ConnectFailure =
  | { readonly kind: 'refused'; readonly detail: string }
  | { readonly kind: 'connect-timeout' }
  | { readonly kind: 'tls'; readonly detail: string };

export type OpenSocketResult = { readonly ok: true; readonly socket: Socket } | { readonly ok: false; readonly reason: ConnectFailure };

export interface OpenSocketOptions {
  readonly host: string;
  readonly port: number;
  /** For the TCP connect and the TLS handshake together. */
  readonly timeoutMs: number;
  readonly tls: LinkTls | undefined;
  readonly log: Logger;
}

function describeTlsError(e: NodeJS.ErrnoException): string {
  return e.code && !e.message.includes(e.code) ? `${e.message} (${e.code})` : e.message;
}

export function openSocket(o: OpenSocketOptions): Promise<OpenSocketResult> {
  let socket: Socket;
  if (o.tls) {
    try {
      socket = tlsConnect({ host: o.host, port: o.port, ...clientTlsOptions(o.tls, o.host) });
    } catch (e) {
      if (e instanceof TlsFileError) return Promise.resolve({ ok: false, reason: { kind: 'tls', detail: e.message } });
      throw e;
    }
  } else socket = tcpConnect({ host: o.host, port: o.port });
  const s = socket;
  const tls = o.tls;
  return new Promise<OpenSocketResult>((resolve) => {
    let tcpUp = false;
    const done = (r: OpenSocketResult): void => {
      clearTimeout(timer);
      s.off('connect', onConnect);
      s.off('secureConnect', onSecure);
      s.off('error', onError);
      if (!r.ok) s.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => {
      done(
        tcpUp && tls
          ? { ok: false, reason: { kind: 'tls', detail: `no TLS handshake within ${o.timeoutMs} ms` } }
          : { ok: false, reason: { kind: 'connect-timeout' } },
      );
    }, o.timeoutMs);
    const onConnect = (): void => {
      tcpUp = true;
      if (!tls) done({ ok: true, socket: s });
    };
    const onSecure = (): void => {
      const t = s as TLSSocket;
      if (!t.authorized) {
        o.log.warn(
          { host: o.host, port: o.port, certificateProblem: String(t.authorizationError) },
          "the SMSC's TLS certificate is not verified (ssl-verify is false)",
        );
      }
      done({ ok: true, socket: s });
    };
    const onError = (e: NodeJS.ErrnoException): void => {
      // Before the TCP connect it is the network; after it, only the TLS handshake can fail.
      if (tcpUp && tls) done({ ok: false, reason: { kind: 'tls', detail: describeTlsError(e) } });
      else
        done({
          ok: false,
          reason: e.code === 'ETIMEDOUT' ? { kind: 'connect-timeout' } : { kind: 'refused', detail: e.code ?? e.message },
        });
    };
    s.once('connect', onConnect);
    if (tls) s.once('secureConnect', onSecure);
    s.once('error', onError);
  });
}
