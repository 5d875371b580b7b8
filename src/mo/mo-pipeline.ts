/**
 * Incoming messages (MO) from the SMPP edge to the configured HTTP services, durably: a deliver_sm is answered only
 * once its message (or its part) is in Redis; parts of a concatenated message wait in Redis until the whole message
 * is there (or the reassembly timeout hands on what came); whole messages go into the MO queue, whose workers
 * forward them to their service with retries.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { Link } from '../domain/link.js';
import type { Service } from '../domain/service.js';
import type { InboundAnswer } from '../smpp/bind.js';
import type { InboundSm } from '../smpp/inbound.js';
import { NO_LISTS, type LoadedLists } from '../domain/number-lists.js';
import { listRefusal } from '../routing/number-list.js';
import { unifyNumber } from '../routing/unified-prefix.js';
import { assembleMo, moPartFrom, needsReassembly } from './assemble-mo.js';
import type { OutboundGuard } from '../http-client/outbound-guard.js';
import { MoForwarder, type HttpSend, type MoForwarderOptions } from './mo-forwarder.js';
import type { ReplySink } from './reply-sender.js';
import type { MoRerouter } from './reroute.js';
import { MoKeys } from '../redis/keys.js';
import { MoQueue, type MoQueueCounters } from './mo-queue.js';
import { MoReassemblyStore, type ReadyGroup } from './mo-reassembly-store.js';
import { Deadlines } from '../redis/deadlines.js';
import { FaultLog } from '../redis/fault-log.js';

export interface MoPipelineDeps {
  /** Reassembly scripts; maxRetriesPerRequest null, so a Redis outage is waited out by the sweeper and workers. */
  readonly redis: Redis;
  /** For the bullmq Queue and Worker. */
  readonly connection: Redis;
  /** Redis key prefix and bullmq prefix. */
  readonly prefix: string;
  readonly services: readonly Service[];
  readonly reassemblyTimeoutMs: number;
  readonly callbacks: Config['callbacks'];
  readonly logger: Logger;
  /**
   * Longest a deliver_sm waits for Redis before it is answered ESME_RX_T_APPN (default 5000 ms): under the
   * response timeout of SMSCs, so the SMSC hears "later" rather than nothing. The write may still land afterwards,
   * and the SMSC's resend then makes a duplicate: at least once, never lost.
   */
  readonly answerTimeoutMs?: number;
  /** How often the sweeper looks for expired groups (default: a quarter of the reassembly timeout, 50 ms–1 s). */
  readonly sweepIntervalMs?: number;
  /** A group out of reassembly but not confirmed queued for this long is queued by the sweeper (default 30 s). */
  readonly staleReadyMs?: number;
  /** Where service URLs may go (callbacks.deny-networks, deny-hosts). */
  readonly outbound: OutboundGuard;
  /** For tests; httpCall by default. */
  readonly send?: HttpSend;
  /** Where services' answers go (the accept path); without it they are read and dropped. */
  readonly replies?: ReplySink;
  /** Sends MO from links with reroute keys straight out as MT; without it none is rerouted. */
  readonly reroute?: Pick<MoRerouter, 'reroute'>;
  /** Queues deliver_sm for services whose target is an SMPP account. */
  readonly smpp?: MoForwarderOptions['smpp'];
}

export interface MoPipelineCounters {
  /** deliver_sm/data_sm handed to handle(). */
  received: number;
  /** Parts of concatenated messages stored for reassembly (including the one that completes a group). */
  partsStored: number;
  /** Parts already held or already handed on (the SMSC resent them): answered OK and dropped. */
  duplicateParts: number;
  /** Groups handed on with parts missing after the reassembly timeout. */
  handedOnIncomplete: number;
  /** Answered ESME_RX_T_APPN because Redis could not take the message. */
  retryLater: number;
  /** Answered ESME_RX_R_APPN: the gateway's sender or receiver lists refuse it. */
  rejected: number;
}

/** How many groups one sweeper call takes at most; more are taken in the next call of the same sweep. */
const SWEEP_BATCH = 50;

export class MoPipeline {
  readonly counters: MoPipelineCounters = {
    received: 0,
    partsStored: 0,
    duplicateParts: 0,
    handedOnIncomplete: 0,
    retryLater: 0,
    rejected: 0,
  };
  private unifiedPrefix: string | undefined;
  private lists: LoadedLists = NO_LISTS;
  private readonly keys: MoKeys;
  private readonly reassembly: MoReassemblyStore;
  private readonly queue: MoQueue;
  private readonly log: Logger;
  private readonly answerTimeoutMs: number;
  private readonly sweepIntervalMs: number;
  private readonly staleReadyMs: number;
  private readonly inFlight = new Set<Promise<unknown>>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private sweepFailing = false;
  private readonly deadlines: Deadlines;
  /** Redis faults while taking MO: logged once when they start and once when they end. */
  private readonly faults: FaultLog;
  private stopped = false;
  private readonly forwarder: MoForwarder;

  constructor(private readonly deps: MoPipelineDeps) {
    this.log = deps.logger.child({ component: 'mo' });
    this.keys = new MoKeys(deps.prefix);
    // Digests of handed-on parts live as long as a group may: a part resent later than that starts a new message.
    this.reassembly = new MoReassemblyStore(deps.redis, this.keys, deps.reassemblyTimeoutMs);
    const forwarder = (this.forwarder = new MoForwarder({
      services: deps.services,
      timeoutMs: deps.callbacks.timeoutMs,
      guard: deps.outbound,
      ...(deps.send !== undefined ? { send: deps.send } : {}),
      ...(deps.smpp !== undefined ? { smpp: deps.smpp } : {}),
    }));
    this.queue = new MoQueue(
      {
        connection: deps.connection,
        prefix: deps.prefix,
        callbacks: deps.callbacks,
        logger: this.log,
        ...(deps.replies !== undefined ? { replies: deps.replies } : {}),
        ...(deps.reroute !== undefined ? { reroute: deps.reroute } : {}),
      },
      forwarder,
    );
    this.answerTimeoutMs = deps.answerTimeoutMs ?? 5000;
    this.deadlines = new Deadlines(this.answerTimeoutMs);
    this.faults = new FaultLog(this.log, { activity: 'MO', meanwhile: 'is answered ESME_RX_T_APPN (the SMSC sends it again)' });
    this.sweepIntervalMs = deps.sweepIntervalMs ?? Math.min(1000, Math.max(50, Math.floor(deps.reassemblyTimeoutMs / 4)));
    this.staleReadyMs = deps.staleReadyMs ?? 30_000;
  }

  /** A reload's services, at once. */
  setServices(services: readonly Service[]): void {
    this.forwarder.setServices(services);
  }

  /** The pipeline's counters and its queue's, for status output. */
  stats(): MoPipelineCounters & MoQueueCounters {
    return { ...this.counters, ...this.queue.counters };
  }

  /** A reload's number handling (the gateway's unified-prefix) and a load's lists, at once. */
  setNumbers(unifiedPrefix: string | undefined, lists: LoadedLists): void {
    this.unifiedPrefix = unifiedPrefix;
    this.lists = lists;
  }

  async handle(received: InboundSm, link: Link): Promise<InboundAnswer> {
    this.counters.received++;
    // Kannel's bb_smscconn_receive: the sender unified by the link's unified-prefix, then the gateway's; then the
    // gateway's sender and receiver lists, whose refusal the SMSC hears as ESME_RX_R_APPN.
    const sender = unifyNumber(this.unifiedPrefix, unifyNumber(link.routing.unifiedPrefix, received.sourceAddr));
    const sm = sender === received.sourceAddr ? received : { ...received, sourceAddr: sender };
    const refused = listRefusal(this.lists.senders, sm.sourceAddr) ?? listRefusal(this.lists.receivers, sm.destAddr);
    if (refused !== undefined) {
      this.counters.rejected++;
      this.log.info(
        { link: link.id, from: sm.sourceAddr, to: sm.destAddr, list: refused },
        'MO refused by the number lists (ESME_RX_R_APPN)',
      );
      return 'reject';
    }
    if (this.stopped) return this.retryLater('shutting down', sm, link);
    // With maxRetriesPerRequest null a command would wait for Redis to come back; the SMSC should hear "later" now.
    if (this.deps.redis.status !== 'ready' || this.deps.connection.status !== 'ready') {
      this.faults.refused('unreachable');
      return this.retryLater('Redis not connected', sm, link);
    }
    const work = this.accept(sm, link);
    this.track(work);
    try {
      const outcome = await this.deadlines.race(work);
      if (outcome === 'timeout') {
        // The write goes on; if it lands, the SMSC's resend is a duplicate the reassembly or the service sees twice.
        work.catch((e: unknown) => this.faults.failed(e));
        this.faults.refused('timeout');
        return this.retryLater(`Redis did not answer within ${this.answerTimeoutMs} ms`, sm, link);
      }
      this.faults.succeeded();
      return 'ok';
    } catch (e) {
      this.faults.failed(e);
      return this.retryLater('store failed', sm, link);
    }
  }

  private retryLater(reason: string, sm: InboundSm, link: Link): InboundAnswer {
    this.counters.retryLater++;
    this.log.debug({ reason, link: link.id, from: sm.sourceAddr, to: sm.destAddr }, 'MO answered ESME_RX_T_APPN');
    return 'retry-later';
  }

  private track(p: Promise<unknown>): void {
    this.inFlight.add(p);
    const forget = (): void => {
      this.inFlight.delete(p);
    };
    p.then(forget, forget);
  }

  /** Resolves once the message or part is durably in Redis. */
  private async accept(sm: InboundSm, link: Link): Promise<'stored'> {
    const nowMs = Date.now();
    const part = moPartFrom(sm, link, nowMs);
    if (!needsReassembly(part)) {
      await this.queue.add(assembleMo([part], randomUUID()));
      return 'stored';
    }
    const outcome = await this.reassembly.addPart(part, randomUUID(), nowMs);
    switch (outcome.kind) {
      case 'stored':
        this.counters.partsStored++;
        return 'stored';
      case 'duplicate':
        this.counters.duplicateParts++;
        this.log.debug({ link: link.id, from: part.from, to: part.to, concat: part.concat }, 'duplicate MO part dropped');
        return 'stored';
      case 'complete':
        this.counters.partsStored++;
        try {
          await this.queueReady({ moId: outcome.moId, parts: outcome.parts, missing: [] });
        } catch (e) {
          // The group is held under its ready key, so the sweeper queues it later: the part itself is safe.
          this.log.error(
            { err: e, mo: outcome.moId, from: part.from, to: part.to },
            'reassembled MO not queued yet; the sweeper will queue it',
          );
        }
        return 'stored';
    }
  }

  private async queueReady(group: ReadyGroup): Promise<void> {
    await this.queue.add(assembleMo(group.parts, group.moId, group.missing));
    await this.reassembly.finish(group.moId);
  }

  async start(): Promise<void> {
    if (this.sweepTimer !== undefined || this.stopped) return;
    await this.queue.start();
    this.sweepTimer = setInterval(() => void this.sweep(), this.sweepIntervalMs);
    this.sweepTimer.unref();
    void this.sweep();
    this.log.info(
      { services: this.deps.services.map((s) => s.name), reassemblyTimeoutMs: this.deps.reassemblyTimeoutMs },
      'MO pipeline started',
    );
  }

  /** Runs one sweep unless one is running; resolves when it is done. Errors are logged, once per outage. */
  sweep(): Promise<void> {
    this.sweeping ??= this.sweepOnce()
      .then(
        () => {
          if (this.sweepFailing) this.log.info('MO sweeper working again');
          this.sweepFailing = false;
        },
        (e: unknown) => {
          if (!this.sweepFailing) this.log.error({ err: e }, 'MO sweeper failed; retrying every interval');
          this.sweepFailing = true;
        },
      )
      .finally(() => {
        this.sweeping = undefined;
      });
    return this.sweeping;
  }

  private async sweepOnce(): Promise<void> {
    const nowMs = Date.now();
    const cutoff = nowMs - this.deps.reassemblyTimeoutMs;
    for (;;) {
      if (this.stopped) return;
      const ids = Array.from({ length: SWEEP_BATCH }, () => randomUUID());
      const taken = await this.reassembly.takeExpired(cutoff, nowMs, ids);
      for (const group of taken) {
        this.counters.handedOnIncomplete++;
        const first = group.parts[0];
        this.log.info(
          { mo: group.moId, from: first?.from, to: first?.to, parts: first?.concat?.total, missing: group.missing },
          'MO reassembly timed out; handing on the parts that came',
        );
        await this.queueReady(group);
      }
      if (taken.length < ids.length) break;
    }
    const stale = await this.reassembly.staleReady(nowMs - this.staleReadyMs, SWEEP_BATCH);
    for (const { moId, error } of stale.corrupt) {
      const key = await this.reassembly.quarantine(moId);
      this.log.error({ mo: moId, err: error, key }, 'MO parts in Redis cannot be read; set aside, not forwarded');
    }
    for (const group of stale.ready) {
      if (this.stopped) return;
      this.log.warn({ mo: group.moId, missing: group.missing }, 'queuing an MO whose taker did not (crashed or lost Redis)');
      await this.queueReady(group);
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.sweepTimer);
    if (this.sweeping) await this.sweeping;
    // Stores still running were answered already (or will be); give them as long as an answer may take.
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => setTimeout(r, this.answerTimeoutMs).unref())]);
    await this.queue.close();
    this.log.info(this.stats(), 'MO pipeline stopped');
  }
}
