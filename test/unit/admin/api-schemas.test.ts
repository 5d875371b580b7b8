/**
 * The admin error catalogue against the refusals the access check sends (checked by the compiler: a refusal that
 * is not catalogued fails `npm run typecheck`), and the error body the CLI reads refusals with. The view schemas,
 * which the types are derived from, are tested with real values in test/unit/domain/admin-views.test.ts.
 */
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import type { AdminRefusalCode } from '../../../src/admin/admin-access.js';
import { ADMIN_ERRORS, ErrorBodySchema, type AdminErrorCode } from '../../../src/admin/api-schemas.js';

// Every refusal the access check sends is a code of the admin catalogue.
const refusalsCatalogued: true = true satisfies [AdminRefusalCode] extends [AdminErrorCode] ? true : false;

describe('admin error catalogue', () => {
  it("holds every refusal of the access check (compile-time check above), each with a client error's status", () => {
    expect(refusalsCatalogued).toBe(true);
    for (const e of Object.values(ADMIN_ERRORS)) expect(e.status).toBeGreaterThanOrEqual(400);
  });
});

describe('error body', () => {
  it('needs a code and a message; takes the known ids and the configuration problems as the routes send them', () => {
    expect(Value.Check(ErrorBodySchema, { error: { code: 'unknown_link', message: 'no link x', known: ['a'] } })).toBe(true);
    const problem = { file: 'gw.yaml', line: null, key: '', message: 'not started from a file' };
    expect(Value.Check(ErrorBodySchema, { error: { code: 'invalid_config', message: 'kept', problems: [problem] } })).toBe(true);
    expect(Value.Check(ErrorBodySchema, { error: { code: 'unknown_link' } })).toBe(false);
    // fastify's own 404 body is not one of ours.
    expect(Value.Check(ErrorBodySchema, { error: 'Not Found', message: 'Route GET:/x not found', statusCode: 404 })).toBe(false);
  });
});
