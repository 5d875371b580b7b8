/** How a Kannel command picks its form, and how a one-line reply is wrapped in each; markup escaping. */
import { describe, expect, it } from 'vitest';
import { escapeMarkup } from '../../../src/admin/escape-markup.js';
import { contentType, formatFor, plainReply } from '../../../src/admin/kannel-reply.js';

describe('formatFor', () => {
  it.each([
    ['xml', 'text/html', 'xml'],
    ['txt', 'text/html', 'txt'],
    ['json', undefined, 'json'],
    [undefined, 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'html'],
    [undefined, 'TEXT/XML', 'xml'],
    [undefined, 'application/json', 'json'],
    [undefined, '*/*', 'txt'],
    [undefined, undefined, 'txt'],
  ] as const)('extension %s, Accept %s → %s', (ext, accept, expected) => {
    expect(formatFor(ext, accept)).toBe(expected);
  });
});

describe('plainReply', () => {
  it('is the bare sentence in plain text, as Kannel sends it', () => {
    expect(plainReply('txt', 'Switchboard suspended')).toBe('Switchboard suspended');
  });

  it('is a paragraph of an HTML page, escaped', () => {
    const html = plainReply('html', "SMSC `<x>' shut down");
    expect(html).toContain('<p>SMSC `&lt;x&gt;&#39; shut down</p>');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
  });

  it('is the text of Kannel\'s <gateway> element in XML (what exporters compare with "Denied")', () => {
    expect(plainReply('xml', 'Denied')).toBe('<?xml version="1.0"?>\n<gateway>Denied</gateway>\n');
  });

  it('is a JSON object with the message and the results, or the error body of a refusal', () => {
    expect(JSON.parse(plainReply('json', 'Running resumed', { results: [{ action: 'resume', ok: true, detail: 'x' }] }))).toEqual({
      message: 'Running resumed',
      results: [{ action: 'resume', ok: true, detail: 'x' }],
    });
    expect(JSON.parse(plainReply('json', 'Denied', { error: { code: 'unauthorized', message: 'give it' } }))).toEqual({
      error: { code: 'unauthorized', message: 'give it' },
    });
  });

  it('names a content type per form', () => {
    expect([contentType('txt'), contentType('html'), contentType('xml'), contentType('json')]).toEqual([
      'text/plain; charset=utf-8',
      'text/html; charset=utf-8',
      'text/xml; charset=utf-8',
      'application/json; charset=utf-8',
    ]);
  });
});

describe('escapeMarkup', () => {
  it('escapes the five markup characters', () => {
    expect(escapeMarkup(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
  });

  it('replaces what XML forbids (controls, lone surrogates) and keeps tabs, line breaks and pairs', () => {
    expect(escapeMarkup('a\u0000b\u001bc\td\ne\r\uD83D\uDE00\uD800')).toBe('a\uFFFDb\uFFFDc\td\ne\r\uD83D\uDE00\uFFFD');
  });
});
