import { describe, expect, it } from 'vitest';
import { DEFAULT_REPLY_OPTIONS, type ReplyOptions } from '../../../src/domain/service.js';
import {
  cutBetween,
  EMPTY_REPLY,
  htmlToText,
  planReply,
  UNREPRESENTABLE_REPLY,
  type ReplyMessage,
  type ServiceAnswer,
} from '../../../src/mo/service-reply.js';
import { mo, service } from './builders.js';

const http = (body: string, headers: Record<string, string> = { 'content-type': 'text/plain' }, status = 200): ServiceAnswer => ({
  kind: 'http',
  status,
  headers,
  body: Buffer.from(body, 'utf8'),
});

function messages(answer: ServiceAnswer, reply: Partial<ReplyOptions> = {}, globalSender?: string): ReplyMessage[] {
  const plan = planReply(mo({ from: '46701111111', to: '4444' }), service('k', { reply: { ...DEFAULT_REPLY_OPTIONS, ...reply } }), answer, {
    globalSender,
  });
  if (plan.kind !== 'send') throw new Error(`no reply: ${plan.reason}`);
  return [...plan.messages];
}

const texts = (ms: ReplyMessage[]): string[] => ms.map((m) => m.text.text.toString('utf8'));

describe('planReply', () => {
  it('sends the body back to the MO sender from the number it was sent to, tagged with its smsc-id', () => {
    const [m] = messages(http('thanks'));
    expect(m).toMatchObject({ from: '4444', to: '46701111111', smsc: 'op-a', preferSmscId: 'op-a', dlrMask: undefined });
    expect(m?.text).toEqual({ text: Buffer.from('thanks'), charset: 'utf-8' });
  });

  it("Kannel's sender order: faked-sender, then global-sender, then the MO's receiver", () => {
    expect(messages(http('x'), {}, '9999')[0]?.from).toBe('9999');
    expect(messages(http('x'), { fakedSender: 'INFO' }, '9999')[0]?.from).toBe('INFO');
  });

  it('max-messages 0, omit-empty and answers other than 200/202 send nothing', () => {
    const plan = (a: ServiceAnswer, r: Partial<ReplyOptions>) =>
      planReply(mo(), service('k', { reply: { ...DEFAULT_REPLY_OPTIONS, ...r } }), a, { globalSender: undefined });
    expect(plan(http('x'), { maxMessages: 0 })).toEqual({ kind: 'none', reason: 'max-messages-0' });
    expect(plan(http(''), { omitEmpty: true })).toEqual({ kind: 'none', reason: 'omit-empty' });
    expect(plan(http('x', {}, 204), {})).toEqual({ kind: 'none', reason: 'not-200' });
    expect(plan(http('x', { 'content-type': 'text/plain' }, 202), {}).kind).toBe('send');
  });

  it('an empty answer without omit-empty is Kannel\'s "<Empty reply from service provider>", or mo.reply-emptymessage', () => {
    expect(texts(messages(http('')))).toEqual([EMPTY_REPLY]);
    const plan = planReply(mo(), service('k'), http(''), {
      globalSender: undefined,
      emptyReply: '(nothing)',
      unrepresentableReply: '(binary)',
    });
    expect(plan.kind === 'send' && plan.messages[0]?.text.text.toString()).toBe('(nothing)');
    const odd = planReply(mo(), service('k'), http('x', { 'content-type': 'image/png' }), {
      globalSender: undefined,
      unrepresentableReply: '(binary)',
    });
    expect(odd.kind === 'send' && odd.messages[0]?.text.text.toString()).toBe('(binary)');
  });

  it('a content type SMS cannot carry answers "Result could not be represented…"; assume-plain-text reads an untyped answer as text', () => {
    expect(texts(messages(http('x', { 'content-type': 'image/png' })))).toEqual([UNREPRESENTABLE_REPLY]);
    expect(texts(messages(http('plain', {})))).toEqual([UNREPRESENTABLE_REPLY]);
    expect(texts(messages(http('plain', {}), { assumePlainText: true }))).toEqual(['plain']);
  });

  it('decodes the body with the Content-Type charset', () => {
    const latin1: ServiceAnswer = {
      kind: 'http',
      status: 200,
      headers: { 'content-type': 'text/plain; charset="ISO-8859-1"' },
      body: Buffer.from([0x63, 0x61, 0x66, 0xe9]),
    };
    expect(texts(messages(latin1))).toEqual(['café']);
  });

  it('HTML: cut between prefix and suffix, markup dropped, white space collapsed', () => {
    const html = http('<html><body>junk <B>the\n  answer &amp; more</B> tail</body></html>', { 'content-type': 'text/html' });
    expect(texts(messages(html, { prefix: '<b>', suffix: '</b>' }))).toEqual(['the answer & more']);
    expect(texts(messages(html))).toEqual(['junk the answer & more tail']);
  });

  it('octet-stream is 8-bit data, sent as it came', () => {
    const [m] = messages({
      kind: 'http',
      status: 200,
      headers: { 'content-type': 'application/octet-stream' },
      body: Buffer.from([0, 1, 0xff]),
    });
    expect(m?.text).toEqual({ text: Buffer.from([0, 1, 0xff]), coding: 1 });
  });

  it("text/xml: Kannel's document, its <ud> as the text; its fields count only with accept-x-kannel-headers", () => {
    const xml = http(
      '<?xml version="1.0"?><message><submit><oa><number>777</number></oa><ud>Hello+XML</ud><statusrequest><dlr-mask>1</dlr-mask></statusrequest></submit></message>',
      {
        'content-type': 'text/xml',
      },
    );
    expect(messages(xml)[0]).toMatchObject({ from: '4444', dlrMask: undefined });
    expect(texts(messages(xml))).toEqual(['Hello XML']);
    expect(messages(xml, { acceptXKannelHeaders: true })[0]).toMatchObject({ from: '777', dlrMask: 1 });
  });

  it('X-Kannel-* headers set the answer only with accept-x-kannel-headers, and are listed as ignored otherwise', () => {
    const headers = {
      'content-type': 'text/plain',
      'x-kannel-from': ' 777 ',
      'x-kannel-to': '888',
      'x-kannel-smsc': 'other',
      'x-kannel-coding': '2',
      'x-kannel-dlr-mask': '31',
      'x-kannel-dlr-url': 'http://d/?t=%d',
      'x-kannel-account': 'billing-7',
      'x-kannel-priority': '2',
      'x-kannel-validity': '10',
      'x-kannel-username': 'someone',
    };
    const plan = planReply(mo(), service('k'), http('hi', headers), { globalSender: undefined });
    expect(plan).toMatchObject({
      kind: 'send',
      ignored: ['from', 'to', 'smsc', 'coding', 'dlr-mask', 'dlr-url', 'account', 'priority', 'validity'],
    });
    const [m] = messages(http('hi', headers), { acceptXKannelHeaders: true });
    expect(m).toMatchObject({
      from: '777',
      to: '888',
      smsc: 'other',
      preferSmscId: undefined,
      dlrMask: 31,
      dlrUrl: 'http://d/?t=%d',
      billing: 'billing-7',
      priority: 2,
      validityMinutes: 10,
    });
    expect(m?.text.coding).toBe(2);
  });

  it('max-messages and concatenation: separate SMS (a report asked for the first only), or one joined message', () => {
    const long = 'a'.repeat(200);
    const headers = { 'content-type': 'text/plain', 'x-kannel-dlr-mask': '1', 'x-kannel-dlr-url': 'http://d/' };
    const separate = messages(http(long, headers), { maxMessages: 3, acceptXKannelHeaders: true });
    expect(texts(separate).map((t) => t.length)).toEqual([160, 40]);
    expect(separate.map((m) => m.dlrMask)).toEqual([1, undefined]);
    const joined = messages(http(long, headers), { maxMessages: 3, concatenation: true });
    expect(texts(joined)).toEqual([long]);
    const cut = planReply(mo(), service('k'), http(long), { globalSender: undefined });
    expect(cut).toMatchObject({ kind: 'send', truncated: true });
  });

  it("the service's dlr-url and dlr-mask serve an answer whose headers set no dlr-url", () => {
    expect(messages(http('x'), { dlrUrl: 'http://svc/dlr?t=%d', dlrMask: 31 })[0]).toMatchObject({
      dlrUrl: 'http://svc/dlr?t=%d',
      dlrMask: 31,
    });
    const headers = { 'content-type': 'text/plain', 'x-kannel-dlr-url': 'http://own/', 'x-kannel-dlr-mask': '1' };
    expect(messages(http('x', headers), { dlrUrl: 'http://svc/', dlrMask: 31, acceptXKannelHeaders: true })[0]).toMatchObject({
      dlrUrl: 'http://own/',
      dlrMask: 1,
    });
  });

  it('a text GSM cannot carry is shaped as UCS-2 (70 characters an SMS)', () => {
    expect(texts(messages(http('я'.repeat(100)), { maxMessages: 2 })).map((t) => t.length)).toEqual([70, 30]);
  });

  it('a local (text, file, exec) answer is text', () => {
    expect(texts(messages({ kind: 'local', body: Buffer.from('fixed') }))).toEqual(['fixed']);
  });
});

describe('htmlToText and cutBetween', () => {
  it('drops comments and tags, decodes entities', () => {
    expect(htmlToText('<p>a<!-- x -->b&#65;&#x42;&lt;&nbsp;</p>')).toBe('abAB<');
  });

  it('cuts only when both marks are found, case-insensitively', () => {
    expect(cutBetween('x<B>in</B>y', '<b>', '</b>')).toBe('in');
    expect(cutBetween('x<b>in', '<b>', '</b>')).toBe('x<b>in');
    expect(cutBetween('x<b>in</b>', '<b>', undefined)).toBe('x<b>in</b>');
  });
});
