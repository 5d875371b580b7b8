/**
 * MO end to end: the simulator sends deliver_sm over a real SMPP bind, the link runtime hands them to the MO
 * pipeline, which keeps parts and messages in a real redis-server and forwards them to a local HTTP service.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/config.js';
import type { Link } from '../../src/domain/link.js';
import type { Service } from '../../src/domain/service.js';
import { buildParts, encodeText, ucs2Encode, type SubmitPart } from '../../src/encoding/index.js';
import { DEFAULT_DENY_HOSTS, DEFAULT_DENY_NETWORKS } from '../../src/config/schema.js';
import { OutboundGuards } from '../../src/http-client/outbound-guard.js';
import { LinkRuntime } from '../../src/links/link-runtime.js';
import { MoPipeline, MoReassemblyStore, moPartFrom, type MoPipelineDeps } from '../../src/mo/index.js';
import { MoKeys } from '../../src/redis/keys.js';
import { createLogger } from '../../src/observability/logger.js';
import { SmscSimulator } from '../../src/simulator/smsc-simulator.js';
import { OutboundPolicies } from '../../src/security/outbound-policy.js';
import type { InboundSm } from '../../src/smpp/inbound.js';
import { sleep, testLink, waitFor } from '../helpers/links.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';

interface Recorded {
  readonly method: string;
  readonly path: string;
  /** The request target as sent, to check the encoding byte for byte. */
  readonly url: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

interface Receiver {
  readonly port: number;
  readonly requests: Recorded[];
  close(): Promise<void>;
}

/** A local HTTP service that records every request and answers 200. */
async function startReceiver(port = 0): Promise<Receiver> {
  const requests: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '';
      const parsed = new URL(url, 'http://x');
      requests.push({
        method: req.method ?? '',
        path: parsed.pathname,
        url,
        query: parsed.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks');
    });
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (for now): a service that is down. */
async function closedPort(): Promise<number> {
  const probe = await startReceiver();
  await probe.close();
  return probe.port;
}

const logger = createLogger('silent');
const SMSC_ID = 'opA';
const REASSEMBLY_TIMEOUT_MS = 1000;
const callbacks: Config['callbacks'] = {
  maxAttempts: 100,
  retryDelayMs: 100,
  retryDelayMaxMs: 300,
  timeoutMs: 1000,
  concurrency: 4,
  orderWaitMs: 1000,
  denyNetworks: DEFAULT_DENY_NETWORKS,
  denyHosts: DEFAULT_DENY_HOSTS,
};
const outbound = (networks: readonly string[] = DEFAULT_DENY_NETWORKS) =>
  new OutboundGuards(new OutboundPolicies({ networks, hosts: DEFAULT_DENY_HOSTS }, [])).services;

let redis: TestRedis;
let receiver: Receiver;
let downPort: number;
let sim: SmscSimulator;
let link: Link;
let runtime: LinkRuntime;
let pipeline: MoPipeline;
let services: Service[];

function svc(keyword: string, over: Partial<Service>): Service {
  return { name: keyword, keyword, aliases: [], getUrl: undefined, postUrl: undefined, acceptedSmsc: [], ...over };
}

/** A pipeline with its own clients, as another gateway process would have, once they are connected. */
async function newPipeline(prefix: string, over: Partial<MoPipelineDeps> = {}): Promise<MoPipeline> {
  const clients = [redis.client(), redis.client()] as const;
  await waitFor(() => clients.every((c) => c.status === 'ready'), 5000, 'Redis clients');
  return new MoPipeline({
    redis: clients[0],
    connection: clients[1],
    prefix,
    services,
    reassemblyTimeoutMs: REASSEMBLY_TIMEOUT_MS,
    callbacks,
    logger,
    outbound: outbound(),
    ...over,
  });
}

beforeAll(async () => {
  redis = await startTestRedis();
  receiver = await startReceiver();
  downPort = await closedPort();
  const base = `http://127.0.0.1:${receiver.port}`;
  services = [
    svc('weather', { aliases: ['wx'], getUrl: `${base}/weather?from=%p&to=%P&kw=%k&rest=%r&smsc=%i&svc=%n` }),
    svc('news', { postUrl: `${base}/news?from=%p&kw=%k` }),
    svc('later', { getUrl: `http://127.0.0.1:${downPort}/later?text=%a` }),
    svc('vip', { acceptedSmsc: ['some-other-smsc'], getUrl: `${base}/vip?text=%a` }),
    svc('default', { getUrl: `${base}/default?from=%p&to=%P&text=%a&smsc=%i&svc=%n&coding=%c&missing=%#switchboard#missing#` }),
  ];
  sim = new SmscSimulator({ port: 0 });
  await sim.start();
  link = testLink(sim.port, { id: 'mo-link', smscId: SMSC_ID });
  pipeline = await newPipeline('sb');
  await pipeline.start();
  runtime = new LinkRuntime({ link, logger, onInbound: (sm, bind) => pipeline.handle(sm, bind.link) });
  runtime.start();
  await waitFor(() => sim.boundSessions().length > 0, 5000, 'the transceiver bind');
});

afterAll(async () => {
  await runtime?.stop(0);
  await pipeline?.stop();
  await sim?.kill();
  await receiver?.close();
  await redis?.stop();
});

function gsm(text: string): { dataCoding: number; payload: Buffer } {
  const encoded = encodeText({ text: Buffer.from(text, 'utf8') });
  if (!encoded.ok || encoded.alphabet !== 'gsm7') throw new Error(`not GSM text: ${text}`);
  return { dataCoding: encoded.dataCoding, payload: encoded.payload };
}

function partsOf(text: string, method: 'udh8' | 'udh16' | 'sar', ref: number): { dataCoding: number; parts: SubmitPart[] } {
  const { dataCoding, payload } = gsm(text);
  const built = buildParts('gsm7', payload, method, ref);
  if (!built.ok) throw new Error('cannot build parts');
  return { dataCoding, parts: built.parts };
}

function deliverPart(from: string, dataCoding: number, part: SubmitPart): Promise<number> {
  return sim.deliver({
    sourceAddr: from,
    destAddr: '1234',
    esmClass: part.udhi ? 0x40 : 0,
    dataCoding,
    shortMessage: part.shortMessage,
    ...(part.sar ? { sar: part.sar } : {}),
  });
}

/** A deliver_sm as the SMPP edge hands it over, for the tests that play another gateway process. */
const inboundBase: InboundSm = {
  command: 'deliver_sm',
  serviceType: '',
  sourceAddr: '',
  sourceTon: 1,
  sourceNpi: 1,
  destAddr: '1234',
  destTon: 1,
  destNpi: 1,
  esmClass: 0,
  protocolId: 0,
  dataCoding: 0,
  body: Buffer.alloc(0),
  receiptedMessageId: undefined,
  messageState: undefined,
  networkErrorCode: undefined,
  sar: undefined,
};

function requestsTo(path: string, receiverOf: Receiver = receiver): Recorded[] {
  return receiverOf.requests.filter((r) => r.path === path);
}

function withText(path: string, text: string): Recorded[] {
  return requestsTo(path).filter((r) => r.query.get('text') === text);
}

describe('MO: SMPP → Redis → HTTP service', () => {
  it('forwards a single MO to the default get-url service with the sender, receiver, text and smsc-id filled in', async () => {
    const { dataCoding, payload } = gsm('hello there');
    const status = await sim.deliver({ sourceAddr: '4670000001', destAddr: '1234', esmClass: 0, dataCoding, shortMessage: payload });
    expect(status).toBe(0);
    await waitFor(() => withText('/default', 'hello there').length === 1, 5000, 'the MO at the service');
    const [req] = withText('/default', 'hello there');
    expect(req?.method).toBe('GET');
    expect(req?.url).toBe('/default?from=4670000001&to=1234&text=hello+there&smsc=opA&svc=default&coding=0&missing=');
  });

  it('chooses the service by the first word (keyword or alias, any case), else the default; accepted-smsc filters', async () => {
    const wx = gsm('WX Oslo tomorrow');
    expect(
      await sim.deliver({ sourceAddr: '4670000002', destAddr: '7777', esmClass: 0, dataCoding: wx.dataCoding, shortMessage: wx.payload }),
    ).toBe(0);
    const vip = gsm('vip access please');
    expect(
      await sim.deliver({ sourceAddr: '4670000002', destAddr: '7777', esmClass: 0, dataCoding: vip.dataCoding, shortMessage: vip.payload }),
    ).toBe(0);

    await waitFor(() => requestsTo('/weather').length === 1, 5000, 'the weather service');
    expect(requestsTo('/weather')[0]?.url).toBe('/weather?from=4670000002&to=7777&kw=WX&rest=Oslo+tomorrow&smsc=opA&svc=weather');
    // vip accepts only another smsc-id, so its keyword falls through to the default service.
    await waitFor(() => withText('/default', 'vip access please').length === 1, 5000, 'the default service');
    expect(requestsTo('/vip')).toHaveLength(0);
  });

  it('POSTs to a post-url service: the text as UTF-8 (here from UCS-2) and the X-Kannel headers', async () => {
    const status = await sim.deliver({
      sourceAddr: '+4670000003',
      destAddr: '1234',
      esmClass: 0,
      dataCoding: 8,
      shortMessage: ucs2Encode('News Привет мир'),
    });
    expect(status).toBe(0);
    await waitFor(() => requestsTo('/news').length === 1, 5000, 'the news service');
    const [req] = requestsTo('/news');
    expect(req?.method).toBe('POST');
    expect(req?.url).toBe('/news?from=%2B4670000003&kw=News');
    expect(req?.body.toString('utf8')).toBe('News Привет мир');
    expect(req?.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(req?.headers['x-kannel-from']).toBe('+4670000003');
    expect(req?.headers['x-kannel-to']).toBe('1234');
    expect(req?.headers['x-kannel-smsc']).toBe(SMSC_ID);
    expect(req?.headers['x-kannel-coding']).toBe('0');
    expect(req?.headers['x-kannel-service']).toBe('news');
    expect(req?.headers['x-kannel-time']).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it('reassembles a message in three UDH 8-bit parts arriving out of order and resent, and forwards it once', async () => {
    const text = `udh8 ${'The quick brown fox jumps over the lazy dog. '.repeat(8)}END`;
    const { dataCoding, parts } = partsOf(text, 'udh8', 77);
    expect(parts).toHaveLength(3);
    const [p1, p2, p3] = parts as [SubmitPart, SubmitPart, SubmitPart];
    const before = pipeline.stats();
    // Part 3, part 1, part 1 again (the SMSC missed our answer), part 2 completes, part 2 again after completion.
    const statuses = [];
    for (const p of [p3, p1, p1, p2, p2]) statuses.push(await deliverPart('4670000004', dataCoding, p));
    expect(statuses).toEqual([0, 0, 0, 0, 0]);
    await waitFor(() => withText('/default', text).length === 1, 5000, 'the reassembled MO');
    const after = pipeline.stats();
    expect(after.duplicateParts - before.duplicateParts).toBe(2);
    expect(after.partsStored - before.partsStored).toBe(3);
    // Nothing else comes later: neither a second copy nor a lone resent part after the reassembly timeout.
    await sleep(REASSEMBLY_TIMEOUT_MS + 400);
    expect(receiver.requests.filter((r) => (r.query.get('text') ?? '').includes('lazy dog'))).toHaveLength(1);
    expect(pipeline.stats().handedOnIncomplete).toBe(before.handedOnIncomplete);
  });

  it('reassembles a message in three SAR parts arriving out of order', async () => {
    const text = `sar ${'Pack my box with five dozen liquor jugs! '.repeat(9)}END`;
    const { dataCoding, parts } = partsOf(text, 'sar', 0x1234);
    expect(parts).toHaveLength(3);
    expect(parts[0]?.sar).toEqual({ ref: 0x1234, total: 3, seq: 1 });
    for (const i of [1, 2, 0]) expect(await deliverPart('4670000005', dataCoding, parts[i]!)).toBe(0);
    await waitFor(() => withText('/default', text).length === 1, 5000, 'the reassembled SAR MO');
    const [req] = withText('/default', text);
    expect(req?.query.get('from')).toBe('4670000005');
    expect(req?.query.get('missing')).toBe('');
  });

  it('hands on an incomplete group after the reassembly timeout, with the parts present in order and the missing ones named', async () => {
    const text = `frag ${'0123456789'.repeat(40)}`;
    const { dataCoding, parts } = partsOf(text, 'udh16', 0xbeef);
    expect(parts).toHaveLength(3);
    const before = pipeline.stats().handedOnIncomplete;
    expect(await deliverPart('4670000006', dataCoding, parts[2]!)).toBe(0);
    expect(await deliverPart('4670000006', dataCoding, parts[0]!)).toBe(0);
    const sentAt = Date.now();
    await sleep(REASSEMBLY_TIMEOUT_MS / 2);
    expect(receiver.requests.filter((r) => r.query.get('from') === '4670000006')).toHaveLength(0);
    await waitFor(() => receiver.requests.some((r) => r.query.get('from') === '4670000006'), 5000, 'the incomplete MO');
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(REASSEMBLY_TIMEOUT_MS - 100);
    const got = receiver.requests.filter((r) => r.query.get('from') === '4670000006');
    expect(got).toHaveLength(1);
    expect(got[0]?.query.get('missing')).toBe('2');
    // Parts of 152 characters ((140 - 7 octets of UDH with a 16-bit reference) * 8 / 7): part 2 left out.
    expect(got[0]?.query.get('text')).toBe(text.slice(0, 152) + text.slice(304));
    expect(pipeline.stats().handedOnIncomplete).toBe(before + 1);
  });

  it('keeps an MO while its service is down and delivers it once the service is back', async () => {
    const { dataCoding, payload } = gsm('later please');
    const before = pipeline.stats().retried;
    expect(await sim.deliver({ sourceAddr: '4670000007', destAddr: '1234', esmClass: 0, dataCoding, shortMessage: payload })).toBe(0);
    await sleep(1500);
    // retry-delay 100 ms doubling to a 300 ms cap: several failed attempts in 1.5 s.
    expect(pipeline.stats().retried - before).toBeGreaterThanOrEqual(3);
    const back = await startReceiver(downPort);
    try {
      await waitFor(() => requestsTo('/later', back).length === 1, 5000, 'the MO at the service once it is back');
      expect(requestsTo('/later', back)[0]?.url).toBe('/later?text=later+please');
      await sleep(200);
      expect(requestsTo('/later', back)).toHaveLength(1);
    } finally {
      await back.close();
    }
  });

  it('reassembles parts that arrive at two gateway processes, one of which stops in between', async () => {
    const text = `split ${'Sphinx of black quartz, judge my vow. '.repeat(10)}END`;
    const { dataCoding, parts } = partsOf(text, 'udh8', 5);
    expect(parts).toHaveLength(3);
    const sm = (p: SubmitPart): InboundSm => ({
      ...inboundBase,
      sourceAddr: '4670000008',
      esmClass: 0x40,
      dataCoding,
      body: p.shortMessage,
    });
    // Two more processes on the same Redis and prefix ('sb'): one takes part 2 and stops, one takes parts 3 and 1.
    const first = await newPipeline('sb');
    expect(await first.handle(sm(parts[1]!), link)).toBe('ok');
    await first.stop();
    expect(await first.handle(sm(parts[2]!), link)).toBe('retry-later');
    const second = await newPipeline('sb');
    try {
      expect(await second.handle(sm(parts[2]!), link)).toBe('ok');
      expect(await second.handle(sm(parts[0]!), link)).toBe('ok');
      // Queued by `second`, forwarded by whichever worker is running (the main pipeline's).
      await waitFor(() => withText('/default', text).length === 1, 5000, 'the MO reassembled across processes');
    } finally {
      await second.stop();
    }
  });

  it('queues a reassembled group whose taker died before queuing it (crash between the script and the queue)', async () => {
    const text = `orphan ${'How vexingly quick daft zebras jump. '.repeat(6)}END`;
    const { dataCoding, parts } = partsOf(text, 'udh8', 9);
    expect(parts).toHaveLength(2);
    // Do what handle() does up to the Lua script, then "crash": the group sits under its ready key, not queued.
    const store = new MoReassemblyStore(redis.client(), new MoKeys('sb'), 60_000);
    const now = Date.now();
    const asPart = (p: SubmitPart) =>
      moPartFrom({ ...inboundBase, sourceAddr: '4670000009', esmClass: 0x40, dataCoding, body: p.shortMessage }, link, now);
    expect((await store.addPart(asPart(parts[0]!), 'lost-1', now)).kind).toBe('stored');
    expect(await store.addPart(asPart(parts[1]!), 'lost-1', now)).toMatchObject({ kind: 'complete', moId: 'lost-1' });
    // And an entry no gateway wrote, which must not stop the recovery of the others.
    const c = redis.client();
    const keys = new MoKeys('sb');
    await c.hset(keys.ready('bad-1'), '1', 'not a digest, not JSON');
    await c.zadd(keys.readyIndex, 0, 'bad-1');
    await sleep(300);
    expect(withText('/default', text)).toHaveLength(0);
    const rescuer = await newPipeline('sb', { staleReadyMs: 200, sweepIntervalMs: 50 });
    await rescuer.start();
    try {
      await waitFor(() => withText('/default', text).length === 1, 5000, 'the recovered MO');
      await sleep(300);
      expect(withText('/default', text)).toHaveLength(1);
      expect(await c.hget(keys.corrupt('bad-1'), '1')).toBe('not a digest, not JSON');
    } finally {
      await rescuer.stop();
    }
  });

  it('gives up after max-attempts, and drops without retrying an MO that no service takes', async () => {
    const down = `http://127.0.0.1:${downPort}/never?text=%a`;
    const giving = await newPipeline('giveup', {
      services: [svc('default', { getUrl: down })],
      callbacks: { ...callbacks, maxAttempts: 2, retryDelayMs: 50 },
    });
    const nobody = await newPipeline('nobody', { services: [svc('weather', { getUrl: down })] });
    await giving.start();
    await nobody.start();
    try {
      const mo = { ...inboundBase, sourceAddr: '4670000010', body: Buffer.from('anything') };
      expect(await giving.handle(mo, link)).toBe('ok');
      expect(await nobody.handle(mo, link)).toBe('ok');
      await waitFor(() => giving.stats().gaveUp === 1 && nobody.stats().noService === 1, 5000, 'give-up and no-service');
      expect(giving.stats()).toMatchObject({ retried: 1, gaveUp: 1, forwarded: 0 });
      expect(nobody.stats()).toMatchObject({ retried: 0, gaveUp: 0, forwarded: 0, noService: 1 });
      // The given-up MO is kept for an operator to see; the dropped one is gone.
      const c = redis.client();
      expect(await c.llen('giveup:mo:given-up')).toBe(1);
      expect(await c.llen('nobody:mo:given-up')).toBe(0);
    } finally {
      await giving.stop();
      await nobody.stop();
    }
  });

  it('refuses, without retrying, a service whose host name resolves into callbacks.deny-networks', async () => {
    // "localhost" is looked up at send time; with loopback denied, the address it resolves to is refused.
    const before = receiver.requests.length;
    const guarded = await newPipeline('refused', {
      services: [svc('default', { getUrl: `http://localhost:${receiver.port}/refused?text=%a` })],
      outbound: outbound([...DEFAULT_DENY_NETWORKS, '127.0.0.0/8', '::1']),
    });
    await guarded.start();
    try {
      expect(await guarded.handle({ ...inboundBase, sourceAddr: '4670000011', body: Buffer.from('to a denied host') }, link)).toBe('ok');
      await waitFor(() => guarded.stats().gaveUp === 1, 5000, 'refused');
      expect(guarded.stats()).toMatchObject({ refused: 1, gaveUp: 1, retried: 0, forwarded: 0 });
      expect(receiver.requests.length).toBe(before);
    } finally {
      await guarded.stop();
    }
  });

  it('leaves no reassembly state behind once every group is handed on, only the digests of handed-on parts', async () => {
    const c = redis.client();
    const keys = new MoKeys('sb');
    expect(await c.zcard(keys.groups)).toBe(0);
    expect(await c.zcard(keys.readyIndex)).toBe(0);
    expect(await c.keys(`${keys.groupPrefix}*`)).toEqual([]);
    expect(await c.keys(`${keys.readyPrefix}*`)).toEqual([]);
    const done = await c.keys(`${keys.donePrefix}*`);
    expect(done.length).toBeGreaterThan(0);
    for (const key of done) expect(await c.pttl(key)).toBeGreaterThan(0);
  });
});
