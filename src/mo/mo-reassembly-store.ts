/**
 * Parts of concatenated MO messages, kept in Redis until the whole message is there. Parts of one message may come
 * over different binds or different gateway processes, out of order and more than once, so adding a part and
 * noticing the group is complete happen in one Lua script: the part that completes a group gets all of them, and
 * no other caller can.
 *
 * A group leaves reassembly by being renamed to a "ready" hash (indexed by time) rather than deleted, in the same
 * script; the caller deletes it once the message is in the MO queue. A process that dies in between leaves the
 * ready hash behind, and any process's sweeper queues it later (`staleReady`), so a part answered 'ok' is never
 * lost. After a group is handed on, the digests of its parts are kept for the reassembly timeout, so the SMSC
 * resending a part whose response it missed does not open a new group that would later go out as a fragment.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { MoReassemblyError } from './mo-errors.js';
import type { MoKeys } from '../redis/keys.js';
import { LuaScript } from '../redis/lua-script.js';
import type { MoPart } from './mo-message.js';

/** A part's digest is SHA-1 in hex: a stored part is the digest, a space, and the part as JSON. */
const DIGEST_LENGTH = 40;

/** What the add-part script answers, as AddPartOutcome names it. */
const ADD_PART_REPLY: { readonly [K in AddPartOutcome['kind']]: K } = { stored: 'stored', duplicate: 'duplicate', complete: 'complete' };

/** Adds a part, handing the group on when it is whole (exported for its test). */
export const ADD_PART = LuaScript.load('mo-add-part', { REPLY: ADD_PART_REPLY, DIGEST_LENGTH });

/** Takes groups the reassembly timeout hands on incomplete (exported for its test). */
export const TAKE_EXPIRED = LuaScript.load('mo-take-expired', { DIGEST_LENGTH });

export type AddPartOutcome =
  | { readonly kind: 'stored' }
  | { readonly kind: 'duplicate' }
  /** This part completed the group: all parts in seq order, now held under ready(moId). */
  | { readonly kind: 'complete'; readonly moId: string; readonly parts: readonly MoPart[] };

/** A group out of reassembly, waiting to be queued: complete, or taken by the sweeper with parts missing. */
export interface ReadyGroup {
  readonly moId: string;
  /** In seq order. */
  readonly parts: readonly MoPart[];
  readonly missing: readonly number[];
}

export interface CorruptReady {
  readonly moId: string;
  readonly error: MoReassemblyError;
}

/** What identifies a part's content: a resent part has the same octets, a new message reusing the reference does not. */
export function partDigest(part: MoPart): string {
  return createHash('sha1')
    .update(`${part.dataCoding}|${part.udhHex ?? ''}|${part.bodyHex}`)
    .digest('hex');
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function isMoPart(value: unknown): value is MoPart {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['from'] === 'string' &&
    typeof v['to'] === 'string' &&
    typeof v['smscId'] === 'string' &&
    typeof v['bodyHex'] === 'string' &&
    typeof v['receivedAtMs'] === 'number' &&
    typeof v['dataCoding'] === 'number'
  );
}

function seqOf(part: MoPart): number {
  return part.concat?.seq ?? 1;
}

/** A part as a group keeps it: its digest first (what the scripts keep once the group is handed on), then the part. */
export function storedPart(part: MoPart, digest: string): string {
  return `${digest} ${JSON.stringify(part)}`;
}

/** HGETALL's flat [seq, stored part, ...] into parts in seq order. */
function parseParts(flat: readonly string[], key: string): MoPart[] {
  const parts: MoPart[] = [];
  for (let i = 1; i < flat.length; i += 2) {
    const stored = flat[i] ?? '';
    let parsed: unknown;
    try {
      parsed = JSON.parse(stored.slice(DIGEST_LENGTH + 1));
    } catch (e) {
      throw new MoReassemblyError(`stored part ${flat[i - 1] ?? '?'} is not JSON`, key, { cause: e });
    }
    if (!isMoPart(parsed)) throw new MoReassemblyError(`stored part ${flat[i - 1] ?? '?'} is not an MO part`, key);
    parts.push(parsed);
  }
  return parts.sort((a, b) => seqOf(a) - seqOf(b));
}

/** Part numbers of 1..total not among the parts. */
export function missingSeqs(parts: readonly MoPart[]): number[] {
  const total = parts[0]?.concat?.total ?? 1;
  const held = new Set(parts.map(seqOf));
  const missing: number[] = [];
  for (let seq = 1; seq <= total; seq++) if (!held.has(seq)) missing.push(seq);
  return missing;
}

export class MoReassemblyStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: MoKeys,
    /** How long digests of handed-on parts are kept to recognise resent parts. */
    private readonly doneTtlMs: number,
  ) {}

  /** `moId` names the message should this part complete its group. The part must carry `concat`. */
  async addPart(part: MoPart, moId: string, nowMs: number): Promise<AddPartOutcome> {
    const concat = part.concat;
    if (concat === undefined) throw new RangeError('addPart needs a part of a concatenated message');
    const groupId = this.keys.groupId({ from: part.from, to: part.to, refBits: concat.refBits, ref: concat.ref, total: concat.total });
    const groupKey = this.keys.group(groupId);
    const digest = partDigest(part);
    const result = await ADD_PART.run(
      this.redis,
      [groupKey, this.keys.groups, this.keys.done(groupId), this.keys.ready(moId), this.keys.readyIndex],
      [concat.seq, digest, storedPart(part, digest), concat.total, nowMs, this.doneTtlMs, moId],
    );
    if (!Array.isArray(result)) throw new MoReassemblyError('unexpected answer from the add-part script', groupKey);
    const [kind, all] = result as unknown[];
    if (kind === ADD_PART_REPLY.stored || kind === ADD_PART_REPLY.duplicate) return { kind };
    if (kind === ADD_PART_REPLY.complete && isStringArray(all)) return { kind, moId, parts: parseParts(all, groupKey) };
    throw new MoReassemblyError('unexpected answer from the add-part script', groupKey);
  }

  /**
   * Takes groups whose first part arrived at or before `cutoffMs` out of reassembly, at most one per id given (each
   * taken group is held under ready(id) until `finish`). Atomic, so two sweepers never take the same group.
   */
  async takeExpired(cutoffMs: number, nowMs: number, moIds: readonly string[]): Promise<ReadyGroup[]> {
    if (moIds.length === 0) return [];
    const k = this.keys;
    const result = await TAKE_EXPIRED.run(
      this.redis,
      [k.groups, k.readyIndex],
      [cutoffMs, nowMs, this.doneTtlMs, k.groupPrefix, k.donePrefix, k.readyPrefix, ...moIds],
    );
    if (!Array.isArray(result)) throw new MoReassemblyError('unexpected answer from the take-expired script', k.groups);
    return result.map((entry: unknown) => {
      if (!Array.isArray(entry)) throw new MoReassemblyError('unexpected answer from the take-expired script', k.groups);
      const [moId, group, all] = entry as unknown[];
      if (typeof moId !== 'string' || typeof group !== 'string' || !isStringArray(all)) {
        throw new MoReassemblyError('unexpected answer from the take-expired script', k.groups);
      }
      const parts = parseParts(all, group);
      return { moId, parts, missing: missingSeqs(parts) };
    });
  }

  /**
   * Ready groups taken before `cutoffMs` and still not confirmed queued: their taker died or lost Redis. A group
   * whose stored parts do not parse comes back under `corrupt`, so one bad entry cannot stop the others.
   */
  async staleReady(cutoffMs: number, limit: number): Promise<{ ready: ReadyGroup[]; corrupt: CorruptReady[] }> {
    const ids = await this.redis.zrangebyscore(this.keys.readyIndex, '-inf', cutoffMs, 'LIMIT', 0, limit);
    const ready: ReadyGroup[] = [];
    const corrupt: CorruptReady[] = [];
    for (const moId of ids) {
      const key = this.keys.ready(moId);
      const hash = await this.redis.hgetall(key);
      const flat = Object.entries(hash).flat();
      if (flat.length === 0) {
        // Finished between the two reads (by its taker, or another sweeper); only the index entry may be left.
        await this.redis.zrem(this.keys.readyIndex, moId);
        continue;
      }
      try {
        const parts = parseParts(flat, key);
        ready.push({ moId, parts, missing: missingSeqs(parts) });
      } catch (e) {
        if (!(e instanceof MoReassemblyError)) throw e;
        corrupt.push({ moId, error: e });
      }
    }
    return { ready, corrupt };
  }

  /** Takes a ready group that cannot be read out of the index, keeping its parts under corrupt(moId) for a person. */
  async quarantine(moId: string): Promise<string> {
    const target = this.keys.corrupt(moId);
    const results = await this.redis.multi().rename(this.keys.ready(moId), target).zrem(this.keys.readyIndex, moId).exec();
    const failed = results?.find(([err]) => err !== null)?.[0];
    if (failed) throw new MoReassemblyError('cannot set a corrupt group aside', this.keys.ready(moId), { cause: failed });
    return target;
  }

  /** The message of a ready group is in the MO queue: forget the group. */
  async finish(moId: string): Promise<void> {
    const results = await this.redis.multi().del(this.keys.ready(moId)).zrem(this.keys.readyIndex, moId).exec();
    const failed = results?.find(([err]) => err !== null)?.[0];
    if (failed) throw new MoReassemblyError('cannot forget a queued group', this.keys.ready(moId), { cause: failed });
  }
}
