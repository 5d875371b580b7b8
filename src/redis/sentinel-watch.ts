/**
 * Leaves an old primary the moment Sentinel promotes a replica. ioredis's own failover detector (off: see
 * connect.ts) reconnects on +switch-master, which Sentinel announces only once it has reconfigured the other
 * replicas, about a second after the promotion (measured here: 1.0 to 1.3 s). A primary that froze (SIGSTOP, a stuck disk, a VM paused) and thaws
 * in between is still a primary to itself: it answers the commands that waited in its sockets and takes new ones,
 * and a queue worker still connected to it takes a job the promoted primary hands out too, so the message would go
 * to the SMSC twice, uncounted (seen in test/integration/sentinel-failover.test.ts before this existed).
 *
 * So each process listens on every Sentinel for +promoted-slave of its primary's name and reconnects its clients
 * then, to the promoted replica (natMap below: only the Sentinel leading the failover names it before the failover
 * ends). Commands in flight are sent again there by ioredis (the outcome writer notices the new connection and
 * writes again).
 */
import type { ConnectionOptions } from 'node:tls';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { SentinelSettings } from '../config/config.js';
import { RECONNECT_MAX_MS } from './connect.js';

const PROMOTED = '+promoted-slave';
const SWITCHED = '+switch-master';

/** How long a demoted primary's address is redirected at most (a failover's end, +switch-master, ends it sooner). */
const REDIRECT_MS = 60_000;

interface Address {
  readonly host: string;
  readonly port: number;
}

export class SentinelWatch {
  private readonly subscribers: Redis[];
  /** Our clients and every connection duplicated from them (bullmq's blocking connections), while open. */
  private readonly clients = new Set<Redis>();
  /** Demoted primary (host:port) → the replica promoted in its place, and until when. */
  private readonly redirects = new Map<string, Address & { readonly until: number }>();
  /** Promotions seen (one per failover, whichever Sentinel said it first). */
  promotions = 0;

  constructor(
    private readonly settings: SentinelSettings,
    private readonly logger: Logger,
    /** TLS options for the Sentinels (with sentinel-tls). */
    tls: ConnectionOptions | undefined,
  ) {
    this.subscribers = settings.sentinels.map((a) => {
      const s = new Redis({
        host: a.host,
        port: a.port,
        ...(settings.sentinelPassword !== undefined ? { password: settings.sentinelPassword } : {}),
        ...(settings.sentinelTls && tls ? { tls } : {}),
        connectionName: 'switchboard-sentinel-watch',
        lazyConnect: true,
        maxRetriesPerRequest: null,
        retryStrategy: (times) => Math.min(times * 100, RECONNECT_MAX_MS),
      });
      // A Sentinel that is down is one of several; ioredis reconnects to it by itself, and the clients' own
      // failover detector still follows +switch-master.
      s.on('error', () => undefined);
      s.on('message', (channel: string, message: string) => {
        if (channel === PROMOTED) this.promoted(message);
        else if (channel === SWITCHED) this.switched(message);
      });
      return s;
    });
  }

  /**
   * For ioredis's natMap: the address the Sentinels gave for the primary, or the promoted replica's when that address
   * is a primary just demoted. Only the Sentinel leading a failover names the promoted replica before the failover
   * ends; a client that asks another one in between is told the old address, and a thawed old primary, which
   * still says it is a primary, would take it back.
   */
  readonly natMap = (key: string): Address | null => {
    const r = this.redirects.get(key);
    if (!r) return null;
    if (Date.now() < r.until) return { host: r.host, port: r.port };
    this.redirects.delete(key);
    return null;
  };

  /**
   * The clients to reconnect at a promotion, and the connections later duplicated from them (bullmq makes one per
   * worker for its blocking reads, from the connection it is given).
   */
  follow(clients: readonly Redis[]): void {
    for (const c of clients) this.followOne(c);
  }

  private followOne(c: Redis): void {
    this.clients.add(c);
    c.once('end', () => this.clients.delete(c));
    const duplicate = c.duplicate.bind(c);
    c.duplicate = (...args: Parameters<Redis['duplicate']>): Redis => {
      const d = duplicate(...args);
      this.followOne(d);
      return d;
    };
  }

  async start(): Promise<void> {
    await Promise.all(
      this.subscribers.map(async (s) => {
        await s.connect().catch(() => undefined);
        await s.subscribe(PROMOTED, SWITCHED).catch(() => undefined);
      }),
    );
  }

  /** `slave <name> <ip> <port> @ <master-name> <master-ip> <master-port>` */
  private promoted(message: string): void {
    const parts = message.split(' ');
    const at = parts.indexOf('@');
    if (at < 0 || parts[at + 1] !== this.settings.name) return;
    const promoted = { host: parts[2] ?? '', port: Number(parts[3]) };
    const was = `${parts[at + 2]}:${parts[at + 3]}`;
    // Every Sentinel may announce the same promotion.
    const known = this.redirects.get(was);
    if (known && known.host === promoted.host && known.port === promoted.port) return;
    this.redirects.set(was, { ...promoted, until: Date.now() + REDIRECT_MS });
    this.redirects.delete(`${promoted.host}:${promoted.port}`);
    this.promotions++;
    this.logger.warn({ promoted: `${promoted.host}:${promoted.port}`, was }, 'Sentinel promoted a replica: reconnecting to it now');
    // Destroyed, not ended: an ended socket to a frozen primary stays open until it thaws, and then delivers the
    // answers it gives to the commands that waited in it (a queue worker would take a job there that the promoted
    // primary hands out again). ioredis reconnects a destroyed connection by itself, through the Sentinels.
    for (const c of this.clients) c.stream?.destroy();
  }

  /**
   * `<master-name> <old-ip> <old-port> <new-ip> <new-port>`: every Sentinel names the new primary now. A connection
   * still on the old address (one made before the promotion was heard, or a Sentinel's message lost) is made again.
   */
  private switched(message: string): void {
    const [name, oldHost, oldPort, newHost, newPort] = message.split(' ');
    if (name !== this.settings.name) return;
    this.redirects.delete(`${oldHost}:${oldPort}`);
    for (const c of this.clients) if (c.stream?.remotePort === Number(oldPort) && c.stream.remoteAddress === oldHost) c.stream.destroy();
    this.logger.info({ primary: `${newHost}:${newPort}` }, 'Sentinel failover complete');
  }

  stop(): void {
    for (const s of this.subscribers) s.disconnect();
  }
}
