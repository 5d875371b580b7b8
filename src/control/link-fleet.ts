/**
 * The links this process runs, and how a reload changes them while the rest keep running: an added link gets its
 * runtime and queue drain and binds when its lease is free; a removed one stops taking jobs, lets its windows
 * drain, unbinds and hands its leases back; a changed one does both, in that order, under the same bind names.
 * Links a reload leaves alone are not touched at all, so their SMSCs see no rebind.
 */
import type { Logger } from 'pino';
import type { Link } from '../domain/link.js';
import type { BindLeases } from '../links/bind-leases.js';
import type { ClusterLinkState } from '../links/cluster-link-state.js';
import type { LinkDrain } from '../links/link-drain.js';
import type { LinkRuntime } from '../links/link-runtime.js';

export interface LinkFleetDeps {
  /** Shared with the cluster view and the leases, which read it live. */
  readonly runtimes: Map<string, LinkRuntime>;
  readonly cluster: ClusterLinkState;
  readonly leases: BindLeases;
  readonly createRuntime: (link: Link) => LinkRuntime;
  readonly createDrain: (runtime: LinkRuntime) => LinkDrain<LinkRuntime>;
  /** How long a removed link's windows may take to drain before it unbinds. */
  readonly drainMs: number;
  readonly logger: Logger;
}

export class LinkFleet {
  private readonly drainsById = new Map<string, LinkDrain<LinkRuntime>>();
  private started = false;

  constructor(
    private readonly deps: LinkFleetDeps,
    links: readonly Link[],
  ) {
    for (const link of links) this.build(link);
  }

  private build(link: Link): LinkDrain<LinkRuntime> {
    const runtime = this.deps.createRuntime(link);
    const drain = this.deps.createDrain(runtime);
    this.deps.runtimes.set(link.id, runtime);
    this.drainsById.set(link.id, drain);
    return drain;
  }

  drains(): LinkDrain<LinkRuntime>[] {
    return [...this.drainsById.values()];
  }

  /** Starts the drains of the links built so far; the cluster view and the leases start on their own. */
  start(): void {
    this.started = true;
    for (const d of this.drainsById.values()) d.start();
  }

  /** A link a reload added (or the new settings of a changed one): it binds at the leases' next turn. */
  async add(link: Link): Promise<void> {
    if (this.drainsById.has(link.id)) throw new Error(`link ${link.id} is already running; remove it first`);
    const drain = this.build(link);
    if (!this.started) return;
    this.deps.cluster.watch(drain.runtime);
    drain.start();
    await this.deps.leases.tick();
  }

  /** Takes nothing new, lets the windows drain (bounded), unbinds, gives the leases back. */
  async remove(id: string): Promise<void> {
    const drain = this.drainsById.get(id);
    const runtime = this.deps.runtimes.get(id);
    if (!drain || !runtime) return;
    this.drainsById.delete(id);
    // Out of the map first: from now on no lease tick renews or takes this link's binds.
    this.deps.runtimes.delete(id);
    await drain.pauseAll();
    await this.deps.leases.surrender(runtime, this.deps.drainMs);
    await runtime.stop(0);
    await drain.close();
    this.deps.logger.info({ link: id }, 'link removed: its binds are closed and its leases given back');
  }

  /** Applies a reload's link changes: removals (and the old side of changes) first, so bind names are free again. */
  async apply(change: {
    readonly added: readonly Link[];
    readonly removed: readonly Link[];
    readonly changed: readonly Link[];
  }): Promise<void> {
    await Promise.all([...change.removed, ...change.changed].map((l) => this.remove(l.id)));
    for (const l of [...change.changed, ...change.added]) await this.add(l);
  }
}
