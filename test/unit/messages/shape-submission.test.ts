import { describe, expect, it } from 'vitest';
import type { AccountShaping } from '../../../src/domain/account.js';
import { shapeSubmission } from '../../../src/messages/shape-submission.js';

const shaping = (over: Partial<AccountShaping> = {}): AccountShaping => ({
  header: undefined,
  footer: undefined,
  splitChars: undefined,
  splitSuffix: undefined,
  concatenation: true,
  omitEmpty: false,
  ...over,
});

const texts = (r: ReturnType<typeof shapeSubmission>): string[] => (r.ok ? r.texts.map((t) => t.text.toString('utf8')) : []);

describe('shapeSubmission', () => {
  it('without shaping the text goes as it came', () => {
    const text = { text: Buffer.from('hi') };
    expect(shapeSubmission(text, { maxMessages: 10, shaping: undefined })).toEqual({ ok: true, texts: [text] });
  });

  it('header and footer frame a text that fits; concatenation joins the pieces into one message', () => {
    expect(texts(shapeSubmission({ text: Buffer.from('hi') }, { maxMessages: 1, shaping: shaping({ header: '[', footer: ']' }) }))).toEqual(
      ['[hi]'],
    );
    expect(texts(shapeSubmission({ text: Buffer.from('a'.repeat(200)) }, { maxMessages: 3, shaping: shaping({ header: '>' }) }))).toEqual([
      `>${'a'.repeat(152)}>${'a'.repeat(48)}`,
    ]);
  });

  it('concatenation = false: one text per SMS', () => {
    const r = shapeSubmission({ text: Buffer.from('a'.repeat(200)) }, { maxMessages: 3, shaping: shaping({ concatenation: false }) });
    expect(texts(r).map((t) => t.length)).toEqual([160, 40]);
  });

  it('more pieces than max-messages is refused with the number needed, never cut', () => {
    expect(shapeSubmission({ text: Buffer.from('a'.repeat(400)) }, { maxMessages: 2, shaping: shaping({ concatenation: false }) })).toEqual(
      {
        ok: false,
        error: { code: 'too-many-parts', parts: 3, max: 2 },
      },
    );
  });

  it('a text GSM cannot carry is cut as UCS-2 and sent as UCS-2; the charset is read first', () => {
    const r = shapeSubmission(
      { text: Buffer.from('я'.repeat(100), 'utf16le').swap16(), charset: 'utf-16be' },
      { maxMessages: 2, shaping: shaping({ concatenation: false }) },
    );
    expect(r.ok && r.texts.map((t) => [t.coding, t.charset, t.text.toString('utf8').length])).toEqual([
      [2, 'utf-8', 70],
      [2, 'utf-8', 30],
    ]);
    expect(shapeSubmission({ text: Buffer.from([0xff]), charset: 'utf-8' }, { maxMessages: 1, shaping: shaping() })).toMatchObject({
      ok: false,
      error: { code: 'charset' },
    });
  });

  it('8-bit data goes unshaped', () => {
    const data = { text: Buffer.from([1, 2, 3]), coding: 1 as const };
    expect(shapeSubmission(data, { maxMessages: 1, shaping: shaping({ header: 'H' }) })).toEqual({ ok: true, texts: [data] });
  });
});
