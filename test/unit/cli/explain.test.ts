import { describe, expect, it } from 'vitest';
import { EXPLAIN_EXIT, explain, explanationJson, LINK_COLUMNS, renderExplanation, type LinkColumn } from '../../../src/cli/explain.js';
import { validateConfig } from '../../../src/config/validate.js';
import { explainRoute, type LinkExplanation, type RouteExplanation } from '../../../src/routing/explain-route.js';
import { makeAccount, makeLink } from '../domain-builders.js';

const config = validateConfig(
  {
    links: [
      {
        'smsc-id': 'primary',
        host: 'h',
        port: 1,
        'smsc-username': 'u',
        'smsc-password': 'p',
        'allowed-smsc-id': 'R',
        'preferred-smsc-id': 'R',
      },
      { 'smsc-id': 'backup', host: 'h', port: 2, 'smsc-username': 'u', 'smsc-password': 'p', 'allowed-smsc-id': 'R' },
    ],
    accounts: [{ username: 'app', password: 'pw', 'default-smsc': 'R' }],
  },
  { file: 'ap.yaml' },
);

describe('explain', () => {
  it('a table for people: the smsc-id and where it came from, the route, one aligned row per link', () => {
    const r = explain(config, { account: 'app', to: '46700000001' });
    expect(r.exitCode).toBe(EXPLAIN_EXIT.routable);
    expect(r.output.split('\n').slice(0, 6)).toEqual([
      "account app, to 46700000001: smsc-id R (the account's default-smsc)",
      expect.stringMatching(/^routable: primary \(fallback backup\) \(route [0-9a-f]{16}\)$/),
      '',
      'LINK     SMSC-ID  TIER       WHY',
      'primary  primary  preferred  preferred-smsc-id (R) lists "R"',
      'backup   backup   fallback   may carry it (smsc-id "R"); no rule prefers it',
    ]);
  });

  it('not routable: the reason, exit 1; a receiver outside sendsms-chars is refused as the accept path does', () => {
    const r = explain(config, { account: 'app', to: '46700000001', smsc: 'X' });
    expect(r.exitCode).toBe(EXPLAIN_EXIT.notRoutable);
    expect(r.output).toContain(
      'account app, to 46700000001: smsc-id X (the request\'s smsc=)\nNOT ROUTABLE: no link may carry smsc-id "X" to 46700000001\n',
    );
    const chars = explain(config, { account: 'app', to: '4670abc' });
    expect(chars.exitCode).toBe(EXPLAIN_EXIT.notRoutable);
    expect(chars.output).toContain('NOT ROUTABLE: the receiver "4670abc" has characters outside sendsms-chars');
  });

  it('an unknown account is a usage error naming the accounts there are', () => {
    expect(explain(config, { account: 'nobody', to: '1' })).toEqual({
      output: 'switchboard: explain: no account "nobody" in ap.yaml (accounts: app)\n',
      exitCode: EXPLAIN_EXIT.usage,
    });
  });

  it('--json: every key present (null where there is no value)', () => {
    const json = JSON.parse(explain(config, { account: 'app', to: '46700000001', json: true }).output) as Record<string, unknown>;
    expect(json).toMatchObject({
      account: 'app',
      requestedSmsc: null,
      smscId: 'R',
      smscIdOrigin: 'default-smsc',
      receiverRefused: null,
      routable: true,
      reason: null,
    });
    expect((json.links as Record<string, unknown>[])[1]).toEqual({
      link: 'backup',
      smscId: 'backup',
      tier: 'fallback',
      usability: 0,
      rule: null,
      reason: 'may carry it (smsc-id "R"); no rule prefers it',
    });
  });

  it('a caller with live state adds per-link fields: a column in the table, a key in the JSON', () => {
    type Live = LinkExplanation & { readonly health: string };
    const base = explainRoute({ links: [makeLink('a')], account: makeAccount(), receiver: '1' });
    const live: RouteExplanation<Live> = { ...base, links: base.links.map((l) => ({ ...l, health: 'bound' })) };
    const columns: readonly LinkColumn<Live>[] = [...LINK_COLUMNS, { header: 'HEALTH', value: (l) => l.health }];
    expect(renderExplanation(live, columns)).toContain('a     a        preferred  may carry it (no smsc-id); no rule prefers it  bound');
    expect(JSON.parse(explanationJson(live))).toMatchObject({ links: [{ link: 'a', health: 'bound' }] });
  });
});
