import { describe, expect, it } from 'vitest';
import { buildMoRequest, headerValue, kannelHeaderTime, stripKeyword } from '../../../src/mo/build-mo-request.js';
import { mo, service } from './builders.js';

describe('buildMoRequest: get-url', () => {
  it('fills the MO escape codes: handset = sender, service address = receiver, text words, smsc, service, time', () => {
    const svc = service('weather', {
      name: 'Weather svc',
      getUrl: 'http://svc.example/mo?from=%p&to=%P&q=%q&text=%a&b=%b&kw=%k&rest=%r&s=%s&smsc=%i&svc=%n&t=%t&T=%T',
    });
    const req = buildMoRequest(mo(), svc);
    expect(req.method).toBe('GET');
    expect(req.body).toBeUndefined();
    expect(req.url).toBe(
      'http://svc.example/mo?from=%2B4670000001&to=1234&q=%2B4670000001&text=Weather+in+Oslo&b=Weather+in+Oslo' +
        '&kw=Weather&rest=in+Oslo&s=in&smsc=op-a&svc=Weather+svc&t=2024-03-05+06:07:08&T=1709618828',
    );
  });

  it('fills coding, charset, dcs, binfo (service_type), account, udh, mclass, mwi and the id', () => {
    const svc = service('x', { getUrl: 'http://h/?c=%c&C=%C&O=%O&B=%B&o=%o&U=%U&u=%u&m=%m&M=%M&I=%I' });
    const req = buildMoRequest(
      mo({ dataCoding: 0x18, serviceType: 'WAP', account: 'esme', udhHex: '0605040b8423f0', mclass: 1, mwi: 5 }),
      svc,
    );
    expect(req.url).toBe(
      'http://h/?c=0&C=UTF-8&O=24&B=WAP&o=esme&U=0605040B8423F0&u=%06%05%04%0B%84%23%F0&m=1&M=5' +
        '&I=00000000-0000-4000-8000-000000000001',
    );
  });

  it('URL-encodes non-ASCII text as UTF-8 (the text is always UTF-8, as Kannel with mo-recode)', () => {
    const req = buildMoRequest(mo({ text: 'Привет €', dataCoding: 8 }), service('x', { getUrl: 'http://h/?t=%a&c=%c' }));
    expect(req.url).toBe('http://h/?t=%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82+%E2%82%AC&c=0');
  });

  it('passes 8-bit data as its octets, coding 1', () => {
    const req = buildMoRequest(
      mo({ text: '\u0000\u00ff', coding: 1, binaryHex: '00ff', dataCoding: 4 }),
      service('x', { getUrl: 'http://h/?b=%b&e=%e&c=%c&C=%C' }),
    );
    expect(req.url).toBe('http://h/?b=%00%FF&e=00FF&c=1&C=8-BIT');
  });

  it('says which parts never came for a message handed on after the reassembly timeout', () => {
    const svc = service('x', { getUrl: 'http://h/?missing=%#switchboard#missing#&parts=%#switchboard#parts#&t=%a' });
    const req = buildMoRequest(mo({ text: 'part one', parts: 3, missing: [2, 3] }), svc);
    expect(req.url).toBe('http://h/?missing=2%2C3&parts=3&t=part+one');
    expect(buildMoRequest(mo(), svc).url).toBe('http://h/?missing=&parts=&t=Weather+in+Oslo');
  });
});

describe('buildMoRequest: post-url', () => {
  const post = service('news', { name: 'News', getUrl: undefined, postUrl: 'http://h/in?from=%p&kw=%k' });

  it('POSTs the text as UTF-8 with the X-Kannel headers, escape codes filled in the URL', () => {
    const req = buildMoRequest(mo({ text: 'news ä', serviceType: 'bill-1', protocolId: 0x40 }), post);
    expect(req.method).toBe('POST');
    expect(req.url).toBe('http://h/in?from=%2B4670000001&kw=news');
    expect(req.body?.toString('utf8')).toBe('news ä');
    expect(req.headers).toEqual({
      'User-Agent': 'switchboard',
      'Content-Type': 'text/plain; charset=utf-8',
      'X-Kannel-From': '+4670000001',
      'X-Kannel-To': '1234',
      'X-Kannel-Time': '2024-03-05 06:07:08',
      'X-Kannel-SMSC': 'op-a',
      'X-Kannel-PID': '64',
      'X-Kannel-Coding': '0',
      'X-Kannel-Service': 'News',
      'X-Kannel-BInfo': 'bill-1',
    });
  });

  it('adds UDH, class, MWI and the missing parts when there are any', () => {
    const req = buildMoRequest(mo({ udhHex: '0605040b8423f0', mclass: 0, mwi: 1, missing: [3], parts: 3 }), post);
    expect(req.headers['X-Kannel-UDH']).toBe('%06%05%04%0B%84%23%F0');
    expect(req.headers['X-Kannel-MClass']).toBe('0');
    expect(req.headers['X-Kannel-MWI']).toBe('1');
    expect(req.headers['X-Switchboard-Missing-Parts']).toBe('3');
  });

  it('sends 8-bit data as application/octet-stream with its octets', () => {
    const req = buildMoRequest(mo({ text: '\u0001\u0080', coding: 1, binaryHex: '0180' }), post);
    expect(req.headers['Content-Type']).toBe('application/octet-stream');
    expect(req.headers['X-Kannel-Coding']).toBe('1');
    expect([...(req.body ?? [])]).toEqual([0x01, 0x80]);
  });

  it('never puts a non-ASCII value or a line break into a header', () => {
    const req = buildMoRequest(mo({ from: 'Télé\r\nX-Evil: 1' }), post);
    expect(req.headers['X-Kannel-From']).toBe('T%C3%A9l%C3%A9%0D%0AX-Evil%3A+1');
    expect(headerValue('plain text 1')).toBe('plain text 1');
  });
});

describe('kannelHeaderTime', () => {
  it('is UTC with a space, as smsbox writes X-Kannel-Time', () => {
    expect(kannelHeaderTime(Date.UTC(1999, 11, 31, 23, 59, 59))).toBe('1999-12-31 23:59:59');
  });
});

describe('buildMoRequest: send-sender, strip-keyword, post-xml', () => {
  it('send-sender adds X-Kannel-From to a get-url request', () => {
    expect(buildMoRequest(mo(), service('w', { getUrl: 'http://x/' })).headers['X-Kannel-From']).toBeUndefined();
    expect(buildMoRequest(mo(), service('w', { getUrl: 'http://x/', sendSender: true })).headers['X-Kannel-From']).toBe('+4670000001');
  });

  it('strip-keyword sends a POST without its first word (Kannel keeps the word when the text starts with white space)', () => {
    const post = service('w', { getUrl: undefined, postUrl: 'http://x/', stripKeyword: true });
    expect(buildMoRequest(mo({ text: 'Weather in  Oslo' }), post).body?.toString()).toBe('in  Oslo');
    expect(buildMoRequest(mo({ text: ' Weather in Oslo' }), post).body?.toString()).toBe('Weather in Oslo');
    expect(stripKeyword(Buffer.from('word'))).toEqual(Buffer.alloc(0));
  });

  it("post-xml POSTs Kannel's document to the URL with the escape codes filled in", () => {
    const req = buildMoRequest(
      mo({ text: 'Weather in Oslo' }),
      service('w', { getUrl: undefined, postXml: 'http://x/xml?from=%p', sendSender: true }),
    );
    expect(req).toMatchObject({
      method: 'POST',
      url: 'http://x/xml?from=%2B4670000001',
      headers: { 'Content-Type': 'text/xml; charset="UTF-8"' },
    });
    const body = req.body?.toString() ?? '';
    expect(body).toContain('  \t\t<oa>  \t\t<number>+4670000001</number>\n</oa>\n  \t\t<da>  \t\t<number>1234</number>\n</da>\n');
    expect(body).toContain('  \t\t<ud>Weather+in+Oslo</ud>\n');
    expect(body).toContain('<year>2024</year><month>03</month><day>05</day><hour>06</hour><minute>07</minute><second>08</second>');
  });
});
