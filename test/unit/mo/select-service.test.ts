import { describe, expect, it } from 'vitest';
import { firstWord, selectService } from '../../../src/mo/select-service.js';
import { service } from './builders.js';

const weather = service('weather', { aliases: ['wx', 'väder'] });
const news = service('news');
const fallback = service('default', { name: 'catch-all' });

function chosen(services: Parameters<typeof selectService>[0], text: string, smscId = 'op-a'): string | undefined {
  const s = selectService(services, text, smscId);
  return s.kind === 'none' ? undefined : s.service.name;
}

describe('firstWord', () => {
  it('skips leading white space of every C isspace kind and stops at the next', () => {
    expect(firstWord(' \t\r\nWX\vOslo')).toBe('WX');
    expect(firstWord('weather\fOslo')).toBe('weather');
  });

  it('is undefined for an empty or blank text', () => {
    expect(firstWord('')).toBeUndefined();
    expect(firstWord(' \t ')).toBeUndefined();
  });
});

describe('selectService', () => {
  it('matches the first word to a keyword, case-insensitively', () => {
    expect(selectService([news, weather, fallback], 'WEATHER Oslo', 'op-a')).toMatchObject({
      kind: 'keyword',
      keyword: 'weather',
      service: { name: 'weather' },
    });
  });

  it('matches an alias, including one outside ASCII', () => {
    expect(chosen([news, weather], 'wx Oslo')).toBe('weather');
    expect(chosen([news, weather], 'Väder Oslo')).toBe('weather');
  });

  it('only looks at the first word', () => {
    expect(chosen([news, weather, fallback], 'what is the weather')).toBe('catch-all');
  });

  it('needs the whole word: a keyword that is a prefix of the word does not match', () => {
    expect(chosen([news, weather, fallback], 'weatherman')).toBe('catch-all');
  });

  it('falls back to the default service when no keyword matches, or the text is empty', () => {
    expect(selectService([weather, fallback], 'hello', 'op-a')).toMatchObject({ kind: 'default', keyword: 'hello' });
    expect(selectService([weather, fallback], '', 'op-a')).toMatchObject({ kind: 'default', keyword: undefined });
  });

  it('reports none when nothing matches and there is no default', () => {
    expect(selectService([weather, news], 'hello there', 'op-a')).toEqual({ kind: 'none', keyword: 'hello' });
  });

  it('skips a keyword service that does not accept the smsc-id, for the next one of that keyword or the default', () => {
    const pinned = service('weather', { name: 'weather-b', acceptedSmsc: ['op-b'] });
    const open = service('weather', { name: 'weather-any' });
    expect(chosen([pinned, fallback], 'weather', 'op-a')).toBe('catch-all');
    expect(chosen([pinned, fallback], 'weather', 'op-b')).toBe('weather-b');
    expect(chosen([pinned, open], 'weather', 'op-a')).toBe('weather-any');
  });

  it('takes the first of several services with the same keyword, in configuration order', () => {
    const one = service('weather', { name: 'one' });
    const two = service('weather', { name: 'two' });
    expect(chosen([one, two], 'weather')).toBe('one');
  });

  it('applies accepted-smsc to the default service too (Kannel find_default_translation)', () => {
    const pinnedDefault = service('default', { acceptedSmsc: ['op-b', 'op-c'] });
    expect(selectService([pinnedDefault], 'hi', 'op-a').kind).toBe('none');
    expect(chosen([pinnedDefault], 'hi', 'op-c')).toBe('default');
  });

  it('does not treat the word "default" as a keyword of its own', () => {
    const other = service('default', { name: 'op-b-default', acceptedSmsc: ['op-b'] });
    expect(selectService([other], 'default please', 'op-a')).toEqual({ kind: 'none', keyword: 'default' });
  });

  it('compares keywords and aliases as lower case even when a Service was built with capitals', () => {
    expect(chosen([service('Weather', { aliases: ['WX'] })], 'wx')).toBe('Weather');
  });
});

describe('selectService: accepted-account and the number of words (Kannel check_num_args)', () => {
  it('skips a service whose accepted-account does not list the bind the MO came in on', () => {
    const pinned = service('weather', { name: 'pinned', acceptedAccount: ['esme-b'] });
    expect(selectService([pinned, fallback], 'weather', 'op-a', undefined, 'esme-a')).toMatchObject({ kind: 'default' });
    expect(selectService([pinned, fallback], 'weather', 'op-a', undefined, 'esme-b')).toMatchObject({
      kind: 'keyword',
      service: { name: 'pinned' },
    });
  });

  it('needs as many words after the keyword as %s/%S in the pattern, at least as many with %r or %a', () => {
    const one = service('wx', { getUrl: 'http://x/?city=%s' });
    const rest = service('wx', { getUrl: 'http://x/?city=%s&rest=%r' });
    const none = service('wx', { text: 'fixed', getUrl: undefined });
    expect(chosen([one, fallback], 'wx Oslo')).toBe('wx');
    expect(chosen([one, fallback], 'wx Oslo today')).toBe('catch-all');
    expect(chosen([one, fallback], 'wx')).toBe('catch-all');
    expect(chosen([rest, fallback], 'wx Oslo today and tomorrow')).toBe('wx');
    expect(chosen([none, fallback], 'wx')).toBe('wx');
    expect(chosen([none, fallback], 'wx extra')).toBe('catch-all');
  });

  it('catch-all, post-url and post-xml take any number of words', () => {
    expect(chosen([service('wx', { getUrl: 'http://x/', catchAll: true })], 'wx a b c')).toBe('wx');
    expect(chosen([service('wx', { getUrl: undefined, postUrl: 'http://x/' })], 'wx a b c')).toBe('wx');
    expect(chosen([service('wx', { getUrl: undefined, postXml: 'http://x/' })], 'wx a b c')).toBe('wx');
  });
});
