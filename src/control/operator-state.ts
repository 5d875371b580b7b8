/**
 * What operators decided, shared by every gateway process through Redis: a link stopped, draining or removed, the
 * gateway suspended or isolated, the log level. One hash holds it (so a process that starts later, or one that
 * missed an event, reads the same), and a bus event tells every process to read it again at once. A process applies
 * what concerns it: its binds and queue workers for a link, its HTTP port for a suspended gateway, its loggers.
 */
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { LinkAdminState } from '../domain/admin-views.js';
import type { RedisKeys } from '../redis/keys.js';
import type { EventBus } from '../redis/event-bus.js';

export type GatewayState = 'running' | 'suspended' | 'isolated';
/** A link's state as stored: LinkAdminState, plus 'removed' (Kannel's remove-smsc: stopped and out of the list). */
export type StoredLinkState = LinkAdminState | 'removed';
export type LogLevelName = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

const GATEWAY = 'gateway';
const LOG_LEVEL = 'log-level';
const LINK = 'link:';
/** A link whose dead-start was applied once: it is not stopped again at the next start (an operator may have started it). */
const DEAD_START = 'dead-start:';

export interface OperatorStateEvents {
  /** Something changed: read linkState, gatewayState and logLevel again. */
  change: [];
}

export class OperatorState extends EventEmitter<OperatorStateEvents> {
  private links = new Map<string, StoredLinkState>();
  private gateway: GatewayState = 'running';
  private level: LogLevelName | undefined;
  private timer: NodeJS.Timeout | undefined;
  private last = '';

  constructor(
    private readonly redis: Redis,
    private readonly bus: EventBus,
    private readonly keys: RedisKeys,
    private readonly logger: Logger,
  ) {
    super();
  }

  async start(refreshMs = 2000): Promise<void> {
    this.bus.on('control', () => void this.refresh());
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), refreshMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  linkState(id: string): StoredLinkState {
    return this.links.get(id) ?? 'running';
  }

  /** Whether a link may take messages (not stopped, draining or removed). */
  linkInService(id: string): boolean {
    return this.linkState(id) === 'running';
  }

  /** Whether a link keeps its binds: running, or draining (which only stops it taking messages). */
  linkBound(id: string): boolean {
    const s = this.linkState(id);
    return s === 'running' || s === 'draining';
  }

  gatewayState(): GatewayState {
    return this.gateway;
  }

  logLevel(): LogLevelName | undefined {
    return this.level;
  }

  async setLinkState(id: string, state: StoredLinkState): Promise<void> {
    if (state === 'running') await this.redis.hdel(this.keys.control, `${LINK}${id}`);
    else await this.redis.hset(this.keys.control, `${LINK}${id}`, state);
    await this.announce();
  }

  /**
   * Kannel's dead-start: each of these links starts stopped the first time the gateway (any process on this Redis)
   * sees it; start-smsc starts it. Applied once per link id, so a process that starts later, or a restart, does not
   * stop a link an operator has started since. Returns the links stopped now.
   */
  async applyDeadStart(linkIds: readonly string[]): Promise<string[]> {
    const stopped: string[] = [];
    for (const id of linkIds) {
      const first = await this.redis.hsetnx(this.keys.control, `${DEAD_START}${id}`, String(Date.now()));
      if (first === 1) {
        await this.redis.hsetnx(this.keys.control, `${LINK}${id}`, 'stopped');
        stopped.push(id);
      }
    }
    if (stopped.length > 0) await this.announce();
    return stopped;
  }

  async setGatewayState(state: GatewayState): Promise<void> {
    if (state === 'running') await this.redis.hdel(this.keys.control, GATEWAY);
    else await this.redis.hset(this.keys.control, GATEWAY, state);
    await this.announce();
  }

  async setLogLevel(level: LogLevelName): Promise<void> {
    await this.redis.hset(this.keys.control, LOG_LEVEL, level);
    await this.announce();
  }

  private async announce(): Promise<void> {
    await this.refresh();
    await this.bus.publish('control', 'changed');
  }

  async refresh(): Promise<void> {
    let all: Record<string, string>;
    try {
      all = await this.redis.hgetall(this.keys.control);
    } catch (e) {
      this.logger.debug({ err: e }, 'cannot read the operator state (Redis unavailable?)');
      return;
    }
    const links = new Map<string, StoredLinkState>();
    for (const [k, v] of Object.entries(all)) {
      if (k.startsWith(LINK) && (v === 'stopped' || v === 'draining' || v === 'removed')) links.set(k.slice(LINK.length), v);
    }
    const gw = all[GATEWAY];
    const lvl = all[LOG_LEVEL];
    this.links = links;
    this.gateway = gw === 'suspended' || gw === 'isolated' ? gw : 'running';
    this.level =
      lvl === 'fatal' || lvl === 'error' || lvl === 'warn' || lvl === 'info' || lvl === 'debug' || lvl === 'trace' ? lvl : undefined;
    const now = JSON.stringify([[...links].sort(), this.gateway, this.level]);
    if (now !== this.last) {
      this.last = now;
      this.emit('change');
    }
  }
}
