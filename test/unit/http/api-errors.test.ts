/** The error catalogue is the README's: every code, with its status, is listed there. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_ERRORS } from '../../../src/http/api-errors.js';

describe('API error catalogue', () => {
  const readme = readFileSync('README.md', 'utf8');
  it.each(Object.entries(API_ERRORS))('%s is in the README with its status', (code, { status }) => {
    expect(readme).toContain(`| \`${code}\` | ${status} |`);
  });
});
