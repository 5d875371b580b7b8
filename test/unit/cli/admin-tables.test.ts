import { describe, expect, it } from 'vitest';
import {
  actionText,
  bindStateStyle,
  linksDown,
  linksTable,
  peekTable,
  queuesTable,
  smppDisconnectText,
  smppSessionsTable,
  statusText,
} from '../../../src/cli/admin-tables.js';
import { LIVE_LINK_COLUMNS, renderExplanation } from '../../../src/cli/explain.js';
import { ansi } from '../../../src/cli/text-table.js';
import {
  action,
  EXPLANATION,
  FAILED_PAGE,
  LINKS,
  NOW,
  ROUTE_KEY,
  ROUTES,
  SMPP_SESSIONS,
  STATUS,
  STATUS_BACKUP_STOPPED,
} from '../../helpers/admin-fixtures.js';

describe('admin tables', () => {
  it('status: the gateway in a line, its figures, a row per link and per route, and which links are down', () => {
    expect(statusText(STATUS, NOW)).toBe(
      [
        'switchboard 0.1.0, running, up 3h12m, node gw-a (with gw-b)',
        'messages  received 1,234,567 MT, 1,024 MO; sent 1,230,001 MT, 1,024 MO; queued 4,321; failed 12',
        'receipts  received 1,200,000; callbacks queued 15, failed 2',
        '',
        'LINK     SMSC-ID  ADMIN    HEALTH   BOUND  WINDOW   TPS  REASON',
        'primary  primary  running  healthy    2/2    3/20  90.5',
        'backup   backup   running  down       0/1    0/10     0  connection refused',
        '',
        'ROUTE             LINKS                      QUEUED  FAILED  OLDEST  STATE',
        '559b6b42c4045bea  primary (fallback backup)   4,321      12   3m12s  running',
        '55a0c1d2e3f40516  backup                          0       0       -  paused',
        '',
        '1 link down: backup',
        '',
      ].join('\n'),
    );
  });

  it('a link an operator stopped or is draining is not down', () => {
    expect(linksDown(STATUS.links).map((l) => l.id)).toEqual(['backup']);
    expect(linksDown(STATUS_BACKUP_STOPPED.links)).toEqual([]);
    expect(statusText(STATUS_BACKUP_STOPPED, NOW)).not.toContain('down');
    expect(linksDown([{ ...LINKS[1]!, admin: 'draining' }])).toEqual([]);
  });

  it('links: a row per bind with human durations and counts, the link on its first row', () => {
    expect(linksTable(LINKS, NOW).split('\n')).toEqual([
      'LINK     ADMIN    HEALTH   BIND       STATE  SINCE  NODE  WINDOW       TPS  SUBMITTED   ACCEPTED  REFUSED  UNANSWERED   P50   P99  REASON',
      'primary  running  healthy  primary#0  bound  3m12s  gw-a    3/10  45.3/100  1,234,567  1,234,000      560           0  12ms  1.5s',
      '                           primary#1  bound  3m12s  gw-b    0/10  45.3/100  1,234,567  1,234,000      560           0  12ms  1.5s',
      'backup   running  down     backup#0   down    1h2m  gw-a    0/10         0          0          0        0           0     -     -  connection refused',
      '',
    ]);
    expect(linksTable([], NOW)).toBe('no links configured\n');
    const noBinds = linksTable([{ ...LINKS[0]!, binds: [] }], NOW).split('\n')[1];
    expect(noBinds).toBe('primary  running  healthy  -     no binds');
  });

  it('bind states are coloured only through the paint given: green bound, yellow on the way, red down, dim stopped', () => {
    const coloured = linksTable(LINKS, NOW, ansi);
    expect(coloured).toContain('\u001b[32mbound\u001b[39m');
    expect(coloured).toContain('\u001b[31mdown\u001b[39m');
    expect(linksTable(LINKS, NOW)).not.toContain('\u001b');
    expect(
      ['bound', 'binding', 'unhealthy', 'down', 'stopped', 'unowned', 'new-state'].map((state) =>
        bindStateStyle({ state, healthy: state === 'bound' }),
      ),
    ).toEqual(['green', 'yellow', 'yellow', 'red', 'dim', 'dim', undefined]);
    expect(bindStateStyle({ state: 'bound', healthy: false })).toBe('yellow');
  });

  it('queues: a row per route, counts right-aligned, paused and stuck routes said', () => {
    expect(queuesTable(ROUTES).split('\n')).toEqual([
      'ROUTE             LINKS                      DRAINING  QUEUED  WAITING  ACTIVE  DELAYED  FAILED  OLDEST  STATE',
      '559b6b42c4045bea  primary (fallback backup)  primary    4,321    4,000      20      301      12   3m12s  running',
      '55a0c1d2e3f40516  backup                     -              0        0       0        0       0       -  paused',
      '',
    ]);
    const stuck = queuesTable([{ ...ROUTES[0]!, drainingLinks: [] }]);
    expect(stuck.split('\n')[1]).toMatch(/ no link$/);
    expect(queuesTable([])).toBe('no route queues\n');
  });

  it('peek: a row per message, the error of failed ones, the text last (escaped, cut), and how to get the next page', () => {
    expect(peekTable(FAILED_PAGE, ROUTE_KEY, 'failed', NOW).split('\n')).toEqual([
      'ID   STATE    AGE  ACCOUNT  FROM  TO           ATTEMPTS  ERROR            TEXT',
      'm-1  failed  1m5s  app      Shop  46700000001         3  ESME_RINVDSTADR  Your code is 1234.\\nDo not share it with…',
      'more: add --cursor c2',
      '',
    ]);
    const queued = peekTable({ messages: [{ ...FAILED_PAGE.messages[0]!, state: 'waiting', error: undefined }] }, ROUTE_KEY, 'queued', NOW);
    expect(queued.split('\n')[0]).toBe('ID   STATE     AGE  ACCOUNT  FROM  TO           ATTEMPTS  TEXT');
    expect(queued).not.toContain('more:');
    expect(peekTable({ messages: [] }, ROUTE_KEY, 'failed', NOW)).toBe(`no failed messages on route ${ROUTE_KEY}\n`);
  });

  it("an action: the gateway's words, then the counts it gave", () => {
    expect(actionText(action({ action: 'link.stop', detail: 'link primary stopped' }))).toBe('link primary stopped\n');
    expect(actionText(action({ action: 'retry', detail: '1234 failed messages queued again', retried: 1234, skippedActive: 2 }))).toBe(
      '1234 failed messages queued again\nretried 1,234, 2 left alone (a link holds them now)\n',
    );
    expect(actionText(action({ action: 'x', detail: 'evil\u001b[2J' }))).toBe('evil\\x1b[2J\n');
  });

  it("explain online: the offline columns plus each link's health and queued messages", () => {
    expect(renderExplanation(EXPLANATION, LIVE_LINK_COLUMNS).split('\n').slice(3)).toEqual([
      'LINK     SMSC-ID  TIER       HEALTH   QUEUED  WHY',
      'primary  primary  preferred  healthy   4,321  preferred-smsc-id (R) lists "R"',
      'backup   backup   fallback   down      4,321  may carry it (smsc-id "R"); no rule prefers it',
      '',
    ]);
    const booleans = { ...EXPLANATION, links: EXPLANATION.links.map((l) => ({ ...l, health: l.link === 'primary' })) };
    expect(renderExplanation(booleans, LIVE_LINK_COLUMNS)).toMatch(/backup {3}backup {3}fallback {3}down /);
  });
});

describe('smpp-sessions tables', () => {
  it('a row per session by account, oldest first; then the deliver_sm waiting per account, bound or not', () => {
    expect(smppSessionsTable(SMPP_SESSIONS, NOW).split('\n')).toEqual([
      'SESSION  ACCOUNT  KIND         REMOTE                    NODE  ON-LINE  WINDOW  SUBMITS  DELIVER_SM  FAILED',
      'gw-a.s1  bank     transceiver  203.0.113.9:51000         gw-a     1m5s    3/10   12,345      12,000       0',
      'gw-b.s2  shop     receiver     198.51.100.7:40112 (TLS)  gw-b     2h5m    0/10        0       1,530       2',
      '',
      'ACCOUNT  BOUND  DELIVER_SM WAITING',
      'alerts       0                  17',
      'bank         1                   4',
      'shop         1                   0',
      '',
    ]);
  });

  it('says when nothing is bound; colours refused deliver_sm red, and waiting with nothing bound yellow', () => {
    expect(smppSessionsTable({ sessions: [], waiting: {} }, NOW)).toBe('no SMPP client sessions bound\n');
    const coloured = smppSessionsTable(SMPP_SESSIONS, NOW, ansi);
    expect(coloured).toContain('\u001b[31m2\u001b[39m');
    expect(coloured).toContain('\u001b[33m17\u001b[39m');
    expect(coloured).not.toContain('\u001b[33m4\u001b[39m');
  });

  it('a disconnect says what was asked and how many sessions it matched', () => {
    expect(smppDisconnectText({ requested: { session: 'gw-a.s1' }, sessions: 1 })).toBe(
      'asked to unbind session gw-a.s1 (1 session bound)\n',
    );
    expect(smppDisconnectText({ requested: { account: 'bank' }, sessions: 2 })).toBe(
      'asked to unbind the sessions of account bank (2 sessions bound)\n',
    );
  });
});
