import { DEFAULT_INTEROP, type Link } from '../../src/domain/link.js';
import { SmscSimulator, type SimulatorOptions } from '../../src/simulator/smsc-simulator.js';

/** A simulator on an ephemeral port, killed with the test's cleanups. */
export async function startSimulator(
  cleanups: Array<() => Promise<void> | void>,
  opts: Partial<SimulatorOptions> = {},
): Promise<SmscSimulator> {
  const s = new SmscSimulator({ port: 0, ...opts });
  await s.start();
  cleanups.push(() => s.kill());
  return s;
}

/** A link to a local simulator with short timers, for tests. */
export function testLink(port: number, over: Partial<Link> = {}): Link {
  return {
    id: over.id ?? `sim${port}`,
    smscId: over.smscId ?? over.id ?? `sim${port}`,
    host: '127.0.0.1',
    port,
    receivePort: 0,
    transceiver: true,
    systemId: 'test',
    password: 'pw',
    systemType: '',
    addressRange: '',
    sourceAddrTon: undefined,
    sourceAddrNpi: undefined,
    destAddrTon: 1,
    destAddrNpi: 1,
    enquireLinkIntervalMs: 1000,
    responseTimeoutMs: 1000,
    unhealthyAfterMs: 500,
    connectTimeoutMs: 1000,
    maxPendingSubmits: 10,
    reconnectDelayMs: 50,
    reconnectDelayMaxMs: 200,
    throughput: 0,
    instances: 1,
    msgIdType: { submitRespHex: false, deliverHex: false },
    concatenation: 'udh8',
    gsmPacked: false,
    throttlePauseMs: 200,
    spilloverQueueAgeMs: 0,
    routing: { allowedSmscId: [], deniedSmscId: [], preferredSmscId: [], allowedPrefix: [], deniedPrefix: [], preferredPrefix: [] },
    interop: DEFAULT_INTEROP,
    tlvs: [],
    ...over,
  };
}

/** Polls until the predicate holds, or fails with the message after the timeout. */
export async function waitFor(pred: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await pred()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
