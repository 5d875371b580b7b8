/**
 * From a checked submission to the messages to queue (prepareSubmission), with Kannel's rules from
 * smsbox_req_handle (reference/kannel.md §1.1, §2) and the routing of §4, and switchboard's own differences
 * (README "Differences on purpose": a long text is split whole or refused, never truncated).
 */
import { describe, it, expect } from 'vitest';
import type { Account } from '../../../src/domain/account.js';
import type { ConcatenationMethod, Link } from '../../../src/domain/link.js';
import {
  prepareSubmission,
  resolveSender,
  type PrepareContext,
  type PrepareResult,
  type ReceiverOutcome,
  type Submission,
} from '../../../src/messages/prepare-submission.js';
import { computeRoute } from '../../../src/routing/compute-route.js';
import { makeAccount, makeLink } from '../domain-builders.js';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);

function submission(over: Partial<Submission> = {}): Submission {
  return {
    account: makeAccount(),
    from: '4711',
    receivers: ['46700000001'],
    text: { text: Buffer.from('hello') },
    smsc: undefined,
    validityMinutes: undefined,
    deferredMinutes: undefined,
    dlrMask: undefined,
    dlrUrl: undefined,
    protocolId: undefined,
    replyPath: undefined,
    priority: undefined,
    billing: undefined,
    binfo: undefined,
    metaData: undefined,
    ...over,
  };
}

function context(over: Partial<PrepareContext> = {}): PrepareContext {
  return {
    links: [makeLink('carrier')],
    globalSender: undefined,
    sendsmsChars: '0123456789 +-',
    nowMs: NOW,
    ...over,
  };
}

function outcomes(r: PrepareResult): readonly ReceiverOutcome[] {
  if (!r.ok) throw new Error(`expected success, got ${JSON.stringify(r.error)}`);
  return r.outcomes;
}

function queued(r: PrepareResult): Extract<ReceiverOutcome, { kind: 'queue' }>[] {
  return outcomes(r).filter((o): o is Extract<ReceiverOutcome, { kind: 'queue' }> => o.kind === 'queue');
}

describe('sender precedence: faked-sender > from > default-sender > global-sender', () => {
  it.each([
    // [faked, from, default, global, expected]
    ['FAKED', 'FROM', 'DEFAULT', 'GLOBAL', 'FAKED'],
    [undefined, 'FROM', 'DEFAULT', 'GLOBAL', 'FROM'],
    [undefined, undefined, 'DEFAULT', 'GLOBAL', 'DEFAULT'],
    [undefined, undefined, undefined, 'GLOBAL', 'GLOBAL'],
    ['FAKED', undefined, undefined, undefined, 'FAKED'],
    [undefined, 'FROM', undefined, undefined, 'FROM'],
    // an empty value counts as not given (octstr_len(from) > 0)
    ['', '', 'DEFAULT', 'GLOBAL', 'DEFAULT'],
    [undefined, '', '', 'GLOBAL', 'GLOBAL'],
    [undefined, undefined, undefined, undefined, undefined],
    ['', '', '', '', undefined],
  ] as const)('faked %j, from %j, default %j, global %j → %j', (fakedSender, from, defaultSender, globalSender, expected) => {
    const account = makeAccount({ fakedSender, defaultSender });
    expect(resolveSender(account, from, globalSender)).toBe(expected);
    const r = prepareSubmission(submission({ account, from }), context({ globalSender }));
    if (expected === undefined) expect(r).toEqual({ ok: false, error: { code: 'sender-missing' } });
    else expect(queued(r)[0]?.message.from).toBe(expected);
  });
});

describe('receivers: sendsms-chars and the account prefixes', () => {
  it.each([
    // [what, sendsms-chars, account rules, receivers, allowed, denied]
    ['digits', '0123456789 +-', {}, ['46700000001'], ['46700000001'], []],
    ['a leading +', '0123456789 +-', {}, ['+46700000001'], ['+46700000001'], []],
    ['a dash', '0123456789 +-', {}, ['4670-000001'], ['4670-000001'], []],
    ['a letter is denied', '0123456789 +-', {}, ['4670000000a'], [], ['4670000000a']],
    ['a dot is denied', '0123456789 +-', {}, ['4670.0001'], [], ['4670.0001']],
    ['non-ASCII digits are denied', '0123456789 +-', {}, ['٤٦٧٠'], [], ['٤٦٧٠']],
    ['custom chars without +', '0123456789', {}, ['+4670', '4670'], ['4670'], ['+4670']],
    ['some allowed, some denied, order kept', '0123456789 +-', {}, ['1', 'x', '2', 'y'], ['1', '2'], ['x', 'y']],
    ['allowed-prefix', '0123456789 +-', { allowedPrefix: ['46'] }, ['4670', '4770'], ['4670'], ['4770']],
    ['allowed-prefix, several', '0123456789 +-', { allowedPrefix: ['46', '47'] }, ['4670', '4770', '4870'], ['4670', '4770'], ['4870']],
    ['denied-prefix', '0123456789 +-', { deniedPrefix: ['4670'] }, ['46701', '46711'], ['46711'], ['46701']],
    [
      'allowed and denied prefixes, no overlap',
      '0123456789 +-',
      { allowedPrefix: ['46'], deniedPrefix: ['47'] },
      ['4612', '4712', '4812'],
      ['4612'],
      ['4712', '4812'],
    ],
    ['chars are checked before prefixes', '0123456789', { allowedPrefix: ['+46'] }, ['+4670'], [], ['+4670']],
  ] as const)('%s', (_what, sendsmsChars, rules, receivers, allowed, denied) => {
    const r = prepareSubmission(submission({ account: makeAccount(rules), receivers }), context({ sendsmsChars }));
    if (allowed.length === 0) {
      expect(r).toEqual({ ok: false, error: { code: 'receivers-denied', denied } });
      return;
    }
    if (!r.ok) throw new Error('expected success');
    expect(r.denied).toEqual(denied);
    expect(r.outcomes.map((o) => (o.kind === 'queue' ? o.message.to : o.to))).toEqual(allowed);
  });
});

describe('text encoding errors', () => {
  it.each([
    ['coding 0 with a character outside GSM 03.38', { text: Buffer.from('Привет'), coding: 0 as const }, 'unencodable', /U\+041F/],
    ['invalid UTF-8', { text: Buffer.from([0xff, 0xfe, 0xc3]) }, 'charset', /not valid utf-8/],
    ['an unknown charset', { text: Buffer.from('x'), charset: 'x-nope' }, 'charset', /x-nope/],
  ])('%s', (_what, text, code, detail) => {
    const r = prepareSubmission(submission({ text }), context());
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe(code);
    expect(r.error).toHaveProperty('detail', expect.stringMatching(detail));
  });

  it.each([
    ['GSM text', { text: Buffer.from('hello @£$') }, 'gsm7', 0x00],
    ['text outside GSM, no coding: UCS-2', { text: Buffer.from('Привет') }, 'ucs2', 0x08],
    ['coding 2', { text: Buffer.from('hi'), coding: 2 as const, charset: 'utf-8' }, 'ucs2', 0x08],
    ['a udh makes it 8-bit', { text: Buffer.from('hi'), udh: Buffer.from('050003cc0201', 'hex') }, 'binary', 0x04],
    ['Latin-1 bytes with charset', { text: Buffer.from([0x63, 0x61, 0x66, 0xe9]), charset: 'ISO-8859-1' }, 'gsm7', 0x00],
  ])('%s → %s, data_coding %d', (_what, text, alphabet, dataCoding) => {
    const [q] = queued(prepareSubmission(submission({ text }), context()));
    expect(q?.message.alphabet).toBe(alphabet);
    expect(q?.message.dataCoding).toBe(dataCoding);
  });
});

describe("too many parts: counted with the route's least generous concatenation method", () => {
  // 306 GSM characters: 2 parts of 153 with an 8-bit reference, 3 of 152 with a 16-bit one, 2 of 160 with SAR,
  // 1 with message_payload
  const text306 = { text: Buffer.from('a'.repeat(306)) };
  const link = (id: string, concatenation: ConcatenationMethod, over: Parameters<typeof makeLink>[1] = {}): Link =>
    makeLink(id, { concatenation, ...over });

  it.each([
    ['udh8', [link('a', 'udh8')], 2],
    ['udh16', [link('a', 'udh16')], 3],
    ['sar', [link('a', 'sar')], 2],
    ['payload', [link('a', 'payload')], 1],
    ['udh8 and payload: the udh8 count', [link('a', 'udh8'), link('b', 'payload')], 2],
    ['udh8 and udh16 in one tier: the udh16 count', [link('a', 'udh8'), link('b', 'udh16')], 3],
    ['a udh16 fallback counts too', [link('a', 'udh8', { routing: { preferredSmscId: ['X'] } }), link('b', 'udh16')], 3],
    ['a udh16 link outside the route does not count', [link('a', 'udh8'), link('b', 'udh16', { routing: { deniedSmscId: ['X'] } })], 2],
    ['a udh16 receive-only link does not count', [link('a', 'udh8'), link('b', 'udh16', { port: 0, receivePort: 2776 })], 2],
  ])('%s → %d parts', (_what, links, parts) => {
    const ok = prepareSubmission(submission({ text: text306, smsc: 'X', account: makeAccount({ maxMessages: 3 }) }), context({ links }));
    expect(queued(ok)[0]?.parts).toBe(parts);
    const tooMany = prepareSubmission(
      submission({ text: text306, smsc: 'X', account: makeAccount({ maxMessages: parts - 1 || 1 }) }),
      context({ links }),
    );
    if (parts > 1) expect(tooMany).toEqual({ ok: false, error: { code: 'too-many-parts', parts, max: parts - 1 } });
    else expect(tooMany.ok).toBe(true);
  });

  it.each([
    [160, 1],
    [161, 2],
    [306, 2],
    [307, 3],
  ])('%d GSM characters over udh8 → %d parts', (length, parts) => {
    const r = prepareSubmission(submission({ text: { text: Buffer.from('x'.repeat(length)) } }), context());
    expect(queued(r)[0]?.parts).toBe(parts);
  });

  it('exactly max-messages parts is accepted; one more is refused (never truncated)', () => {
    const account = makeAccount({ maxMessages: 2 });
    expect(queued(prepareSubmission(submission({ account, text: { text: Buffer.from('x'.repeat(306)) } }), context()))[0]?.parts).toBe(2);
    expect(prepareSubmission(submission({ account, text: { text: Buffer.from('x'.repeat(307)) } }), context())).toEqual({
      ok: false,
      error: { code: 'too-many-parts', parts: 3, max: 2 },
    });
  });

  it("the user's udh is counted in every part", () => {
    // 8-bit: 140 octets fit one SMS with no header; with a 6-octet udh only 134
    const udh = Buffer.from('0605040b8423f0', 'hex');
    const r = prepareSubmission(
      submission({ text: { text: Buffer.alloc(134, 0x41), udh: udh.subarray(0, 6) }, account: makeAccount({ maxMessages: 5 }) }),
      context(),
    );
    expect(queued(r)[0]?.parts).toBe(1);
    const r2 = prepareSubmission(
      submission({ text: { text: Buffer.alloc(135, 0x41), udh: udh.subarray(0, 6) }, account: makeAccount({ maxMessages: 5 }) }),
      context(),
    );
    expect(queued(r2)[0]?.parts).toBe(2);
  });

  it('one receiver over the limit refuses the whole request', () => {
    const links = [
      makeLink('wide', { concatenation: 'payload', routing: { allowedPrefix: ['46'] } }),
      makeLink('narrow', { concatenation: 'udh16', routing: { allowedPrefix: ['47'] } }),
    ];
    const r = prepareSubmission(
      submission({ receivers: ['4670', '4770'], text: { text: Buffer.from('y'.repeat(306)) }, account: makeAccount({ maxMessages: 2 }) }),
      context({ links }),
    );
    expect(r).toEqual({ ok: false, error: { code: 'too-many-parts', parts: 3, max: 2 } });
  });
});

describe('routing each receiver', () => {
  it('a receiver no link can carry is not-routable; the others are queued', () => {
    const links = [makeLink('se', { routing: { allowedPrefix: ['46'] } })];
    const r = prepareSubmission(submission({ receivers: ['46700000001', '4470000000', '46700000002'] }), context({ links }));
    expect(outcomes(r).map((o) => [o.kind, o.kind === 'queue' ? o.message.to : o.to])).toEqual([
      ['queue', '46700000001'],
      ['not-routable', '4470000000'],
      ['queue', '46700000002'],
    ]);
    expect(outcomes(r)[1]).toEqual({ kind: 'not-routable', to: '4470000000', reason: 'no link may carry a message to 4470000000' });
  });

  it('every receiver not routable is still ok: true (the HTTP layer answers "Not routable")', () => {
    const r = prepareSubmission(submission({ smsc: 'X' }), context({ links: [makeLink('a', { routing: { deniedSmscId: ['X'] } })] }));
    expect(outcomes(r)).toEqual([{ kind: 'not-routable', to: '46700000001', reason: 'no link may carry smsc-id "X" to 46700000001' }]);
  });

  it('the message carries its route key and the smsc-id it was routed with (forced > smsc > default)', () => {
    const links = [makeLink('p', { routing: { preferredSmscId: ['R'] } }), makeLink('b')];
    for (const [account, smsc, expected] of [
      [makeAccount({ forcedSmsc: 'R' }), 'OTHER', 'R'],
      [makeAccount({ defaultSmsc: 'R' }), undefined, 'R'],
      [makeAccount({ defaultSmsc: 'D' }), 'R', 'R'],
      [makeAccount(), undefined, undefined],
    ] as const) {
      const [q] = queued(prepareSubmission(submission({ account, smsc }), context({ links })));
      expect(q?.message.smscId).toBe(expected);
      const decision = computeRoute(links, expected, '46700000001');
      expect(decision.kind).toBe('send');
      if (decision.kind === 'send') {
        expect(q?.route).toEqual(decision.route);
        expect(q?.message.route).toBe(decision.route.key);
      }
      if (expected === undefined) expect(q?.message).not.toHaveProperty('smscId');
    }
  });
});

describe('the queued message', () => {
  it('has every field of the submission, with validity and deferred as absolute times from now', () => {
    const account: Account = makeAccount({ username: 'acme', name: 'Acme alerts' });
    const r = prepareSubmission(
      submission({
        account,
        receivers: ['46700000001', '+46700000002'],
        text: { text: Buffer.from('hi'), udh: Buffer.from('050003cc0201', 'hex') },
        smsc: 'carrier',
        validityMinutes: 90,
        deferredMinutes: 5,
        dlrMask: 31,
        dlrUrl: 'http://example.com/dlr?s=%d',
        protocolId: 64,
        replyPath: true,
        priority: 3,
        billing: 'cost-center-7',
        binfo: 'bi',
        metaData: '?orig?x=1',
      }),
      context(),
    );
    const [a, b] = queued(r);
    expect(a?.message).toEqual({
      account: 'acme',
      service: 'Acme alerts',
      from: '4711',
      to: '46700000001',
      dataCoding: 0x04,
      alphabet: 'binary',
      body: Buffer.from('hi').toString('base64'),
      udh: Buffer.from('050003cc0201', 'hex').toString('base64'),
      protocolId: 64,
      replyPath: true,
      priority: 3,
      validUntil: NOW + 90 * 60_000,
      deliverAt: NOW + 5 * 60_000,
      dlrMask: 31,
      dlrUrl: 'http://example.com/dlr?s=%d',
      billing: 'cost-center-7',
      binfo: 'bi',
      metaData: '?orig?x=1',
      smscId: 'carrier',
      route: a?.route.key,
      acceptedAt: NOW,
    });
    expect(b?.message).toEqual({ ...a?.message, to: '+46700000002' });
    expect(a?.parts).toBe(1);
  });

  it('leaves out what was not given; priority defaults to 0', () => {
    const [q] = queued(prepareSubmission(submission(), context()));
    expect(q?.message).toEqual({
      account: 'user',
      service: 'user',
      from: '4711',
      to: '46700000001',
      dataCoding: 0,
      alphabet: 'gsm7',
      body: Buffer.from('hello').toString('base64'),
      priority: 0,
      route: q?.route.key,
      acceptedAt: NOW,
    });
  });

  it.each([
    // dlr-mask 0 and -1 (Kannel's undefined) ask for nothing
    [{ dlrMask: 0 }, 'dlrMask', false],
    [{ dlrMask: -1 }, 'dlrMask', false],
    [{ dlrMask: 1 }, 'dlrMask', true],
    [{ replyPath: false }, 'replyPath', false],
    [{ protocolId: 0 }, 'protocolId', true],
    [{ validityMinutes: 0 }, 'validUntil', true],
    [{ deferredMinutes: 0 }, 'deliverAt', true],
    [{ dlrUrl: '' }, 'dlrUrl', false],
    [{ billing: '' }, 'billing', false],
  ] as const)('%j → has %s: %s', (over, field, present) => {
    const [q] = queued(prepareSubmission(submission(over), context()));
    if (present) expect(q?.message).toHaveProperty(field);
    else expect(q?.message).not.toHaveProperty(field);
  });

  it.each([
    [0, NOW],
    [1, NOW + 60_000],
    [1440, NOW + 86_400_000],
  ])('validity %d minutes → validUntil now + %d', (minutes, at) => {
    const [q] = queued(prepareSubmission(submission({ validityMinutes: minutes, deferredMinutes: minutes }), context()));
    expect(q?.message.validUntil).toBe(at);
    expect(q?.message.deliverAt).toBe(at);
  });

  it('one message per routable receiver, in receiver order (ids are given when they are queued)', () => {
    const r = prepareSubmission(
      submission({ receivers: ['1', 'bad', '2', '3'] }),
      context({ links: [makeLink('a', { routing: { deniedPrefix: ['3'] } })] }),
    );
    expect(queued(r).map((q) => q.message.to)).toEqual(['1', '2']);
    expect(queued(r).every((q) => !('id' in q.message))).toBe(true);
  });
});

describe('a user data header that leaves no room for the text', () => {
  it('is refused as such, not as a text needing "Infinity" parts', () => {
    const udh = Buffer.concat([Buffer.from([139]), Buffer.alloc(139, 0x00)]);
    const r = prepareSubmission(submission({ text: { text: Buffer.from('hello'), udh } }), context());
    expect(r).toEqual({ ok: false, error: { code: 'udh-no-room', udhOctets: 140 } });
    // alone, with no text, it fits one part
    expect(queued(prepareSubmission(submission({ text: { text: Buffer.alloc(0), udh } }), context()))).toHaveLength(1);
  });
});
