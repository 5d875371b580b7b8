/**
 * Services that answer, end to end: the simulator sends an MO over a real bind, the gateway hands it to its service
 * (a local HTTP server, a text, a file, a command) and the answer comes back to the simulator as submit_sm, through
 * the accept path (queued in a real redis-server, routed, recorded) and by default through the link the MO came in
 * on. What Kannel 1.4.5 sent for the same configuration is in the comments.
 */
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Link } from '../../src/domain/link.js';
import { decodeShortMessage } from '../../src/encoding/index.js';
import type { ReceivedMessage, SmscSimulator } from '../../src/simulator/smsc-simulator.js';
import { startGateway, testConfig } from '../helpers/gateway.js';
import { sleep, startSimulator, testLink, waitFor } from '../helpers/links.js';
import { useTestRedis } from '../helpers/redis.js';

const env = useTestRedis();
const { cleanups } = env;

interface Call {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

interface Answer {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/** A service answering each path as told (default: 200 text/plain "thanks"), recording every request. */
async function service(answers: Record<string, Answer> = {}): Promise<{ base: string; calls: Call[] }> {
  const calls: Call[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      calls.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const a = answers[new URL(req.url ?? '/', 'http://x').pathname] ?? {};
      res.writeHead(a.status ?? 200, a.headers ?? { 'content-type': 'text/plain' }).end(a.body ?? 'thanks');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls };
}

/** 40 six-letter words and 50 x: 330 characters, the reply Kannel was measured with. */
const LONG = Array.from({ length: 40 }, (_, i) => `word${String(i).padStart(2, '0')}`).join(' ') + ' ' + 'x'.repeat(50);

function textOf(m: ReceivedMessage): string {
  return decodeShortMessage({ dataCoding: m.dataCoding, esmClass: m.esmClass, shortMessage: m.shortMessage, sar: m.sar }).text;
}

interface Setup {
  readonly app: App;
  readonly a: SmscSimulator;
  readonly b: SmscSimulator;
}

/** Two links, A (where MO come in) and B; no global-sender unless `http` gives one. */
async function gateway(prefix: string, raw: Record<string, unknown>): Promise<Setup> {
  const a = await startSimulator(cleanups);
  const b = await startSimulator(cleanups);
  const links: Link[] = [testLink(a.port, { id: 'A', smscId: 'opA' }), testLink(b.port, { id: 'B', smscId: 'opB' })];
  const config = testConfig(links, {
    prefix,
    raw: {
      http: { 'sendsms-port': 0, 'sendsms-interface': '127.0.0.1' },
      callbacks: { 'retry-delay': 0.05, 'retry-delay-max': 0.2, timeout: 2 },
      ...raw,
    },
  });
  const app = await startGateway(config, env.redis, cleanups);
  await waitFor(() => app.cluster.linkHealthy('A') && app.cluster.linkHealthy('B'), 5000, 'both links bound');
  return { app, a, b };
}

async function mo(sim: SmscSimulator, text: string, from = '46701111111'): Promise<void> {
  expect(
    await sim.deliver({ sourceAddr: from, destAddr: '4444', esmClass: 0, dataCoding: 0, shortMessage: Buffer.from(text, 'latin1') }),
  ).toBe(0);
}

describe('services that answer', () => {
  it('get-url: the body "thanks" goes back to the MO sender, from the number it was sent to, through the link it came in on', async () => {
    const svc = await service();
    const { app, a, b } = await gateway('rep1', { services: [{ keyword: 'hello', 'get-url': `${svc.base}/hi?from=%p` }] });
    await mo(a, 'hello');
    await waitFor(() => a.received.length === 1, 5000, 'the answer on link A');
    const [reply] = a.received;
    expect(reply).toMatchObject({ sourceAddr: '4444', destAddr: '46701111111' });
    expect(textOf(reply!)).toBe('thanks');
    expect(svc.calls.map((c) => c.url)).toEqual(['/hi?from=46701111111']);
    await sleep(200);
    expect(b.received).toHaveLength(0);
    expect(app.mo.stats()).toMatchObject({ forwarded: 1, replied: 1, repliesDropped: 0 });
  });

  it('the answer falls back to another link when the MO came in on a link that only receives', async () => {
    const svc = await service();
    const a = await startSimulator(cleanups);
    const b = await startSimulator(cleanups);
    const links: Link[] = [
      testLink(a.port, { id: 'RX', smscId: 'opA', port: 0, receivePort: a.port, transceiver: false }),
      testLink(b.port, { id: 'B', smscId: 'opB' }),
    ];
    const app = await startGateway(
      testConfig(links, { prefix: 'rep2', raw: { services: [{ keyword: 'default', 'get-url': `${svc.base}/x` }] } }),
      env.redis,
      cleanups,
    );
    await waitFor(() => a.boundSessions().length === 1 && app.cluster.linkHealthy('B'), 5000, 'binds');
    await mo(a, 'anything');
    await waitFor(() => b.received.length === 1, 5000, 'the answer on link B');
    // testConfig's global-sender (12345) sends the answer, as Kannel's smsbox does when the service has no faked-sender.
    expect(b.received[0]).toMatchObject({ sourceAddr: '12345', destAddr: '46701111111' });
  });

  it('text and file services answer without calling anything; escape codes are filled in as Kannel fills them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-reply-'));
    const file = join(dir, 'reply.txt');
    writeFileSync(file, 'file reply content\n');
    const { a } = await gateway('rep3', {
      services: [
        { keyword: 'txt', text: 'hello %p you said %r' },
        { keyword: 'fil', file },
      ],
    });
    await mo(a, 'txt one two three');
    await mo(a, 'fil');
    await waitFor(() => a.received.length === 2, 5000, 'two answers');
    // Kannel 1.4.5: "hello %2B46701111111 you said one+two+three" (its MO sender carries the +).
    expect(a.received.map(textOf).sort()).toEqual(['file reply content\n', 'hello 46701111111 you said one+two+three']);
  });

  it('max-messages: a 330- or 400-character answer is cut to one SMS by default, sent as three with max-messages 3', async () => {
    const svc = await service({ '/long': { body: LONG }, '/400': { body: 'z'.repeat(400) } });
    const { a } = await gateway('rep4', {
      services: [
        { keyword: 'one400', 'get-url': `${svc.base}/400` },
        { keyword: 'three400', 'get-url': `${svc.base}/400`, 'max-messages': 3 },
        { keyword: 'one', 'get-url': `${svc.base}/long` },
        { keyword: 'three', 'get-url': `${svc.base}/long`, 'max-messages': 3 },
        { keyword: 'cat', 'get-url': `${svc.base}/long`, 'max-messages': 3, concatenation: true },
      ],
    });
    await mo(a, 'one');
    await waitFor(() => a.received.length === 1, 5000, 'the cut answer');
    expect(a.received.map(textOf)).toEqual([LONG.slice(0, 160)]);

    await mo(a, 'three');
    await waitFor(() => a.received.length === 4, 5000, 'three separate SMS');
    // Kannel 1.4.5: three SMS of 160, 160 and 10 characters, no concatenation header.
    const three = a.received.slice(1).map(textOf);
    expect(three.map((t) => t.length).sort((x, y) => y - x)).toEqual([160, 160, 10]);
    expect(a.received.slice(1).every((m) => (m.esmClass & 0x40) === 0)).toBe(true);

    await mo(a, 'cat');
    await waitFor(() => a.received.length === 7, 5000, 'one concatenated message in three parts');
    // Kannel 1.4.5: three parts with a concatenation UDH, 153 + 153 + 24 characters.
    const parts = a.received.slice(4);
    expect(parts.every((m) => (m.esmClass & 0x40) !== 0)).toBe(true);
    const decoded = parts.map((m) => decodeShortMessage({ dataCoding: m.dataCoding, esmClass: m.esmClass, shortMessage: m.shortMessage }));
    expect(decoded.map((d) => d.concat?.seq)).toEqual([1, 2, 3]);
    expect(decoded.map((d) => d.text).join('')).toBe(LONG);

    // And a 400-character answer: one SMS of 160 with max-messages 1, 160 + 160 + 80 with max-messages 3.
    await mo(a, 'one400');
    await waitFor(() => a.received.length === 8, 5000, 'the cut 400-character answer');
    expect(textOf(a.received[7]!)).toBe('z'.repeat(160));
    await mo(a, 'three400');
    await waitFor(() => a.received.length === 11, 5000, 'the 400-character answer in three SMS');
    expect(
      a.received
        .slice(8)
        .map((m) => textOf(m).length)
        .sort((x, y) => y - x),
    ).toEqual([160, 160, 80]);
  });

  it('an empty answer sends "<Empty reply from service provider>", or nothing with omit-empty; max-messages 0 never answers', async () => {
    const svc = await service({ '/empty': { body: '' } });
    const { app, a } = await gateway('rep5', {
      services: [
        { keyword: 'empty', 'get-url': `${svc.base}/empty` },
        { keyword: 'omit', 'get-url': `${svc.base}/empty`, 'omit-empty': true },
        { keyword: 'silent', 'get-url': `${svc.base}/hi`, 'max-messages': 0 },
      ],
    });
    await mo(a, 'omit');
    await mo(a, 'silent');
    await mo(a, 'empty');
    await waitFor(() => a.received.length === 1, 5000, 'the empty-reply text');
    expect(textOf(a.received[0]!)).toBe('<Empty reply from service provider>');
    await waitFor(() => app.mo.stats().forwarded === 3, 5000, 'all three served');
    await sleep(300);
    expect(a.received).toHaveLength(1);
    expect(svc.calls).toHaveLength(3);
  });

  it('header, footer, split-chars and split-suffix frame every SMS as Kannel 1.4.5 did; faked-sender sends it', async () => {
    const svc = await service({ '/long': { body: LONG } });
    const { a } = await gateway('rep6', {
      services: [
        {
          keyword: 'shaped',
          'get-url': `${svc.base}/long`,
          header: 'H:',
          footer: ':F',
          'split-chars': ' ',
          'split-suffix': '+',
          'max-messages': 3,
          'faked-sender': 'INFO',
        },
      ],
    });
    await mo(a, 'shaped');
    await waitFor(() => a.received.length === 3, 5000, 'three framed SMS');
    const words = LONG.split(' ');
    expect(a.received.map(textOf).sort()).toEqual(
      [`H:${words.slice(0, 22).join(' ')} :F+`, `H:${words.slice(22, 40).join(' ')} :F+`, `H:${'x'.repeat(50)}:F`].sort(),
    );
    expect(a.received.every((m) => m.sourceAddr === 'INFO')).toBe(true);
  });

  it('accept-x-kannel-headers: the service sets sender, receiver, coding and a dlr-url that gets the receipts; without it they are ignored', async () => {
    const dlr = await service();
    const headers = {
      'content-type': 'text/plain; charset=utf-8',
      'x-kannel-from': '777',
      'x-kannel-to': '46709999999',
      'x-kannel-coding': '2',
      'x-kannel-dlr-mask': '1',
      'x-kannel-dlr-url': `${dlr.base}/dlr?type=%d&to=%p`,
    };
    const svc = await service({ '/hdr': { headers, body: 'with headers' } });
    const { a } = await gateway('rep7', {
      services: [
        { keyword: 'hdr', 'get-url': `${svc.base}/hdr`, 'accept-x-kannel-headers': true },
        { keyword: 'nohdr', 'get-url': `${svc.base}/hdr` },
      ],
    });
    await mo(a, 'hdr');
    await waitFor(() => a.received.length === 1, 5000, 'the answer');
    expect(a.received[0]).toMatchObject({ sourceAddr: '777', destAddr: '46709999999', dataCoding: 8 });
    expect(textOf(a.received[0]!)).toBe('with headers');
    await waitFor(() => dlr.calls.length === 1, 5000, 'the receipt of the answer');
    expect(dlr.calls[0]?.url).toBe('/dlr?type=1&to=46709999999');

    await mo(a, 'nohdr');
    await waitFor(() => a.received.length === 2, 5000, 'the second answer');
    expect(a.received[1]).toMatchObject({ sourceAddr: '4444', destAddr: '46701111111', dataCoding: 0 });
  });

  it("post-xml: the service gets Kannel's XML document, and an HTML answer is cut between prefix and suffix", async () => {
    const svc = await service({
      '/html': { headers: { 'content-type': 'text/html' }, body: '<html><body>junk <b>the answer</b> more</body></html>' },
    });
    const { a } = await gateway('rep8', {
      services: [{ keyword: 'xml', 'post-xml': `${svc.base}/html`, prefix: '<b>', suffix: '</b>', 'strip-keyword': true, name: 'xmlsvc' }],
    });
    await mo(a, 'xml some text');
    await waitFor(() => a.received.length === 1, 5000, 'the answer');
    expect(textOf(a.received[0]!)).toBe('the answer');
    const [call] = svc.calls;
    expect(call?.headers['content-type']).toBe('text/xml; charset="UTF-8"');
    expect(call?.body).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<message cid="1">\n\t<submit>\n {2}\t\t<da> {2}\t\t<number>4444<\/number>\n<\/da>\n {2}\t\t<ud>some\+text<\/ud>\n/,
    );
    expect(call?.body).toContain(
      '  \t\t<from>  \t\t<account>opA</account>\n</from>\n  \t\t<to>  \t\t<service>xmlsvc</service>\n</to>\n\t</submit>\n</message>\n',
    );
  });

  it('exec (with mo.allow-exec) answers with what the command prints', async () => {
    const { a } = await gateway('rep9', {
      mo: { 'allow-exec': true },
      services: [{ keyword: 'echo', exec: 'printf "got %%s" %s', 'catch-all': true }],
    });
    await mo(a, 'echo word');
    await waitFor(() => a.received.length === 1, 5000, 'the answer');
    expect(textOf(a.received[0]!)).toBe('got word');
  });

  it('a keyword match needs as many words as the URL has %s unless catch-all; the default service takes the others', async () => {
    const svc = await service();
    const { a } = await gateway('rep10', {
      services: [
        { keyword: 'wx', 'get-url': `${svc.base}/wx?city=%s` },
        { keyword: 'default', text: 'default answer' },
      ],
    });
    await mo(a, 'wx Oslo');
    await mo(a, 'wx Oslo today');
    await waitFor(() => a.received.length === 2, 5000, 'two answers');
    expect(a.received.map(textOf).sort()).toEqual(['default answer', 'thanks']);
    expect(svc.calls.map((c) => c.url)).toEqual(['/wx?city=Oslo']);
  });
});
