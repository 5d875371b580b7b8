import { describe, expect, it } from 'vitest';
import { MoCallbackError, MoRequestError } from '../../../src/mo/mo-errors.js';
import { DEFAULT_DENY_HOSTS, DEFAULT_DENY_NETWORKS } from '../../../src/config/schema.js';
import type { HttpCall, HttpCallResult } from '../../../src/http-client/http-call.js';
import { OutboundGuards } from '../../../src/http-client/outbound-guard.js';
import { MoForwarder, type HttpSend } from '../../../src/mo/mo-forwarder.js';
import { OutboundPolicies } from '../../../src/security/outbound-policy.js';
import { moRetryDelayMs } from '../../../src/mo/mo-queue.js';
import { mo, service } from './builders.js';

type Answer = HttpCallResult;

/** A stand-in for httpCall that records every call and answers as told. */
function fakeSend(answer: (call: HttpCall) => Answer | Promise<Answer>): { send: HttpSend; calls: HttpCall[] } {
  const calls: HttpCall[] = [];
  return {
    calls,
    send: async (call) => {
      calls.push(call);
      return answer(call);
    },
  };
}

const guard = new OutboundGuards(new OutboundPolicies({ networks: DEFAULT_DENY_NETWORKS, hosts: DEFAULT_DENY_HOSTS }, [])).services;

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
  const ok: Answer = { ok: true, status: 200 };

  it('GETs the selected service through the outbound guard and reports the status', async () => {
    const f = fakeSend(() => ok);
    const forwarder = new MoForwarder({ services: [weather, news], timeoutMs: 1000, guard, send: f.send });
    await expect(forwarder.forward(mo({ text: 'weather Oslo' }))).resolves.toEqual({
      kind: 'delivered',
      service: 'weather',
      status: 200,
      method: 'GET',
    });
    expect(f.calls).toHaveLength(1);
    expect(f.calls[0]?.url).toBe('http://svc.example/w?from=%2B4670000001&text=weather+Oslo');
    expect(f.calls[0]?.method).toBe('GET');
    expect(f.calls[0]?.guard).toBe(guard);
  });

  it('POSTs with the body and headers to a post-url service; any 2xx counts', async () => {
    const f = fakeSend(() => ({ ok: true, status: 204 }));
    const forwarder = new MoForwarder({ services: [weather, news], timeoutMs: 1000, guard, send: f.send });
    await expect(forwarder.forward(mo({ text: 'news today' }))).resolves.toMatchObject({ kind: 'delivered', status: 204, method: 'POST' });
    const call = f.calls[0];
    expect(call?.method).toBe('POST');
    expect(Buffer.from(call?.body ?? '').toString('utf8')).toBe('news today');
    expect(call?.headers?.['X-Kannel-Service']).toBe('news');
  });

  it('finds no service when nothing matches and there is no default, without sending anything', async () => {
    const f = fakeSend(() => ok);
    const forwarder = new MoForwarder({ services: [weather], timeoutMs: 1000, guard, send: f.send });
    await expect(forwarder.forward(mo({ text: 'hello' }))).resolves.toEqual({ kind: 'no-service', keyword: 'hello' });
    expect(f.calls).toHaveLength(0);
  });

  it('fails with a status error on anything but 2xx, with the URL redacted', async () => {
    for (const status of [302, 404, 500, 503]) {
      const forwarder = new MoForwarder({
        services: [weather],
        timeoutMs: 1000,
        guard,
        send: fakeSend(() => ({ ok: false, kind: 'status', status, detail: `HTTP ${status}` })).send,
      });
      const e = await failure(forwarder.forward(mo({ text: 'weather' })));
      expect(e).toBeInstanceOf(MoCallbackError);
      expect(e).toMatchObject({ failure: 'status', status, service: 'weather', url: 'http://svc.example/w?…' });
    }
  });

  it('fails with a timeout error, and a connection error keeping the detail, both retryable', async () => {
    const slow = new MoForwarder({
      services: [weather],
      timeoutMs: 30,
      guard,
      send: fakeSend(() => ({ ok: false, kind: 'timeout', detail: 'no answer within 30 ms' })).send,
    });
    expect(await failure(slow.forward(mo({ text: 'weather' })))).toMatchObject({ name: 'MoCallbackError', failure: 'timeout' });
    const down = new MoForwarder({
      services: [weather],
      timeoutMs: 1000,
      guard,
      send: fakeSend(() => ({ ok: false, kind: 'connection', detail: 'ECONNREFUSED' })).send,
    });
    const e = await failure(down.forward(mo({ text: 'weather' })));
    expect(e).toMatchObject({ name: 'MoCallbackError', failure: 'connection' });
    expect(((e as Error).cause as Error).message).toBe('ECONNREFUSED');
  });

  it('fails with a request error, not a retryable one, when the filled URL does not parse or the destination is refused', async () => {
    const broken = service('default', { getUrl: '%a' });
    const e1 = await failure(
      new MoForwarder({
        services: [broken],
        timeoutMs: 1000,
        guard,
        send: fakeSend(() => ({ ok: false, kind: 'bad-url', detail: 'not a valid URL' })).send,
      }).forward(mo({ text: 'hi' })),
    );
    expect(e1).toBeInstanceOf(MoRequestError);
    expect(e1).toMatchObject({ reason: 'invalid-url' });
    const e2 = await failure(
      new MoForwarder({
        services: [weather],
        timeoutMs: 1000,
        guard,
        send: fakeSend(() => ({ ok: false, kind: 'refused', detail: '169.254.169.254 is in a denied network' })).send,
      }).forward(mo({ text: 'weather' })),
    );
    expect(e2).toMatchObject({ name: 'MoRequestError', reason: 'refused', url: 'http://svc.example/w?…' });
  });

  it('with the real httpCall, a service URL naming a denied address is refused before any connection', async () => {
    const metadata = service('default', { getUrl: 'http://169.254.169.254/latest/meta-data?text=%a' });
    const e = await failure(new MoForwarder({ services: [metadata], timeoutMs: 1000, guard }).forward(mo({ text: 'hi' })));
    expect(e).toMatchObject({ name: 'MoRequestError', reason: 'refused' });
    expect((e as Error).message).toContain('169.254.169.254 is in a denied network');
  });
});

describe('moRetryDelayMs', () => {
  it('doubles from retryDelayMs after each failure and stops at retryDelayMaxMs', () => {
    const cfg = { retryDelayMs: 100, retryDelayMaxMs: 1000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => moRetryDelayMs(n, cfg))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(moRetryDelayMs(10_000, cfg)).toBe(1000);
  });
});
