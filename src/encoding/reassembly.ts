import type { ConcatRefBits } from './udh.js';

/**
 * Joining the parts of a concatenated MO message. Pure: the caller keeps the state (state in, state out), passes the
 * time in and decides where to keep it; nothing here holds a timer. Updates copy the group index, so a call costs
 * O(open groups), which stays small because the caller expires groups (Kannel waits 1800 s by default).
 */

/** One received part, as decodeShortMessage and the deliver_sm addresses describe it. */
export interface ReassemblyPart {
  readonly source: string;
  readonly destination: string;
  readonly ref: number;
  readonly total: number;
  readonly seq: number;
  readonly refBits: ConcatRefBits;
  readonly text: string;
  /** For binary parts: the body's octets. */
  readonly bytes?: Buffer;
}

export interface ReassemblyGroup {
  readonly source: string;
  readonly destination: string;
  readonly ref: number;
  readonly total: number;
  readonly refBits: ConcatRefBits;
  readonly firstSeenMs: number;
  /** Received parts in seq order, each seq once. */
  readonly parts: readonly ReassemblyPart[];
}

export interface ReassemblyState {
  readonly groups: ReadonlyMap<string, ReassemblyGroup>;
}

export const EMPTY_REASSEMBLY: ReassemblyState = { groups: new Map() };

export interface CompletedMessage {
  readonly source: string;
  readonly destination: string;
  readonly ref: number;
  readonly total: number;
  readonly refBits: ConcatRefBits;
  /** All parts in seq order. */
  readonly parts: readonly ReassemblyPart[];
  readonly text: string;
  /** The joined octets, when every part carried octets (binary). */
  readonly bytes?: Buffer;
}

export type AddPartOutcome =
  /** Kept, waiting for the rest. */
  | 'stored'
  /** This seq of the group was already here; the first copy is kept. */
  | 'duplicate'
  /** seq or total out of range (23.040 says such an element is ignored): hand the part on as a message of its own. */
  | 'invalid'
  | 'complete';

export interface AddPartResult {
  readonly state: ReassemblyState;
  readonly outcome: AddPartOutcome;
  readonly complete?: CompletedMessage;
}

export interface ExpiredGroup extends ReassemblyGroup {
  /** The seqs that never arrived. */
  readonly missing: readonly number[];
}

/** Parts belong together when sender, receiver, reference, total and reference size all match. */
function groupKey(part: ReassemblyPart): string {
  return JSON.stringify([part.source, part.destination, part.refBits, part.ref, part.total]);
}

function isValidPart(part: ReassemblyPart): boolean {
  return Number.isInteger(part.total) && Number.isInteger(part.seq) && part.total >= 1 && part.seq >= 1 && part.seq <= part.total;
}

function completeMessage(group: Omit<ReassemblyGroup, 'firstSeenMs'>): CompletedMessage {
  const { parts } = group;
  const text = parts.map((part) => part.text).join('');
  const chunks: Buffer[] = [];
  for (const part of parts) if (part.bytes !== undefined) chunks.push(part.bytes);
  return {
    source: group.source,
    destination: group.destination,
    ref: group.ref,
    total: group.total,
    refBits: group.refBits,
    parts,
    text,
    ...(chunks.length === parts.length ? { bytes: Buffer.concat(chunks) } : {}),
  };
}

export function addPart(state: ReassemblyState, part: ReassemblyPart, nowMs: number): AddPartResult {
  if (!isValidPart(part)) return { state, outcome: 'invalid' };
  const { source, destination, ref, total, refBits } = part;
  if (total === 1) {
    return { state, outcome: 'complete', complete: completeMessage({ source, destination, ref, total, refBits, parts: [part] }) };
  }

  const key = groupKey(part);
  const existing = state.groups.get(key);
  if (existing?.parts.some((held) => held.seq === part.seq)) return { state, outcome: 'duplicate' };

  const parts = [...(existing?.parts ?? []), part].sort((a, b) => a.seq - b.seq);
  const groups = new Map(state.groups);
  if (parts.length === total) {
    groups.delete(key);
    return {
      state: { groups },
      outcome: 'complete',
      complete: completeMessage({ source, destination, ref, total, refBits, parts }),
    };
  }
  groups.set(key, { source, destination, ref, total, refBits, firstSeenMs: existing?.firstSeenMs ?? nowMs, parts });
  return { state: { groups }, outcome: 'stored' };
}

/**
 * Groups whose first part arrived `maxWaitMs` or longer ago, removed from the state so the caller can hand on the
 * parts it has as they are rather than lose them.
 */
export function expire(
  state: ReassemblyState,
  nowMs: number,
  maxWaitMs: number,
): { readonly state: ReassemblyState; readonly expired: readonly ExpiredGroup[] } {
  const expired: ExpiredGroup[] = [];
  let groups: Map<string, ReassemblyGroup> | undefined;
  for (const [key, group] of state.groups) {
    if (nowMs - group.firstSeenMs < maxWaitMs) continue;
    groups ??= new Map(state.groups);
    groups.delete(key);
    const held = new Set(group.parts.map((part) => part.seq));
    const missing: number[] = [];
    for (let seq = 1; seq <= group.total; seq++) if (!held.has(seq)) missing.push(seq);
    expired.push({ ...group, missing });
  }
  return { state: groups === undefined ? state : { groups }, expired };
}
