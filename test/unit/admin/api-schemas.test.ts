/**
 * The admin error catalogue against the refusals the access check sends (checked by the compiler: a refusal that
 * is not catalogued fails `npm run typecheck`). The view schemas, which the types are derived from, are tested
 * with real values in test/unit/domain/admin-views.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { AdminRefusalCode } from '../../../src/admin/admin-access.js';
import { ADMIN_ERRORS, type AdminErrorCode } from '../../../src/admin/api-schemas.js';

// Every refusal the access check sends is a code of the admin catalogue.
const refusalsCatalogued: true = true satisfies [AdminRefusalCode] extends [AdminErrorCode] ? true : false;

describe('admin error catalogue', () => {
  it("holds every refusal of the access check (compile-time check above), each with a client error's status", () => {
    expect(refusalsCatalogued).toBe(true);
    for (const e of Object.values(ADMIN_ERRORS)) expect(e.status).toBeGreaterThanOrEqual(400);
  });
});
