import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { ADMIN_ERRORS } from '../../../src/admin/api-schemas.js';
import { documentedOperations, openApiDocument } from '../../../src/admin/openapi-document.js';
import { API_ERRORS } from '../../../src/http/api-errors.js';

const doc = openApiDocument({ version: '1.2.3', adminPrefix: '/sms-gateway', sendsms: { tls: true, host: 'gw.example', port: 13013 } }) as {
  info: { version: string; description: string };
  servers: { url: string }[];
  paths: Record<
    string,
    Record<
      string,
      { operationId: string; servers: { url: string }[]; parameters?: { name: string; in: string }[]; responses: Record<string, unknown> }
    >
  >;
};
type Op = (typeof doc.paths)[string][string];
const operations = (): [string, string, Op][] =>
  Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]): [string, string, Op] => [path, method, op]));

/** Every error code the document says a reply may carry, with the server URLs of its operation. */
function documentedCodes(): { code: string; servers: string[]; where: string }[] {
  return operations().flatMap(([path, method, op]) =>
    Object.values(op.responses).flatMap((r) => {
      const schema = (
        r as {
          content?: Record<
            string,
            { schema?: { properties?: { error?: { properties?: { code?: { enum?: string[] } } } }; oneOf?: unknown[] } }
          >;
        }
      ).content?.['application/json']?.schema;
      const variants = (schema?.oneOf ?? [schema]) as { properties?: { error?: { properties?: { code?: { enum?: string[] } } } } }[];
      return variants
        .flatMap((v) => v?.properties?.error?.properties?.code?.enum ?? [])
        .map((code) => ({ code, servers: op.servers.map((s) => s.url), where: `${method.toUpperCase()} ${path}` }));
    }),
  );
}

describe('the OpenAPI document', () => {
  it('passes the OpenAPI 3.1 schema validator', async () => {
    const validator = new Validator();
    const result = await validator.validate(doc as unknown as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('says every error code a reply may carry, each one from the catalogue of its port', () => {
    const codes = documentedCodes();
    expect(codes.length).toBeGreaterThan(50);
    for (const { code, servers, where } of codes) {
      const catalogues = servers.map((u) => (u.startsWith('{scheme}') ? API_ERRORS : ADMIN_ERRORS));
      expect(
        catalogues.some((c) => code in c),
        `${where}: ${code}`,
      ).toBe(true);
    }
    // The JSON messages API's refusals are all there.
    expect(new Set(codes.filter((c) => c.where === 'POST /api/v1/messages').map((c) => c.code))).toEqual(
      new Set(Object.keys(API_ERRORS).filter((c) => c !== 'not_found')),
    );
  });

  it('lists both catalogues in full, with their statuses', () => {
    for (const [code, { status }] of [...Object.entries(API_ERRORS), ...Object.entries(ADMIN_ERRORS)])
      expect(doc.info.description).toContain(`| \`${code}\` | ${status} |`);
  });

  it('names each operation once, and declares every path parameter', () => {
    const ids = operations().map(([, , op]) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [path, method, op] of operations()) {
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      expect(
        (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
        `${method} ${path}`,
      ).toEqual(inPath);
    }
  });

  it("puts each port's routes on its server: the admin port under the prefix the client used", () => {
    expect(doc.info.version).toBe('1.2.3');
    expect(doc.servers[0]!.url).toBe('/sms-gateway');
    expect(doc.paths['/cgi-bin/sendsms']!.get!.servers.map((s) => s.url)).toEqual(['{scheme}://{host}:{port}']);
    expect(doc.paths['/api/v1/links']!.get!.servers.map((s) => s.url)).toEqual(['/sms-gateway']);
    // The status and a message by id are on both ports: one operation that says what each does.
    expect(doc.paths['/api/v1/messages/{id}']!.get!.servers).toHaveLength(2);
    expect(doc.paths['/api/v1/status']!.get!.servers).toHaveLength(2);
  });

  it("documents sendsms with its parameters and Kannel's replies", () => {
    const get = doc.paths['/cgi-bin/sendsms']!.get!;
    expect(get.parameters!.map((p) => p.name)).toEqual(
      expect.arrayContaining(['username', 'password', 'to', 'text', 'dlr-mask', 'dlr-url', 'meta-data']),
    );
    const replies = JSON.stringify(get.responses);
    for (const sentence of [
      '0: Accepted for delivery',
      '3: Queued for later delivery',
      'Authorization failed for sendsms',
      'Not routable. Do not try again.',
      'Temporal failure, try again later.',
    ])
      expect(replies).toContain(sentence);
  });

  it('is built from operations that each name their port', () => {
    expect(new Set(documentedOperations().map((o) => o.port))).toEqual(new Set(['sendsms', 'admin']));
  });
});
