/**
 * The routes that have queues, shared through Redis: a producer registers a route the first time it queues a
 * message for it, and every gateway process learns about it (at start, by pub/sub, and by a periodic re-read as a
 * safety net) so its links start draining that queue. A route stays listed after a config change, so messages
 * already queued for it are never stranded.
 */
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { EventBus } from '../redis/event-bus.js';
import { makeRoute, type Route } from '../routing/compute-route.js';
import type { RedisKeys } from '../redis/keys.js';

export interface RouteDirectoryEvents {
  added: [route: Route];
}

function parseRoute(key: string, json: string): Route | undefined {
  try {
    const v = JSON.parse(json) as { preferred?: unknown; fallback?: unknown };
    if (!Array.isArray(v.preferred) || !Array.isArray(v.fallback)) return undefined;
    const route = makeRoute(v.preferred.map(String), v.fallback.map(String));
    return route.key === key ? route : undefined;
  } catch {
    return undefined;
  }
}

export class RouteDirectory extends EventEmitter<RouteDirectoryEvents> {
  private readonly known = new Map<string, Route>();
  private refreshTimer: NodeJS.Timeout | undefined;

  /**
   * `redis` waits through outages (background refresh); `failFast` is the HTTP side's client, so registering a
   * route while Redis is down fails the request at once instead of hanging it.
   */
  constructor(
    private readonly redis: Redis,
    private readonly failFast: Redis,
    private readonly bus: EventBus,
    private readonly keys: RedisKeys,
    private readonly logger: Logger,
  ) {
    super();
  }

  routes(): Route[] {
    return [...this.known.values()];
  }

  get(key: string): Route | undefined {
    return this.known.get(key);
  }

  async start(refreshMs = 5000): Promise<void> {
    this.bus.on('route', (key) => {
      if (!this.known.has(key)) void this.refresh();
    });
    await this.bus.start();
    await this.refresh();
    this.refreshTimer = setInterval(() => void this.refresh(), refreshMs);
    this.refreshTimer.unref();
  }

  stop(): void {
    clearInterval(this.refreshTimer);
  }

  private learn(route: Route): void {
    if (this.known.has(route.key)) return;
    this.known.set(route.key, route);
    this.emit('added', route);
  }

  async refresh(): Promise<void> {
    try {
      const all = await this.redis.hgetall(this.keys.routes);
      for (const [key, json] of Object.entries(all)) {
        const route = parseRoute(key, json);
        if (route) this.learn(route);
        else this.logger.warn({ route: key }, 'unreadable route definition in Redis; ignored');
      }
    } catch (e) {
      this.logger.warn({ err: e }, 'cannot read the route directory; will retry');
    }
  }

  /** Makes the route known everywhere before its first message is queued. */
  async register(route: Route): Promise<void> {
    if (this.known.has(route.key)) return;
    await this.failFast.hsetnx(this.keys.routes, route.key, JSON.stringify({ preferred: route.preferred, fallback: route.fallback }));
    await this.bus.publish('route', route.key, this.failFast);
    this.learn(route);
  }
}
