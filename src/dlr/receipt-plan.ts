/**
 * The report claims of a single-part message's receipts, worked out in advance so that the script that matches a
 * receipt (redis/scripts/report-records.lua) can claim its report in the same call, without deciding anything.
 * Pure.
 *
 * For a message in one part, what a receipt calls for depends on two things only: the receipt's state and the
 * message's dlr-mask (0 when it has no report target). So the submit records a plan key (the mask, see planKey)
 * on the record, and the script looks its claim up in the tables below, which are reportsFor and aggregateStatus
 * (decide-reports.ts) evaluated for every state and mask: the one definition of the decision stays in TypeScript.
 * A message in several parts (its reports depend on the other parts' receipts), or one recorded before plans
 * existed, has no plan key: its reports are claimed in the call that follows, as decided then.
 */
import type { ReceiptState } from '../domain/message-record.js';
import { STATUS_CODES } from '../messages/record-codec.js';
import { aggregateStatus, reportsFor } from './decide-reports.js';

/** Plan keys are masks below this (every bit of a Kannel DLR type: 0x42 is the highest). */
export const PLANNED_MASKS = 128;

/** Every receipt state (the record makes the compiler check that none is missing). */
const STATES: Readonly<Record<ReceiptState, true>> = {
  delivered: true,
  expired: true,
  deleted: true,
  undeliverable: true,
  accepted: true,
  unknown: true,
  rejected: true,
  enroute: true,
  buffered: true,
};

/**
 * The plan key of a message, or undefined when its receipts cannot be planned (several parts, or a mask the tables
 * do not cover): the mask when it has a report target, else 0 (no report, only the status).
 */
export function planKey(
  msg: { readonly dlrMask?: number; readonly dlrUrl?: string; readonly callbackUrl?: string },
  parts: number,
): string | undefined {
  if (parts !== 1) return undefined;
  const mask = msg.dlrUrl || msg.callbackUrl ? (msg.dlrMask ?? 0) : 0;
  if (!Number.isInteger(mask) || mask < 0 || mask >= PLANNED_MASKS) return undefined;
  return String(mask);
}

/** What the script is given: per receipt state, its report's once-key, the status after it, and the masks that want it. */
export interface ReceiptPlans {
  /** The once-key of the report a receipt in this state calls for (the same for every mask that wants one). */
  readonly PLAN_ONCE: Readonly<Record<string, string>>;
  /** The message's status code after a receipt in this state. */
  readonly PLAN_STATUS: Readonly<Record<string, string>>;
  /** PLANNED_MASKS characters, the one at mask + 1 (Lua counts from 1) '1' when that mask wants the report. */
  readonly PLAN_MASKS: Readonly<Record<string, string>>;
}

export class ReceiptPlanError extends Error {
  override readonly name = 'ReceiptPlanError';
}

/** The tables, from reportsFor and aggregateStatus. Throws if the decision stops fitting them (one key per state). */
export function receiptPlans(): ReceiptPlans {
  const once: Record<string, string> = {};
  const status: Record<string, string> = {};
  const masks: Record<string, string> = {};
  for (const state of Object.keys(STATES) as ReceiptState[]) {
    status[state] = STATUS_CODES[aggregateStatus({ status: 'submitted', parts: [{ seq: 1, smscMessageId: '', receipt: state }] })];
    let wanted = '';
    for (let mask = 0; mask < PLANNED_MASKS; mask++) {
      const reports = reportsFor(
        // The policy does not matter for one part.
        { dlrMask: mask, policy: 'per-part', totalParts: 1, partStates: [state] },
        { kind: 'receipt', seq: 1, state, text: '', smscMessageId: '' },
      );
      if (reports.length > 1) throw new ReceiptPlanError(`a ${state} receipt calls for ${reports.length} reports with mask ${mask}`);
      const key = reports[0]?.onceKey;
      if (key !== undefined) {
        if ((once[state] ??= key) !== key) throw new ReceiptPlanError(`a ${state} receipt claims both ${once[state]} and ${key}`);
      }
      wanted += key === undefined ? '0' : '1';
    }
    once[state] ??= '';
    masks[state] = wanted;
  }
  return { PLAN_ONCE: once, PLAN_STATUS: status, PLAN_MASKS: masks };
}
