/**
 * deliver_sm to the accounts bound here: while an account has a receiver or transceiver session in this process,
 * a worker takes its queued receipts and MO (dlr/callback-queue.ts) and sends each on the session with the most
 * room in its window; the last such session gone, the worker stops and the rest waits in Redis for the next bind
 * (here or in another process). A deliver_sm that finds every window full waits for a slot; one that waits longer
 * than a response timeout goes back to the queue without counting an attempt, as does one whose sessions all left.
 */
import type { Logger } from 'pino';
import type { ClientDeliverer, ClientDeliverWorker, DeliverOutcome } from '../dlr/callback-queue.js';
import type { ClientDeliver } from '../domain/client-deliver.js';
import { describeClose, ConnectionClosedError, ResponseTimeoutError } from '../smpp/connection.js';
import type { ClientSession } from '../smpp/client-session.js';

/** What runs the account queues' workers (the callback queue). */
export interface DeliverQueues {
  serveSmpp(account: string, deliver: ClientDeliverer, concurrency: number): ClientDeliverWorker;
}

export interface AccountDeliveriesOptions {
  readonly window: number;
  readonly responseTimeoutMs: number;
}

interface AccountState {
  readonly sessions: Set<ClientSession>;
  worker: ClientDeliverWorker | undefined;
  /** deliver_sm waiting for a window slot on one of the sessions. */
  readonly waiting: (() => void)[];
}

function toDeliver(d: ClientDeliver): Parameters<ClientSession['deliver']>[0] {
  return {
    sourceAddr: d.sourceAddr,
    destAddr: d.destAddr,
    esmClass: d.esmClass,
    dataCoding: d.dataCoding,
    shortMessage: Buffer.from(d.shortMessageHex, 'hex'),
    ...(d.messagePayloadHex !== undefined ? { messagePayload: Buffer.from(d.messagePayloadHex, 'hex') } : {}),
    ...(d.receiptedMessageId !== undefined ? { receiptedMessageId: d.receiptedMessageId } : {}),
    ...(d.messageState !== undefined ? { messageState: d.messageState } : {}),
  };
}

export class AccountDeliveries {
  private readonly accounts = new Map<string, AccountState>();

  constructor(
    private readonly queues: DeliverQueues,
    private readonly opts: AccountDeliveriesOptions,
    private readonly logger: Logger,
  ) {}

  /** A receiving session of the account is bound here: its worker runs. */
  add(account: string, session: ClientSession): void {
    let state = this.accounts.get(account);
    if (!state) this.accounts.set(account, (state = { sessions: new Set(), worker: undefined, waiting: [] }));
    state.sessions.add(session);
    if (!state.worker) {
      // Enough at once for every window of the account's sessions here; more wait for a slot in deliver().
      state.worker = this.queues.serveSmpp(account, (d) => this.deliver(account, d), this.opts.window * 8);
      this.logger.debug({ account }, 'taking the deliver_sm queue of an SMPP account');
    }
  }

  /** The session ended; the account's last receiving session here stops the worker (what it holds goes back). */
  remove(account: string, session: ClientSession): Promise<void> {
    const state = this.accounts.get(account);
    if (!state || !state.sessions.delete(session)) return Promise.resolve();
    this.wake(state);
    if (state.sessions.size > 0) return Promise.resolve();
    this.accounts.delete(account);
    const worker = state.worker;
    state.worker = undefined;
    // Waiters find no session and put their items back.
    for (const w of state.waiting.splice(0)) w();
    return worker ? worker.stop() : Promise.resolve();
  }

  async stop(): Promise<void> {
    const states = [...this.accounts.values()];
    this.accounts.clear();
    for (const s of states) for (const w of s.waiting.splice(0)) w();
    await Promise.all(states.map((s) => s.worker?.stop()));
  }

  private roomiest(state: AccountState): ClientSession | undefined {
    let best: ClientSession | undefined;
    for (const s of state.sessions) {
      if (!s.canReceive || s.outstanding >= this.opts.window) continue;
      if (!best || s.outstanding < best.outstanding) best = s;
    }
    return best;
  }

  private wake(state: AccountState): void {
    state.waiting.shift()?.();
  }

  private async deliver(account: string, d: ClientDeliver): Promise<DeliverOutcome> {
    const deadline = Date.now() + this.opts.responseTimeoutMs;
    for (;;) {
      const state = this.accounts.get(account);
      if (!state || state.sessions.size === 0) return { kind: 'unbound' };
      const session = this.roomiest(state);
      if (session) return this.send(state, session, d);
      const left = deadline - Date.now();
      // Windows full for a whole response timeout: back to the queue, no attempt used (the client is slow, not wrong).
      if (left <= 0) return { kind: 'unbound' };
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        state.waiting.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private async send(state: AccountState, session: ClientSession, d: ClientDeliver): Promise<DeliverOutcome> {
    try {
      const status = await session.deliver(toDeliver(d), this.opts.responseTimeoutMs);
      return status === 0 ? { kind: 'ok' } : { kind: 'refused', status };
    } catch (e) {
      if (e instanceof ConnectionClosedError) return e.written ? { kind: 'failed', detail: describeClose(e.reason) } : { kind: 'unbound' };
      if (e instanceof ResponseTimeoutError) return { kind: 'failed', detail: e.message };
      return { kind: 'failed', detail: (e as Error).message };
    } finally {
      this.wake(state);
    }
  }
}
