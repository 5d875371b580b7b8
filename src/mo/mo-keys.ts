/** The Redis keys and the queue name of the MO path; one place, so nothing else spells them. */

/** bullmq queue of MO messages waiting for their service (keys `<prefix>:mo:*`, bullmq's own layout). */
export const MO_QUEUE = 'mo';

/** Parts of one concatenated MO: sender, receiver, reference size, reference and total, as Kannel groups them. */
export interface GroupIdentity {
  readonly from: string;
  readonly to: string;
  readonly refBits: 8 | 16;
  readonly ref: number;
  readonly total: number;
}

export class MoKeys {
  /** Everything of the reassembly lives under this, apart from bullmq's `<prefix>:mo:` namespace. */
  readonly base: string;
  constructor(readonly prefix: string) {
    this.base = `${prefix}:mo-reassembly`;
  }

  /** Addresses are percent-encoded so a ':' in an alphanumeric sender cannot make two groups share a key. */
  groupId(g: GroupIdentity): string {
    return `${g.refBits}:${g.ref}:${g.total}:${encodeURIComponent(g.from)}:${encodeURIComponent(g.to)}`;
  }

  /** Hash seq → stored part of a group still waiting for parts. */
  get groupPrefix(): string {
    return `${this.base}:group:`;
  }
  group(groupId: string): string {
    return `${this.groupPrefix}${groupId}`;
  }

  /** Sorted set: group key scored by when its first part arrived (ms), for the sweeper. */
  get groups(): string {
    return `${this.base}:groups`;
  }

  /** Hash seq → digest of the parts of the last group handed on under this identity, to drop late duplicates. */
  get donePrefix(): string {
    return `${this.base}:done:`;
  }
  done(groupId: string): string {
    return `${this.donePrefix}${groupId}`;
  }

  /** Hash seq → stored part of a group taken out of reassembly and not yet confirmed in the MO queue. */
  get readyPrefix(): string {
    return `${this.base}:ready:`;
  }
  ready(moId: string): string {
    return `${this.readyPrefix}${moId}`;
  }

  /** A ready hash whose parts could not be read, set aside for a person to look at (never expires). */
  corrupt(moId: string): string {
    return `${this.base}:corrupt:${moId}`;
  }

  /** Sorted set: MO id of each ready hash, scored by when it was taken (ms), to recover after a crash. */
  get readyIndex(): string {
    return `${this.base}:ready`;
  }
}
