/**
 * The SMPP server's client sessions on /metrics: how many are bound per account and kind, the window each uses, and
 * the deliver_sm (receipts, MO) waiting per account. Read from the sessions every process publishes (a cluster-wide
 * view, like the bind gauges), so nothing is summed twice.
 */
import { Gauge, Registry } from 'prom-client';

export interface SmppSessionSample {
  readonly id: string;
  readonly account: string;
  readonly kind: string;
  readonly outstanding: number;
  readonly submits: number;
  readonly delivers: number;
}

export async function smppSessionMetrics(sessions: readonly SmppSessionSample[], waiting: ReadonlyMap<string, number>): Promise<string> {
  const registry = new Registry();
  const bound = new Gauge({
    name: 'switchboard_smpp_client_sessions',
    help: 'SMPP client sessions bound to the smpp-server ports, by account and bind kind',
    labelNames: ['account', 'kind'] as const,
    registers: [registry],
  });
  const window = new Gauge({
    name: 'switchboard_smpp_client_window_in_use',
    help: 'deliver_sm waiting for their response on an SMPP client session',
    labelNames: ['account', 'session'] as const,
    registers: [registry],
  });
  const submits = new Gauge({
    name: 'switchboard_smpp_client_submits',
    help: 'Submits an SMPP client session has sent since it bound',
    labelNames: ['account', 'session'] as const,
    registers: [registry],
  });
  const delivers = new Gauge({
    name: 'switchboard_smpp_client_delivers',
    help: 'deliver_sm sent to an SMPP client session since it bound',
    labelNames: ['account', 'session'] as const,
    registers: [registry],
  });
  const queued = new Gauge({
    name: 'switchboard_smpp_client_deliver_waiting',
    help: "deliver_sm (receipts, MO) waiting in an SMPP account's queue for one of its receiving binds",
    labelNames: ['account'] as const,
    registers: [registry],
  });
  for (const s of sessions) {
    bound.inc({ account: s.account, kind: s.kind });
    window.set({ account: s.account, session: s.id }, s.outstanding);
    submits.set({ account: s.account, session: s.id }, s.submits);
    delivers.set({ account: s.account, session: s.id }, s.delivers);
  }
  for (const [account, n] of waiting) queued.set({ account }, n);
  return registry.metrics();
}
