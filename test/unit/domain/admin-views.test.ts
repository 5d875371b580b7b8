/**
 * The admin view schemas, which the view types are derived from and which the gateway serialises its replies with
 * and the CLI checks them with: real values pass as the gateway sends them (undefined fields absent) and as the
 * CLI reads them (nulls dropped); a reply missing a field, or with one of the wrong type, does not, and says where.
 */
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import {
  ActionResultSchema,
  ExplanationSchema,
  GatewayStatusSchema,
  LinkListSchema,
  LinkViewSchema,
  PeekPageSchema,
  RouteListSchema,
  SmppDisconnectSchema,
  SmppSessionsViewSchema,
} from '../../../src/domain/admin-views.js';
import { makeBind, makeLinkView, makeMessage, makeRoute, makeStatus } from '../admin/admin-fixtures.js';
import { action, EXPLANATION, FAILED_PAGE, LINKS, ROUTES, SMPP_SESSIONS, STATUS } from '../../helpers/admin-fixtures.js';

/** As the gateway sends it: JSON, with undefined values absent. */
const wire = (v: unknown): unknown => JSON.parse(JSON.stringify(v));
/** The same, had the server written undefined as null; the CLI drops nulls before checking. */
const withNulls = (v: unknown): unknown =>
  JSON.parse(
    JSON.stringify(v, (_k, x: unknown) => (x === undefined ? null : x)),
    (_k, x: unknown) => (x === null ? undefined : x),
  );

const cases: [string, TSchema, unknown][] = [
  ['status', GatewayStatusSchema, STATUS],
  ['links', LinkListSchema, { links: LINKS }],
  ['routes', RouteListSchema, { routes: ROUTES }],
  ['peek', PeekPageSchema, FAILED_PAGE],
  ['action', ActionResultSchema, action({ action: 'retry', retried: 3, skippedActive: 1 })],
  ['explain', ExplanationSchema, EXPLANATION],
  ['smpp-sessions', SmppSessionsViewSchema, SMPP_SESSIONS],
  ['smpp disconnect', SmppDisconnectSchema, { requested: { account: 'bank' }, sessions: 1 }],
];

describe('admin view schemas', () => {
  it.each(cases)('%s: real values pass, as JSON and with nulls for undefined', (_name, schema, value) => {
    expect([...Value.Errors(schema, wire(value))]).toEqual([]);
    expect(Value.Check(schema, withNulls(value))).toBe(true);
  });

  it('accept views built field by field, undefined fields left out as JSON leaves them out', () => {
    const bind = makeBind('a/tx1', {
      reason: 'connection refused',
      latencyMs: { p50: 3, p99: undefined },
      counters: { submitted: 1, accepted: 1, refused: 0, throttled: 0, unanswered: 0, receipts: { delivered: 1 }, mo: 0 },
    });
    const status = makeStatus({
      links: [makeLinkView('a', { binds: [bind], routes: [{ route: 'r1', tier: 'preferred' }] })],
      routes: [makeRoute('r1', { queued: 2 }), makeRoute('r2')],
    });
    expect(Value.Errors(GatewayStatusSchema, wire(status)).First()).toBeUndefined();
    expect(Value.Check(PeekPageSchema, wire({ messages: [makeMessage('m1', { error: 'refused 0x45', failedAt: 1 })], next: 'c' }))).toBe(
      true,
    );
    expect(Value.Check(ActionResultSchema, { action: 'retry failed', ok: true, detail: 'x', retried: 2 })).toBe(true);
  });

  it('accept keys a newer gateway adds', () => {
    expect(Value.Check(GatewayStatusSchema, { ...(wire(STATUS) as object), clusterName: 'x' })).toBe(true);
  });

  it('refuse a view that lost a field or has one of the wrong type, naming it', () => {
    const { healthy: _h, ...broken } = makeLinkView('a');
    expect(Value.Check(LinkViewSchema, wire(broken))).toBe(false);
    const { counters: _dropped, ...bindWithoutCounters } = LINKS[0]!.binds[0]!;
    const links = wire({ links: [{ ...LINKS[0], binds: [bindWithoutCounters] }] });
    expect(Value.Errors(LinkListSchema, links).First()?.path).toBe('/links/0/binds/0/counters');
    const routes = wire({ routes: [{ ...ROUTES[0], counts: { ...ROUTES[0]!.counts, queued: '4321' } }] });
    expect(Value.Errors(RouteListSchema, routes).First()?.path).toBe('/routes/0/counts/queued');
  });

  it('refuse the explanation an older CLI expected (`health` for `healthy` and `admin`)', () => {
    const old = { ...EXPLANATION, links: EXPLANATION.links.map(({ healthy, admin: _a, ...l }) => ({ ...l, health: healthy })) };
    expect(Value.Errors(ExplanationSchema, wire(old)).First()?.path).toBe('/links/0/healthy');
  });
});
