/**
 * The CLI's reply schemas against the admin model: the typed fixtures, as JSON (undefined dropped) and with nulls
 * where the model has undefined, must pass; a reply missing what the tables read must not.
 */
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import {
  ActionReply,
  ErrorReply,
  ExplainReply,
  LinksReply,
  PeekReply,
  RoutesReply,
  StatusReply,
} from '../../../src/cli/admin-reply-schema.js';
import { action, EXPLANATION, FAILED_PAGE, LINKS, ROUTES, STATUS } from '../../helpers/admin-fixtures.js';

/** As the gateway sends it: JSON, with undefined values absent. */
const wire = (v: unknown): unknown => JSON.parse(JSON.stringify(v));
/** The same, had the server written undefined as null; the client drops nulls before checking. */
const withNulls = (v: unknown): unknown =>
  JSON.parse(
    JSON.stringify(v, (_k, x: unknown) => (x === undefined ? null : x)),
    (_k, x: unknown) => (x === null ? undefined : x),
  );

const cases: [string, TSchema, unknown][] = [
  ['status', StatusReply, STATUS],
  ['links', LinksReply, { links: LINKS }],
  ['routes', RoutesReply, { routes: ROUTES }],
  ['peek', PeekReply, FAILED_PAGE],
  ['action', ActionReply, action({ action: 'retry', retried: 3, skippedActive: 1 })],
  ['explain', ExplainReply, EXPLANATION],
];

describe('admin reply schemas', () => {
  it.each(cases)("%s: the model's values pass, as JSON and with nulls for undefined", (_name, schema, value) => {
    expect([...Value.Errors(schema, wire(value))]).toEqual([]);
    expect(Value.Check(schema, withNulls(value))).toBe(true);
  });

  it('keys a newer gateway adds are accepted; a missing or mistyped one the tables read is not', () => {
    expect(Value.Check(StatusReply, { ...(wire(STATUS) as object), clusterName: 'x' })).toBe(true);
    const { counters: _dropped, ...bindWithoutCounters } = LINKS[0]!.binds[0]!;
    expect(Value.Check(LinksReply, wire({ links: [{ ...LINKS[0], binds: [bindWithoutCounters] }] }))).toBe(false);
    expect(Value.Check(RoutesReply, wire({ routes: [{ ...ROUTES[0], counts: { ...ROUTES[0]!.counts, queued: '4321' } }] }))).toBe(false);
  });

  it('errors: a code is needed; known ids may sit in the error or beside it', () => {
    expect(Value.Check(ErrorReply, { error: { code: 'unknown_link', message: 'no link x', known: ['a'] } })).toBe(true);
    expect(Value.Check(ErrorReply, { error: { code: 'unknown_link' }, known: ['a'] })).toBe(true);
    expect(Value.Check(ErrorReply, { error: 'Not Found', message: 'Route GET:/x not found', statusCode: 404 })).toBe(false);
  });
});
