/**
 * The schemas fastify serialises replies with: the view's TypeBox schema with each union of string literals as a
 * string enum (no ajv compile on the first reply), everything else as it was.
 */
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { replySchema } from '../../../src/admin/reply-schema.js';
import { ExplanationSchema, GatewayStatusSchema, LinkViewSchema } from '../../../src/domain/admin-views.js';

describe('replySchema', () => {
  it('writes a union of string literals as a string enum of the same values', () => {
    const s = replySchema(Type.Object({ tier: Type.Union([Type.Literal('preferred'), Type.Literal('fallback')], { description: 'd' }) }));
    expect(s).toEqual({
      type: 'object',
      properties: { tier: { type: 'string', enum: ['preferred', 'fallback'], description: 'd' } },
      required: ['tier'],
    });
  });

  it('leaves other unions, optional fields and records as they are', () => {
    const s = replySchema(
      Type.Object({ line: Type.Union([Type.Integer(), Type.Null()]), n: Type.Optional(Type.Record(Type.String(), Type.Integer())) }),
    );
    expect(s).toEqual({
      type: 'object',
      properties: {
        line: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
        n: { type: 'object', patternProperties: { '^(.*)$': { type: 'integer' } } },
      },
      required: ['line'],
    });
  });

  it('leaves no union of literals in the views the admin API serialises', () => {
    for (const schema of [GatewayStatusSchema, LinkViewSchema, ExplanationSchema]) {
      expect(JSON.stringify(replySchema(schema))).not.toContain('anyOf');
      expect(JSON.stringify(replySchema(schema))).toContain('"enum":[');
    }
  });
});
