/**
 * The reply schemas of the OpenAPI document against the TypeScript types the backend returns: the same keys, and
 * every value of the type fits the schema (checked by the compiler: a drift fails `npm run typecheck`), then real
 * values checked against the schemas at run time.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import type { AdminRefusalCode } from '../../../src/admin/admin-access.js';
import type { AdminErrorCode } from '../../../src/admin/api-schemas.js';
import {
  type AccountViewSchema,
  ActionResultSchema,
  type BindCountersSchema,
  type BindViewSchema,
  GatewayStatusSchema,
  LinkViewSchema,
  type PeekedMessageSchema,
  PeekPageSchema,
  type RouteCountsSchema,
  type RouteViewSchema,
} from '../../../src/admin/api-schemas.js';
import type {
  AccountView,
  ActionResult,
  BindCounters,
  BindView,
  GatewayStatus,
  LinkView,
  PeekedMessage,
  PeekPage,
  RouteCounts,
  RouteView,
} from '../../../src/domain/admin-views.js';
import { makeBind, makeLinkView, makeMessage, makeRoute, makeStatus } from './admin-fixtures.js';

type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;
/** Every value of `From` is a value of the schema's type. */
type Fits<From, S extends TSchema> = [From] extends [DeepReadonly<Static<S>>] ? true : false;
type SameKeys<T, S extends TSchema> = [Exclude<keyof T, keyof Static<S>>, Exclude<keyof Static<S>, keyof T>] extends [never, never]
  ? true
  : false;
type Same<T, S extends TSchema> = Fits<T, S> extends true ? SameKeys<T, S> : false;

// Each line fails to compile when a schema and its type drift apart.
const matches: Record<string, true> = {
  BindCounters: true satisfies Same<BindCounters, typeof BindCountersSchema>,
  BindView: true satisfies Same<BindView, typeof BindViewSchema>,
  LinkView: true satisfies Same<LinkView, typeof LinkViewSchema>,
  RouteCounts: true satisfies Same<RouteCounts, typeof RouteCountsSchema>,
  RouteView: true satisfies Same<RouteView, typeof RouteViewSchema>,
  PeekedMessage: true satisfies Same<PeekedMessage, typeof PeekedMessageSchema>,
  PeekPage: true satisfies Same<PeekPage, typeof PeekPageSchema>,
  AccountView: true satisfies Same<AccountView, typeof AccountViewSchema>,
  GatewayStatus: true satisfies Same<GatewayStatus, typeof GatewayStatusSchema>,
  ActionResult: true satisfies Same<ActionResult, typeof ActionResultSchema>,
};

// Every refusal the access check sends is a code of the admin catalogue.
const refusalsCatalogued: true = true satisfies [AdminRefusalCode] extends [AdminErrorCode] ? true : false;

describe('reply schemas', () => {
  it('match the admin view types (compile-time checks above)', () => {
    expect(Object.keys(matches)).toHaveLength(10);
    expect(refusalsCatalogued).toBe(true);
  });

  it('accept real views, undefined fields left out as JSON leaves them out', () => {
    const json = <T>(v: T): unknown => JSON.parse(JSON.stringify(v));
    const bind = makeBind('a/tx1', {
      reason: 'connection refused',
      latencyMs: { p50: 3, p99: undefined },
      counters: { submitted: 1, accepted: 1, refused: 0, throttled: 0, unanswered: 0, receipts: { delivered: 1 }, mo: 0 },
    });
    const status = makeStatus({
      links: [makeLinkView('a', { binds: [bind], routes: [{ route: 'r1', tier: 'preferred' }] })],
      routes: [makeRoute('r1', { queued: 2 }), makeRoute('r2')],
    });
    expect(Value.Errors(GatewayStatusSchema, json(status)).First()).toBeUndefined();
    expect(Value.Check(PeekPageSchema, json({ messages: [makeMessage('m1', { error: 'refused 0x45', failedAt: 1 })], next: 'c' }))).toBe(
      true,
    );
    expect(Value.Check(ActionResultSchema, { action: 'retry failed', ok: true, detail: 'x', retried: 2 })).toBe(true);
  });

  it('refuse a view that lost a field', () => {
    const { healthy: _h, ...broken } = makeLinkView('a');
    expect(Value.Check(LinkViewSchema, JSON.parse(JSON.stringify(broken)))).toBe(false);
  });
});
