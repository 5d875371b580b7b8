/**
 * The JSON Schema fastify serialises a reply with, from a view's TypeBox schema: the same schema with each union of
 * string literals (TypeBox's way of writing `'a' | 'b'`) written as a string `enum`. fast-json-stringify serialises
 * an `anyOf` by validating each value against its branches with ajv, compiled on the first reply (about 150 ms for
 * /api/v1/status, paid by the first operator to ask); a string enum it writes as the string it is. The two schemas
 * accept the same values; the TypeBox one stays the source (types, OpenAPI, the CLI's checks). Pure.
 */
import type { TSchema } from '@sinclair/typebox';

const isStringConst = (branch: unknown): branch is { const: string } =>
  typeof branch === 'object' && branch !== null && typeof (branch as { const?: unknown }).const === 'string';

function rewrite(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewrite);
  if (typeof node !== 'object' || node === null) return node;
  const { anyOf, ...rest } = node as Record<string, unknown>;
  const copy = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, rewrite(v)]));
  if (Array.isArray(anyOf) && anyOf.length > 0 && anyOf.every(isStringConst))
    return { ...copy, type: 'string', enum: anyOf.map((b) => b.const) };
  return anyOf === undefined ? copy : { ...copy, anyOf: rewrite(anyOf) };
}

/** A plain copy of `schema` for fastify's response serialiser (TypeBox's symbol keys are left out; `required` stays). */
export function replySchema(schema: TSchema): Record<string, unknown> {
  return rewrite(schema) as Record<string, unknown>;
}
