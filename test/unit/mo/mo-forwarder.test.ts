import { describe, expect, it } from 'vitest';
import { MoCallbackError, MoRequestError } from '../../../src/mo/mo-errors.js';
import { MoForwarder, redactUrl, type FetchLike } from '../../../src/mo/mo-forwarder.js';
import { moRetryDelayMs } from '../../../src/mo/mo-queue.js';
import { mo, service } from './builders.js';

interface Call {
  readonly url: string;
  readonly init: RequestInit;
}

function fakeFetch(answer: (call: Call) => Promise<Response> | Response): { fetch: FetchLike; calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    fetch: async (url, init) => {
      const call = { url, init };
      calls.push(call);
      return answer(call);
    },
  };
}

const weather = service('weather', { getUrl: 'http://svc.example/w?from=%p&text=%a' });
const news = service('news', { getUrl: undefined, postUrl: 'http://svc.example/n' });

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
}

describe('MoForwarder', () => {
  it('GETs the selected service and reports the status', async () => {
    const f = fakeFetch(() => new Response('ok', { status: 200 }));
    const forwarder = new MoForwarder({ services: [weather, news], timeoutMs: 1000, fetch: f.fetch });
    await expect(forwarder.forward(mo({ text: 'weather Oslo' }))).resolves.toEqual({ kind: 'delivered', service: 'weather', status: 200, method: 'GET' });
    expect(f.calls).toHaveLength(1);
    expect(f.calls[0]?.url).toBe('http://svc.example/w?from=%2B4670000001&text=weather+Oslo');
    expect(f.calls[0]?.init.method).toBe('GET');
    expect(f.calls[0]?.init.signal).toBeInstanceOf(AbortSignal);
  });

  it('POSTs with the body and headers to a post-url service; any 2xx counts', async () => {
    const f = fakeFetch(() => new Response(null, { status: 204 }));
    const forwarder = new MoForwarder({ services: [weather, news], timeoutMs: 1000, fetch: f.fetch });
    await expect(forwarder.forward(mo({ text: 'news today' }))).resolves.toMatchObject({ kind: 'delivered', status: 204, method: 'POST' });
    const init = f.calls[0]?.init;
    expect(init?.method).toBe('POST');
    expect(Buffer.from(init?.body as Uint8Array).toString('utf8')).toBe('news today');
    expect((init?.headers as Record<string, string>)['X-Kannel-Service']).toBe('news');
  });

  it('finds no service when nothing matches and there is no default, without sending anything', async () => {
    const f = fakeFetch(() => new Response('ok'));
    const forwarder = new MoForwarder({ services: [weather], timeoutMs: 1000, fetch: f.fetch });
    await expect(forwarder.forward(mo({ text: 'hello' }))).resolves.toEqual({ kind: 'no-service', keyword: 'hello' });
    expect(f.calls).toHaveLength(0);
  });

  it('fails with a status error on anything but 2xx (redirects included)', async () => {
    for (const status of [302, 404, 500, 503]) {
      const forwarder = new MoForwarder({ services: [weather], timeoutMs: 1000, fetch: fakeFetch(() => new Response('no', { status })).fetch });
      const e = await failure(forwarder.forward(mo({ text: 'weather' })));
      expect(e).toBeInstanceOf(MoCallbackError);
      expect(e).toMatchObject({ failure: 'status', status, service: 'weather', url: 'http://svc.example/w?…' });
    }
  });

  it('fails with a timeout error when the service does not answer within timeoutMs', async () => {
    const hang: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    const forwarder = new MoForwarder({ services: [weather], timeoutMs: 30, fetch: hang });
    const started = Date.now();
    const e = await failure(forwarder.forward(mo({ text: 'weather' })));
    expect(e).toMatchObject({ name: 'MoCallbackError', failure: 'timeout' });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('fails with a connection error when the service cannot be reached, keeping the cause', async () => {
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    const forwarder = new MoForwarder({ services: [weather], timeoutMs: 1000, fetch: () => Promise.reject(refused) });
    const e = await failure(forwarder.forward(mo({ text: 'weather' })));
    expect(e).toMatchObject({ name: 'MoCallbackError', failure: 'connection' });
    expect((e as Error).cause).toBe(refused);
  });

  it('fails with a request error, not a retryable one, when the filled URL does not parse', async () => {
    const f = fakeFetch(() => new Response('ok'));
    const broken = service('default', { getUrl: '%a' });
    const e = await failure(new MoForwarder({ services: [broken], timeoutMs: 1000, fetch: f.fetch }).forward(mo({ text: 'hi' })));
    expect(e).toBeInstanceOf(MoRequestError);
    expect(f.calls).toHaveLength(0);
  });
});

describe('redactUrl', () => {
  it('drops the query, which holds the text and the addresses', () => {
    expect(redactUrl('http://h/p?text=secret')).toBe('http://h/p?…');
    expect(redactUrl('http://h/p')).toBe('http://h/p');
  });
});

describe('moRetryDelayMs', () => {
  it('doubles from retryDelayMs after each failure and stops at retryDelayMaxMs', () => {
    const cfg = { retryDelayMs: 100, retryDelayMaxMs: 1000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => moRetryDelayMs(n, cfg))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(moRetryDelayMs(10_000, cfg)).toBe(1000);
  });
});
