/** URLs as logs may show them: no credentials, no query, no fragment. */
import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../../src/observability/redact-url.js';

describe('redactUrl', () => {
  it.each([
    ['https://user:pass@host/path?token=abc', 'https://***@host/path?…'],
    ['http://h/p?text=secret', 'http://h/p?…'],
    ['http://h/p', 'http://h/p'],
    ['http://h:8080', 'http://h:8080'],
    ['http://h/p#frag', 'http://h/p?…'],
    ['http://token@h:81/dlr?type=%d', 'http://***@h:81/dlr?…'],
    // an "@" in the password, and one in the path that is no credential
    ['https://u:p@ss@host/a', 'https://***@host/a'],
    ['https://host/users/@me', 'https://host/users/@me'],
    ['redis://:secret@10.0.0.5:6379/0', 'redis://***@10.0.0.5:6379/0'],
    ['rediss://default:pw@cache.example:6380?tls=1', 'rediss://***@cache.example:6380?…'],
    // not a URL at all: still no query
    ['%s/dlr?id=%i', '%s/dlr?…'],
  ])('%s → %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});
