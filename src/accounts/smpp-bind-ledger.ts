/**
 * The SMPP server's bind accounting across every gateway process sharing the Redis: an account's smpp-max-binds
 * holds whichever process its sessions are on, and every process sees every bound session (status, metrics, the
 * admin API). Each session's claim expires unless its process renews it, so a crashed process's sessions stop
 * counting after `ttlMs` without anyone cleaning up.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisKeys } from '../redis/keys.js';
import { LuaScript } from '../redis/lua-script.js';
import type { BindKind } from '../smpp/client-session.js';

export const CLAIM_SMPP_BIND = LuaScript.load('claim-smpp-bind');

/** A bound client session as every process sees it. */
export interface SessionView {
  readonly id: string;
  readonly account: string;
  readonly kind: BindKind;
  readonly remote: string;
  readonly node: string;
  readonly tls: boolean;
  readonly boundAt: number;
  /** deliver_sm waiting for their response now, and the most there may be. */
  readonly outstanding: number;
  readonly window: number;
  readonly submits: number;
  readonly delivers: number;
  readonly deliverFailures: number;
}

interface Published extends SessionView {
  readonly expiresAt: number;
}

export interface BindLedgerOptions {
  readonly ttlMs: number;
  readonly renewMs: number;
}

export class BindLedger {
  private timer: NodeJS.Timeout | undefined;
  private renewFailing = false;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly opts: BindLedgerOptions,
    private readonly logger: Logger,
  ) {}

  /** Counts the session against the account's cap (undefined: none); false when the account holds its cap already. */
  async claim(account: string, sessionId: string, cap: number | undefined): Promise<boolean> {
    const now = Date.now();
    const r = await CLAIM_SMPP_BIND.run(this.redis, [this.keys.smppBinds(account)], [now, sessionId, now + this.opts.ttlMs, cap ?? -1]);
    return Number(r) === 1;
  }

  /** The session ended: it no longer counts, and is no longer shown. */
  async release(account: string, sessionId: string): Promise<void> {
    await Promise.all([this.redis.zrem(this.keys.smppBinds(account), sessionId), this.redis.hdel(this.keys.smppSessions, sessionId)]);
  }

  /** Renews (and publishes) this process's sessions every renewMs until stop(). */
  start(local: () => readonly SessionView[]): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.renew(local()), this.opts.renewMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Publishes the sessions now (and renews their claims); a bind calls it so status shows it at once. */
  async renew(sessions: readonly SessionView[]): Promise<void> {
    if (sessions.length === 0) return;
    const expiresAt = Date.now() + this.opts.ttlMs;
    const p = this.redis.pipeline();
    for (const s of sessions) {
      const key = this.keys.smppBinds(s.account);
      p.zadd(key, 'XX', expiresAt, s.id);
      p.pexpireat(key, expiresAt);
      p.hset(this.keys.smppSessions, s.id, JSON.stringify({ ...s, expiresAt } satisfies Published));
    }
    try {
      await p.exec();
      if (this.renewFailing) this.logger.info('SMPP session claims renewed again');
      this.renewFailing = false;
    } catch (err) {
      if (!this.renewFailing) this.logger.warn({ err }, 'cannot renew SMPP session claims; they expire if this goes on');
      this.renewFailing = true;
    }
  }

  /** Every process's bound sessions, oldest bind first; expired ones (a crashed process's) are dropped. */
  async sessions(): Promise<SessionView[]> {
    const all = await this.redis.hgetall(this.keys.smppSessions);
    const now = Date.now();
    const live: SessionView[] = [];
    const dead: string[] = [];
    for (const [id, json] of Object.entries(all)) {
      let v: Published | undefined;
      try {
        v = JSON.parse(json) as Published;
      } catch {
        v = undefined;
      }
      if (!v || v.expiresAt < now) dead.push(id);
      else {
        const { expiresAt: _expires, ...view } = v;
        live.push(view);
      }
    }
    if (dead.length > 0) await this.redis.hdel(this.keys.smppSessions, ...dead);
    return live.sort((a, b) => a.boundAt - b.boundAt);
  }
}
