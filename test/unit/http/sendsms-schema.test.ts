import { describe, expect, it } from 'vitest';
import { KANNEL_HEADER_PARAMS, readCredentials, readSendsmsParams } from '../../../src/http/sendsms-params.js';
import { SENDSMS_PARAMETERS } from '../../../src/http/sendsms-schema.js';

/** Every name the parser asks its lookup for, with a receiver given so that it reads on to the end. */
function namesRead(): Set<string> {
  const asked = new Set<string>();
  const get = (name: string): Buffer | undefined => {
    asked.add(name);
    return name === 'to' ? Buffer.from('46700000001') : undefined;
  };
  readCredentials(get);
  expect(readSendsmsParams(get, 10).ok).toBe(true);
  return asked;
}

describe('the documented sendsms parameters', () => {
  it('are exactly the names the parser reads (the document cannot drift from the parser)', () => {
    expect(Object.keys(SENDSMS_PARAMETERS).sort()).toEqual([...namesRead()].sort());
  });

  it('include every parameter a POST can carry in X-Kannel-* headers', () => {
    for (const param of Object.values(KANNEL_HEADER_PARAMS)) expect(SENDSMS_PARAMETERS).toHaveProperty([param]);
  });

  it('describe each one', () => {
    for (const [name, schema] of Object.entries(SENDSMS_PARAMETERS))
      expect((schema as { description?: string }).description, name).toBeTruthy();
  });
});
