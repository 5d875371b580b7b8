/**
 * The SMPP server for client ESMEs (Jasmin's SMPP server API, Kannel's opensmppbox): accounts bind with their
 * username as system_id and their password, from the same accounts and with the same address lists and limits as
 * the HTTP interfaces; their submits go through the same accept path as sendsms and are answered only once the
 * message is in Redis; their receipts and MO come back as deliver_sm on their receiver and transceiver binds.
 *
 * What a hostile client meets: a bind within a deadline or the connection goes; wrong credentials are refused with
 * ESME_RBINDFAIL and the connection closed, and an address that fails too often is refused at once for a while
 * (the HTTP logins' limit, shared with them);
 * connections and sessions are capped (max-binds); an unknown or garbled PDU gets a generic_nack or ends its own
 * session (smpp/connection.ts), never another's; a client that does not read has us stop reading it, and one that
 * never answers deliver_sm fills only its own window.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Logger } from 'pino';
import type { AuthResult } from '../accounts/authenticate.js';
import type { LimitVerdict } from '../accounts/limit-gate.js';
import type { SmppServerConfig } from '../config/config.js';
import type { Account } from '../domain/account.js';
import type { AcceptResult } from '../messages/accept-service.js';
import type { Submission } from '../messages/prepare-submission.js';
import { LogThrottle } from '../observability/log-throttle.js';
import { ClientSession, type ClientBind, type ClientSubmit, type SubmitAnswer } from '../smpp/client-session.js';
import { describeClose } from '../smpp/connection.js';
import { statusName } from '../smpp/command-status.js';
import { loadServerCredentials, reloadServerCredentials, serverTlsOptions, type TlsReloadResult } from '../tls/server-credentials.js';
import type { AccountDeliveries } from './account-deliveries.js';
import type { BindLedger, SessionView } from '../accounts/smpp-bind-ledger.js';
import { acceptAnswer } from './server-status.js';
import { SERVER_STATUS } from './server-status.js';
import { smppSubmission } from './smpp-submission.js';

/** Our system_id in bind_resp. */
const SYSTEM_ID = 'Switchboard';
/** A connection that has not bound within this time is closed. */
const BIND_TIMEOUT_MS = 10_000;
/** Connections beyond max-binds that may be waiting to bind at once (more are closed as they arrive). */
const UNBOUND_MARGIN = 64;
/** Submits read from one session and not answered yet, at which it is not read any more until one is answered. */
const MAX_UNANSWERED_SUBMITS = 1000;

export interface SmppServerDeps {
  readonly config: SmppServerConfig;
  readonly authenticate: (username: string, password: string, ip: string) => AuthResult | Promise<AuthResult>;
  /** http.ip-rate-limit, which counts bind attempts too, across every process. */
  readonly clientLimit?: { readonly limitsClients: boolean; checkClient(ip: string): Promise<LimitVerdict> };
  readonly accept: (sub: Submission) => Promise<AcceptResult>;
  readonly ledger: BindLedger;
  readonly deliveries: AccountDeliveries;
  /** Refuse submits (shutting down, or suspended by an operator). */
  readonly closed: () => boolean;
  readonly nodeId: string;
  readonly logger: Logger;
}

interface SessionInfo {
  readonly id: string;
  readonly tls: boolean;
  account: Account | undefined;
}

export interface SmppServerCounters {
  binds: number;
  bindsRefused: number;
  submits: number;
  submitsRefused: number;
  connectionsRefused: number;
}

export class SmppServer {
  private readonly servers: { server: Server; tls: boolean }[] = [];
  private readonly sessions = new Map<ClientSession, SessionInfo>();
  private readonly refusals = new LogThrottle({ intervalMs: 60_000, maxKeys: 1000 });
  private readonly log: Logger;
  private stopping = false;
  readonly counters: SmppServerCounters = { binds: 0, bindsRefused: 0, submits: 0, submitsRefused: 0, connectionsRefused: 0 };

  constructor(private readonly deps: SmppServerDeps) {
    this.log = deps.logger.child({ component: 'smpp-server' });
  }

  /** The plain port listened on (useful when configured as 0), and the TLS one (0: none). */
  get ports(): { plain: number; tls: number } {
    const portOf = (tls: boolean): number => {
      const addr = this.servers.find((s) => s.tls === tls)?.server.address();
      return typeof addr === 'object' && addr ? addr.port : 0;
    };
    return { plain: portOf(false), tls: portOf(true) };
  }

  async start(): Promise<void> {
    const { config } = this.deps;
    await this.listen(
      createServer((socket) => this.accept(socket, false)),
      config.port,
      false,
    );
    if (config.sslPort !== 0 && config.tls) {
      const server = createTlsServer(serverTlsOptions(loadServerCredentials(config.tls)), (socket) => this.accept(socket, true));
      server.on('tlsClientError', (e, socket) =>
        this.log.debug(
          { err: e.message, remote: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}` },
          'SMPP TLS handshake failed',
        ),
      );
      await this.listen(server, config.sslPort, true);
    }
    this.deps.ledger.start(() => this.localSessions());
    const { plain, tls } = this.ports;
    this.log.info({ host: config.host, port: plain, ...(tls ? { sslPort: tls } : {}), maxBinds: config.maxBinds }, 'SMPP server listening');
  }

  private async listen(server: Server, port: number, tls: boolean): Promise<void> {
    this.servers.push({ server, tls });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.deps.config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  /** SIGHUP: the TLS port's certificate and key read again (a file that cannot be used keeps the current ones). */
  reloadTls(): TlsReloadResult[] {
    const tlsFiles = this.deps.config.tls;
    const server = this.servers.find((s) => s.tls)?.server;
    return server && tlsFiles ? [reloadServerCredentials(server, tlsFiles, this.log)] : [];
  }

  private boundCount(): number {
    let n = 0;
    for (const s of this.sessions.keys()) if (s.bound) n++;
    return n;
  }

  private accept(socket: Socket, tls: boolean): void {
    const { config } = this.deps;
    if (this.stopping || this.sessions.size >= config.maxBinds + UNBOUND_MARGIN) {
      this.counters.connectionsRefused++;
      socket.destroy();
      return;
    }
    const session = new ClientSession(socket, {
      systemId: SYSTEM_ID,
      enquireLinkIntervalMs: config.enquireLinkIntervalMs,
      inactivityTimeoutMs: config.inactivityTimeoutMs,
      bindTimeoutMs: Math.min(BIND_TIMEOUT_MS, config.inactivityTimeoutMs),
      maxUnansweredRequests: MAX_UNANSWERED_SUBMITS,
    });
    const info: SessionInfo = { id: `${this.deps.nodeId}/${randomBytes(4).toString('hex')}`, tls, account: undefined };
    this.sessions.set(session, info);
    session.on('bind', (req, respond) => {
      this.bind(session, info, req).then(respond, (e: unknown) => {
        this.log.error({ err: e, systemId: req.systemId, remote: session.remote }, 'SMPP bind failed on our side');
        respond(SERVER_STATUS.ESME_RSYSERR);
      });
    });
    session.on('submit', (submit, respond) =>
      this.submit(session, info, submit).then(respond, (e: unknown) => {
        this.log.error({ err: e, account: info.account?.username }, 'SMPP submit failed on our side');
        respond({ status: SERVER_STATUS.ESME_RSYSERR });
      }),
    );
    session.on('close', (reason) => {
      this.sessions.delete(session);
      const account = info.account;
      if (!account) return;
      this.log.info(
        { account: account.username, kind: session.bound, remote: session.remote, session: info.id, reason: describeClose(reason) },
        'SMPP client session ended',
      );
      void this.deliveriesRemove(account.username, session);
      this.deps.ledger
        .release(account.username, info.id)
        .catch((err: unknown) => this.log.warn({ err, session: info.id }, 'cannot release an SMPP session claim; it expires by itself'));
    });
  }

  private deliveriesRemove(account: string, session: ClientSession): Promise<void> {
    return this.deps.deliveries
      .remove(account, session)
      .catch((err: unknown) => this.log.warn({ err, account }, 'cannot stop the deliver_sm worker of an SMPP account'));
  }

  private refuse(session: ClientSession, req: ClientBind, status: number, why: string): number {
    this.counters.bindsRefused++;
    const d = this.refusals.hit(`${why}\u0000${session.remoteAddress}`, Date.now());
    if (d.log)
      this.log.warn(
        {
          systemId: req.systemId.slice(0, 64),
          remote: session.remote,
          why,
          status: statusName(status),
          ...(d.suppressed > 0 ? { more: d.suppressed } : {}),
        },
        'SMPP bind refused (more refusals of this kind from this address within a minute are counted, not logged)',
      );
    return status;
  }

  private async bind(session: ClientSession, info: SessionInfo, req: ClientBind): Promise<number> {
    const { config } = this.deps;
    const ip = session.remoteAddress;
    if (this.stopping) return this.refuse(session, req, SERVER_STATUS.ESME_RBINDFAIL, 'shutting down');
    const limit = this.deps.clientLimit;
    if (limit?.limitsClients) {
      const verdict = await limit.checkClient(ip);
      if (!verdict.ok) return this.refuse(session, req, SERVER_STATUS.ESME_RBINDFAIL, verdict.refusal.detail);
    }
    // The sendsms port's authenticator: it logs failed credentials (once per account and address a minute) and
    // refuses an address with too many failed logins before any password is looked at, binds and HTTP logins
    // counted together.
    const auth = await this.deps.authenticate(req.systemId, req.password, ip);
    if (!auth.ok) {
      this.counters.bindsRefused++;
      return SERVER_STATUS.ESME_RBINDFAIL;
    }
    const account = auth.account;
    if (account.smppMaxBinds === 0)
      return this.refuse(session, req, SERVER_STATUS.ESME_RBINDFAIL, 'the account may not bind (smpp-max-binds: 0)');
    if (this.boundCount() >= config.maxBinds)
      return this.refuse(session, req, SERVER_STATUS.ESME_RBINDFAIL, `smpp-server.max-binds (${config.maxBinds}) reached`);
    if (!(await this.deps.ledger.claim(account.username, info.id, account.smppMaxBinds)))
      return this.refuse(
        session,
        req,
        SERVER_STATUS.ESME_RBINDFAIL,
        `the account holds its smpp-max-binds (${account.smppMaxBinds ?? 0}) already`,
      );
    if (session.closed) {
      await this.deps.ledger.release(account.username, info.id);
      return SERVER_STATUS.ESME_RBINDFAIL;
    }
    info.account = account;
    this.counters.binds++;
    // Bound once the response is written, right after this returns: then the session may take deliver_sm.
    setImmediate(() => {
      if (session.closed) return;
      if (session.canReceive) this.deps.deliveries.add(account.username, session);
      void this.deps.ledger.renew(this.localSessions().filter((s) => s.id === info.id));
    });
    this.log.info(
      { account: account.username, kind: req.kind, remote: session.remote, tls: info.tls, session: info.id },
      'SMPP client bound',
    );
    return SERVER_STATUS.ESME_ROK;
  }

  private async submit(session: ClientSession, info: SessionInfo, s: ClientSubmit): Promise<SubmitAnswer> {
    this.counters.submits++;
    const account = info.account;
    if (!account) return { status: SERVER_STATUS.ESME_RINVBNDSTS };
    if (this.deps.closed()) {
      this.counters.submitsRefused++;
      return { status: SERVER_STATUS.ESME_RSYSERR };
    }
    const prepared = smppSubmission(s, account, Date.now());
    if (!prepared.ok) {
      this.counters.submitsRefused++;
      this.log.debug({ account: account.username, status: statusName(prepared.status), detail: prepared.detail }, 'SMPP submit refused');
      return { status: prepared.status };
    }
    const answer = acceptAnswer(await this.deps.accept(prepared.submission), this.deps.config.notRoutableStatus);
    if (!answer.ok) {
      this.counters.submitsRefused++;
      this.log.debug({ account: account.username, status: statusName(answer.status), detail: answer.detail }, 'SMPP submit refused');
      return { status: answer.status };
    }
    const accepted = answer.receivers.find((r) => r.id !== undefined);
    if (s.command !== 'submit_multi') {
      const r = answer.receivers[0];
      if (!r || r.id === undefined) {
        this.counters.submitsRefused++;
        return { status: r?.status ?? SERVER_STATUS.ESME_RSYSERR };
      }
      return { status: SERVER_STATUS.ESME_ROK, messageId: r.id };
    }
    if (!accepted) {
      this.counters.submitsRefused++;
      return { status: answer.receivers[0]?.status ?? SERVER_STATUS.ESME_RSYSERR };
    }
    const byAddr = new Map(s.destinations.map((d) => [d.addr, d]));
    return {
      status: SERVER_STATUS.ESME_ROK,
      messageId: accepted.id,
      unsuccessful: answer.receivers
        .filter((r) => r.id === undefined)
        .map((r) => ({ addr: r.to, ton: byAddr.get(r.to)?.ton ?? 0, npi: byAddr.get(r.to)?.npi ?? 0, status: r.status })),
    };
  }

  /** This process's bound sessions. */
  localSessions(): SessionView[] {
    const out: SessionView[] = [];
    for (const [s, info] of this.sessions) {
      if (!s.bound || !info.account || s.closed) continue;
      out.push({
        id: info.id,
        account: info.account.username,
        kind: s.bound,
        remote: s.remote,
        node: this.deps.nodeId,
        tls: info.tls,
        boundAt: s.boundAt ?? s.connectedAt,
        outstanding: s.outstanding,
        window: this.deps.config.window,
        submits: s.counters.submits,
        delivers: s.counters.delivers,
        deliverFailures: s.counters.deliverFailures,
      });
    }
    return out;
  }

  /**
   * An operator's disconnect: unbinds this process's sessions with this id, or of this account (every session when
   * neither is given); resolves with how many.
   */
  async disconnect(match: { session?: string; account?: string }): Promise<number> {
    const chosen = [...this.sessions].filter(
      ([s, info]) =>
        s.bound &&
        (match.session === undefined || info.id === match.session) &&
        (match.account === undefined || info.account?.username === match.account),
    );
    await Promise.all(chosen.map(([s]) => s.unbind(1000)));
    return chosen.length;
  }

  /** Stops listening and unbinds every session (bounded), then stops the deliver_sm workers. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.deps.ledger.stop();
    const closing = this.servers.map(({ server }) => new Promise<void>((r) => server.close(() => r())));
    await Promise.all([...this.sessions.keys()].map((s) => s.unbind(1000)));
    for (const s of this.sessions.keys()) s.destroy('SMPP server stopping');
    await this.deps.deliveries.stop();
    await Promise.all(closing);
    this.log.info(this.counters, 'SMPP server stopped');
  }
}
