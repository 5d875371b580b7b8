/**
 * Ids of batches (route queue jobs) and of the messages in them. A message id is its batch's id and its index, so a
 * message that is still queued is found from its id alone, with no index to write per message: the record a message
 * gets once it is submitted or failed (or moved to another job) takes over from there.
 *
 * A batch id is the time in base 36, a random tag of this process and a counter: unique across processes and
 * restarts, sortable by time, and never a plain integer or containing ':' (bullmq refuses both as job ids).
 */
import { randomBytes } from 'node:crypto';

const SEPARATOR = '.';
const BATCH_ID = /^[0-9a-z]{10,40}$/;
const INDEX = /^[0-9a-z]{1,4}$/;

export class BatchIds {
  private readonly tag: string;
  private counter = 0;

  constructor(tag = randomBytes(4).readUInt32BE(0).toString(36).padStart(7, '0').slice(-5)) {
    this.tag = tag;
  }

  next(now: number): string {
    this.counter = (this.counter + 1) % 1_679_616; // 36^4: four base-36 digits
    return `${now.toString(36)}${this.tag}${this.counter.toString(36).padStart(4, '0')}`;
  }
}

export function messageId(batchId: string, index: number): string {
  return `${batchId}${SEPARATOR}${index.toString(36)}`;
}

/** The batch and index a message id names, or undefined when it cannot be one of ours. */
export function parseMessageId(id: string): { batchId: string; index: number } | undefined {
  const dot = id.lastIndexOf(SEPARATOR);
  if (dot < 0) return undefined;
  const batchId = id.slice(0, dot);
  const index = id.slice(dot + 1);
  if (!BATCH_ID.test(batchId) || !INDEX.test(index)) return undefined;
  return { batchId, index: Number.parseInt(index, 36) };
}

/** Message ids as the API accepts them in a path. */
export const MESSAGE_ID_PATTERN = '^[0-9a-z]{10,40}\\.[0-9a-z]{1,4}$';
