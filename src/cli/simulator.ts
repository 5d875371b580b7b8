/**
 * `switchboard simulator`: the SMSC simulator as a process of its own, with an optional HTTP control port so
 * tests and benchmarks in other processes can read its counters, change its persona and inject MO messages.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { ServerTlsFiles } from '../config/config.js';
import { createLogger } from '../observability/logger.js';
import { parsePersona, personaName } from '../simulator/persona.js';
import { SmscSimulator } from '../simulator/smsc-simulator.js';

export interface SimulatorCliOptions {
  readonly host: string;
  readonly port: number;
  readonly persona: string;
  readonly receipts: 'requested' | 'all' | 'none';
  readonly receiptDelayMs: number;
  readonly idFormat: 'decimal' | 'hex';
  readonly receiptIdFormat: 'same' | 'decimal' | 'hex';
  readonly controlPort: number | undefined;
  readonly quiet: boolean;
  /** Speak SMPP over TLS. */
  readonly tls: ServerTlsFiles | undefined;
}

/** Receivers whose first accepted submit_sm time is kept for GET /submit-times. */
const MAX_SUBMIT_TIMES = 1_000_000;

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage, limit = 65_536): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit) throw new Error('body too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function runSimulator(o: SimulatorCliOptions): Promise<void> {
  const log = createLogger(o.quiet ? 'warn' : 'info', 'simulator');
  const sim = new SmscSimulator({
    host: o.host,
    port: o.port,
    persona: parsePersona(o.persona),
    receipts: o.receipts,
    receiptDelayMs: o.receiptDelayMs,
    idFormat: o.idFormat,
    receiptIdFormat: o.receiptIdFormat,
    record: false,
    tls: o.tls,
    logger: log,
  });
  if (!o.quiet) {
    sim.on('submit', (m) =>
      log.info(
        {
          from: m.sourceAddr,
          to: m.destAddr,
          dataCoding: m.dataCoding,
          esmClass: m.esmClass,
          octets: m.shortMessage.length,
          status: m.status,
          id: m.messageId,
        },
        'submit_sm',
      ),
    );
  }
  await sim.start();
  let last = 0;
  const rate = setInterval(() => {
    const now = sim.counters.submits;
    if (now !== last) log.warn({ perSecond: now - last, total: now, accepted: sim.counters.accepted }, 'submits');
    last = now;
  }, 1000);
  rate.unref();

  if (o.controlPort !== undefined) {
    // When each receiver's first submit_sm was accepted (epoch ms, sub-millisecond): a load driver in another
    // process compares it with when its request was accepted, for the accept-to-submit wait. Bounded, since the
    // control port may stay up for a long time.
    const acceptedAt = new Map<string, number>();
    sim.on('submit', (m) => {
      if (m.status === 0 && acceptedAt.size < MAX_SUBMIT_TIMES && !acceptedAt.has(m.destAddr))
        acceptedAt.set(m.destAddr, performance.timeOrigin + performance.now());
    });
    const control = createServer((req, res) => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://x');
        if (req.method === 'GET' && url.pathname === '/stats') {
          return json(res, 200, { persona: personaName(sim.persona), ...sim.counters, bound: sim.boundSessions() });
        }
        if (req.method === 'GET' && url.pathname === '/submit-times') {
          return json(res, 200, { times: Object.fromEntries(acceptedAt), truncated: acceptedAt.size >= MAX_SUBMIT_TIMES });
        }
        if (req.method === 'POST' && url.pathname === '/persona') {
          try {
            sim.setPersona(parsePersona(url.searchParams.get('name') ?? ''));
            return json(res, 200, { persona: personaName(sim.persona) });
          } catch (e) {
            return json(res, 400, { error: (e as Error).message });
          }
        }
        if (req.method === 'POST' && url.pathname === '/mo') {
          const body = JSON.parse(await readBody(req)) as { from?: string; to?: string; text?: string };
          const status = await sim.deliver({
            sourceAddr: body.from ?? '4670000000',
            destAddr: body.to ?? '1234',
            esmClass: 0,
            dataCoding: 0,
            shortMessage: Buffer.from(body.text ?? '', 'latin1'),
          });
          return json(res, 200, { status });
        }
        return json(res, 404, { error: 'GET /stats, GET /submit-times, POST /persona?name=…, POST /mo {from,to,text}' });
      })().catch((e: unknown) => json(res, 500, { error: (e as Error).message }));
    });
    await new Promise<void>((r) => control.listen(o.controlPort, '127.0.0.1', () => r()));
    log.info({ port: o.controlPort }, 'simulator control port listening (GET /stats, GET /submit-times, POST /persona, POST /mo)');
  }

  const stop = (): void => {
    void sim.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
