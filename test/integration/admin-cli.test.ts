/**
 * The admin commands against a fake admin API on loopback (test/helpers/fake-admin-api.ts, standing for the
 * gateway; admin-cli-live.test.ts runs them against a real one): the calls they make, their tables and --json, and
 * their exit codes, including an unreachable gateway, one that does not answer in time, and refused passwords. Most run in-process (runAdminCommand, real fetch over
 * real HTTP); a few run the CLI as a user does, in a child process, to hold main.ts's wiring.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_EXIT } from '../../src/cli/admin-args.js';
import { runAdminCommand } from '../../src/cli/admin-command.js';
import {
  action,
  EXPLANATION,
  NOW,
  OTHER_ROUTE_KEY,
  ROUTE_KEY,
  SMPP_SESSIONS,
  STATUS,
  STATUS_BACKUP_STOPPED,
} from '../helpers/admin-fixtures.js';
import { freePort } from '../helpers/child-gateway.js';
import { startFakeAdminApi, type FakeAdminApi } from '../helpers/fake-admin-api.js';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const ADMIN_PASSWORD = 'admin-secret';
const STATUS_PASSWORD = 'status-secret';

let api: FakeAdminApi;

/** In-process, as main.ts runs it, with the password from the environment. */
async function cli(argv: string[], env: Record<string, string> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runAdminCommand(
    argv,
    { SWITCHBOARD_URL: api.url, SWITCHBOARD_PASSWORD: ADMIN_PASSWORD, ...env },
    {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      now: () => NOW,
      color: false,
    },
  );
  return { code, stdout, stderr };
}

/** The CLI from the sources in a child process, with only the environment given. */
function child(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SWITCHBOARD_')));
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...base, ...env },
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => proc.once('close', (code) => resolve({ code, stdout, stderr })));
}

const lastCall = () => api.calls.at(-1);

beforeAll(async () => {
  api = await startFakeAdminApi({ adminPassword: ADMIN_PASSWORD, statusPassword: STATUS_PASSWORD });
});
afterAll(async () => {
  await api.close();
});
beforeEach(() => {
  api.calls.length = 0;
  api.status = STATUS;
  api.reloadProblems = undefined;
  api.denyAddress = false;
  api.smppSessions = SMPP_SESSIONS;
});

describe('switchboard admin commands', () => {
  it('status: the table, exit 5 while a link that should be up is down, 0 once it was stopped on purpose', async () => {
    const down = await cli(['status']);
    expect(down.code).toBe(ADMIN_EXIT.linkDown);
    expect(down.stdout).toContain('switchboard 0.1.0, running, up 3h12m, node gw-a (with gw-b)');
    expect(down.stdout).toContain('backup   backup   running  down       0/1    0/10     0  connection refused');
    expect(down.stdout).toMatch(/\n1 link down: backup\n$/);
    expect(lastCall()).toEqual({ method: 'GET', path: '/api/v1/status', query: {}, body: undefined, basic: `admin:${ADMIN_PASSWORD}` });
    api.status = STATUS_BACKUP_STOPPED;
    expect((await cli(['status'])).code).toBe(ADMIN_EXIT.ok);
  });

  it("--json prints the API's JSON as it came (the exit code still says whether a link is down)", async () => {
    const r = await cli(['status', '--json']);
    expect(r.code).toBe(ADMIN_EXIT.linkDown);
    expect(r.stdout).toBe(`${JSON.stringify(STATUS)}\n`);
    const links = await cli(['links', '--json']);
    expect(JSON.parse(links.stdout)).toMatchObject({ links: [{ id: 'primary' }, { id: 'backup' }] });
  });

  it('links and queues: a row per bind, a row per route', async () => {
    const links = await cli(['links']);
    expect(links.code).toBe(ADMIN_EXIT.ok);
    expect(links.stdout.split('\n')[1]).toBe(
      'primary  running  healthy  primary#0  bound  3m12s  gw-a    3/10  45.3/100  1,234,567  1,234,000      560           0  12ms  1.5s',
    );
    const queues = await cli(['queues']);
    expect(queues.stdout.split('\n')[1]).toBe(
      '559b6b42c4045bea  primary (fallback backup)  primary    4,321    4,000      20      301      12   3m12s  running',
    );
    expect(lastCall()?.path).toBe('/api/v1/routes');
  });

  it('a status-password reads but may not act: the action gets 401, exit 4', async () => {
    expect((await cli(['queues'], { SWITCHBOARD_PASSWORD: STATUS_PASSWORD })).code).toBe(ADMIN_EXIT.ok);
    const r = await cli(['link', 'stop', 'primary'], { SWITCHBOARD_PASSWORD: STATUS_PASSWORD });
    expect(r.code).toBe(ADMIN_EXIT.auth);
    expect(r.stderr).toBe(
      'switchboard: authentication refused (HTTP 401): the password was refused (an action needs admin-password; status-password only reads)\n',
    );
  });

  it('a refused client address is exit 4 too, said as such', async () => {
    api.denyAddress = true;
    const r = await cli(['status']);
    expect(r.code).toBe(ADMIN_EXIT.auth);
    expect(r.stderr).toContain('HTTP 403): this client address is refused (admin-allow-ip, admin-deny-ip)');
  });

  it('queue peek: a route prefix is resolved through /routes, then the page asked with its state, limit and cursor', async () => {
    const r = await cli(['queue', 'peek', '559', '--failed', '--limit', '20', '--cursor', 'c1']);
    expect(r.code).toBe(ADMIN_EXIT.ok);
    expect(api.calls.map((c) => c.path)).toEqual(['/api/v1/routes', `/api/v1/routes/${ROUTE_KEY}/messages`]);
    expect(lastCall()?.query).toEqual({ state: 'failed', limit: '20', cursor: 'c1' });
    expect(r.stdout).toContain(
      'm-1  failed  1m5s  app      Shop  46700000001         3  ESME_RINVDSTADR  Your code is 1234.\\nDo not share it with…\nmore: add --cursor c2\n',
    );
  });

  it('a whole route key needs no lookup; an ambiguous prefix is a usage error, an unknown one a refusal naming the routes', async () => {
    await cli(['queue', 'peek', ROUTE_KEY]);
    expect(api.calls.map((c) => c.path)).toEqual([`/api/v1/routes/${ROUTE_KEY}/messages`]);
    expect(lastCall()?.query).toEqual({ state: 'queued' });
    const ambiguous = await cli(['queue', 'pause', '55']);
    expect(ambiguous.code).toBe(ADMIN_EXIT.usage);
    expect(ambiguous.stderr).toBe(`switchboard: route 55 is the start of 2 routes (${ROUTE_KEY}, ${OTHER_ROUTE_KEY}): type more of it\n`);
    const unknown = await cli(['queue', 'pause', 'ff']);
    expect(unknown.code).toBe(ADMIN_EXIT.failed);
    expect(unknown.stderr).toBe(`switchboard: queue pause ff: no route starts with ff (routes: ${ROUTE_KEY}, ${OTHER_ROUTE_KEY})\n`);
    expect(api.calls.filter((c) => c.method === 'POST')).toEqual([]);
  });

  it("an unknown whole route key: the gateway's 404 and the keys it knows", async () => {
    const r = await cli(['queue', 'resume', 'ffffffffffffffff']);
    expect(r.code).toBe(ADMIN_EXIT.failed);
    expect(r.stderr).toBe(
      `switchboard: queue resume ffffffffffffffff: no route "ffffffffffffffff" (routes: ${ROUTE_KEY}, ${OTHER_ROUTE_KEY})\n`,
    );
  });

  it('queue retry and remove: the ids given, or {} for --all; the counts printed', async () => {
    const some = await cli(['queue', 'retry', '559b', 'm-1', 'm-2']);
    expect(some).toEqual({ code: 0, stdout: `route ${ROUTE_KEY}: 2 failed messages queued again\nretried 2\n`, stderr: '' });
    expect(lastCall()).toMatchObject({ method: 'POST', path: `/api/v1/routes/${ROUTE_KEY}/retry`, body: { ids: ['m-1', 'm-2'] } });
    const all = await cli(['queue', 'remove', '559b', '--all']);
    expect(all.stdout).toBe(`route ${ROUTE_KEY}: 12 failed messages removed\nremoved 12\n`);
    expect(lastCall()).toMatchObject({ path: `/api/v1/routes/${ROUTE_KEY}/remove`, body: {} });
  });

  it('queue move: the smsc-id in the body; an unknown one is refused with the smsc-ids there are', async () => {
    const r = await cli(['queue', 'move', '559b', '--smsc', 'backup']);
    expect(r.stdout).toBe(
      `route ${ROUTE_KEY}: 4000 waiting messages routed with smsc-id backup\nmoved 4,000, 20 left alone (a link holds them now)\n`,
    );
    expect(lastCall()?.body).toEqual({ smsc: 'backup' });
    const bad = await cli(['queue', 'move', '559b', '--smsc', 'nope']);
    expect(bad.code).toBe(ADMIN_EXIT.failed);
    expect(bad.stderr).toBe(`switchboard: queue move ${ROUTE_KEY.slice(0, 4)}: no link has smsc-id "nope" (smsc-ids: primary, backup)\n`);
  });

  it('link stop|start|drain: POST to the link; an unknown link lists the known ones, and --json gives the error body', async () => {
    for (const verb of ['stop', 'start', 'drain']) {
      const r = await cli(['link', verb, 'primary']);
      expect(r).toEqual({ code: 0, stdout: `link primary: ${verb} asked\n`, stderr: '' });
      expect(lastCall()).toMatchObject({ method: 'POST', path: `/api/v1/links/primary/${verb}` });
    }
    const unknown = await cli(['link', 'stop', 'nope', '--json']);
    expect(unknown.code).toBe(ADMIN_EXIT.failed);
    expect(unknown.stderr).toBe('switchboard: link stop nope: no link "nope" (links: primary, backup)\n');
    expect(JSON.parse(unknown.stdout)).toEqual({
      error: { code: 'unknown_link', message: 'no link "nope"', known: ['primary', 'backup'] },
    });
  });

  it('smpp-sessions: the table, or the JSON as it came; a gateway without an smpp-server section is exit 1, said so', async () => {
    const r = await cli(['smpp-sessions']);
    expect(r.code).toBe(ADMIN_EXIT.ok);
    expect(r.stdout.split('\n')[0]).toMatch(/^SESSION +ACCOUNT +KIND +REMOTE +NODE +ON-LINE +WINDOW +SUBMITS +DELIVER_SM +FAILED$/);
    expect(r.stdout).toContain('alerts       0                  17');
    expect(lastCall()).toMatchObject({ method: 'GET', path: '/api/v1/smpp-sessions' });
    expect(JSON.parse((await cli(['smpp-sessions', '--json'])).stdout)).toEqual(SMPP_SESSIONS);
    api.smppSessions = undefined;
    expect(await cli(['smpp-sessions'])).toEqual({
      code: ADMIN_EXIT.failed,
      stdout: '',
      stderr: 'switchboard: smpp-sessions: this gateway has no smpp-server section\n',
    });
  });

  it('smpp-sessions disconnect: the session or account in the query; an unknown one lists what is bound', async () => {
    expect(await cli(['smpp-sessions', 'disconnect', '--session', 'gw-a.s1'])).toEqual({
      code: ADMIN_EXIT.ok,
      stdout: 'asked to unbind session gw-a.s1 (1 session bound)\n',
      stderr: '',
    });
    expect(lastCall()).toMatchObject({ method: 'POST', path: '/api/v1/smpp-sessions/disconnect', query: { session: 'gw-a.s1' } });
    expect((await cli(['smpp-sessions', 'disconnect', '--account', 'shop'])).stdout).toBe(
      'asked to unbind the sessions of account shop (1 session bound)\n',
    );
    expect(lastCall()).toMatchObject({ query: { account: 'shop' } });
    expect(await cli(['smpp-sessions', 'disconnect', '--session', 'nope'])).toEqual({
      code: ADMIN_EXIT.failed,
      stdout: '',
      stderr: 'switchboard: smpp-sessions disconnect: no bound session has id nope (sessions bound: gw-a.s1, gw-b.s2)\n',
    });
    const byAccount = await cli(['smpp-sessions', 'disconnect', '--account', 'nobody']);
    expect(byAccount.stderr).toBe(
      'switchboard: smpp-sessions disconnect: no bound session is of account nobody (accounts bound: bank, shop)\n',
    );
    // The status password reads the sessions but may not end one.
    expect((await cli(['smpp-sessions'], { SWITCHBOARD_PASSWORD: STATUS_PASSWORD })).code).toBe(ADMIN_EXIT.ok);
    expect((await cli(['smpp-sessions', 'disconnect', '--account', 'bank'], { SWITCHBOARD_PASSWORD: STATUS_PASSWORD })).code).toBe(
      ADMIN_EXIT.auth,
    );
  });

  it("reload: ok, or refused with the configuration's problems, one a line", async () => {
    expect(await cli(['reload'])).toEqual({ code: 0, stdout: 'configuration reloaded: 2 links, 1 account\n', stderr: '' });
    api.reloadProblems = [
      { file: 'switchboard.yaml', line: 12, key: 'links[0].port', message: 'expected an integer from 0 to 65535, got "abc"' },
    ];
    const r = await cli(['reload']);
    expect(r.code).toBe(ADMIN_EXIT.failed);
    expect(r.stderr).toBe(
      'switchboard: reload: the configuration was not reloaded\n  switchboard.yaml:12: links[0].port: expected an integer from 0 to 65535, got "abc"\n',
    );
  });

  it('an action the gateway answers with ok: false is exit 1, said on stderr', async () => {
    const refusing = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(action({ action: 'link.start', ok: false, detail: 'link primary is removed from service' })));
    });
    await new Promise<void>((r) => refusing.listen(0, '127.0.0.1', r));
    const r = await cli(['link', 'start', 'primary'], {
      SWITCHBOARD_URL: `http://127.0.0.1:${(refusing.address() as { port: number }).port}`,
    });
    await new Promise<void>((r2) => refusing.close(() => r2()));
    expect(r).toEqual({
      code: ADMIN_EXIT.failed,
      stdout: '',
      stderr: 'switchboard: link start primary: refused: link primary is removed from service\n',
    });
  });

  it("explain --url: the gateway's explanation with health and queued; 1 when not routable; 2 for an unknown account", async () => {
    const r = await cli(['explain', '--url', api.url, '--account', 'app', '--to', '46700000001', '--smsc', 'R']);
    expect(r.code).toBe(ADMIN_EXIT.ok);
    expect(lastCall()).toMatchObject({ path: '/api/v1/explain', query: { account: 'app', to: '46700000001', smsc: 'R' } });
    expect(r.stdout).toContain(
      'LINK     SMSC-ID  TIER       HEALTH   QUEUED  WHY\nprimary  primary  preferred  healthy   4,321  preferred-smsc-id (R) lists "R"\n',
    );
    const json = await cli(['explain', '--account', 'app', '--to', '46700000001', '--json']);
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(JSON.stringify(EXPLANATION)));
    const unknown = await cli(['explain', '--account', 'nobody', '--to', '1']);
    expect(unknown.code).toBe(ADMIN_EXIT.usage);
    expect(unknown.stderr).toBe('switchboard: explain: no account "nobody" (accounts: app)\n');
  });

  it('a server that is not the admin API (another port, a proxy page) is exit 3, not a refusal', async () => {
    const other = createServer((req, res) => {
      if (req.url?.endsWith('/status')) {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>hello</html>');
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"links": "nope"}');
      }
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(other.address() as { port: number }).port}`;
    const html = await cli(['status'], { SWITCHBOARD_URL: url });
    const shape = await cli(['links'], { SWITCHBOARD_URL: url });
    await new Promise<void>((r) => other.close(() => r()));
    expect(html.code).toBe(ADMIN_EXIT.unreachable);
    expect(html.stderr).toBe(
      `switchboard: ${url}/api/v1/status did not answer as the switchboard admin API (HTTP 200): not JSON: "<html>hello</html>"\n`,
    );
    expect(shape.code).toBe(ADMIN_EXIT.unreachable);
    expect(shape.stderr).toContain('/links: Expected array');
    // The API's own "no such path" (a gateway older than the command, or the sendsms port) is the same.
    const path = await cli(['status'], { SWITCHBOARD_URL: `${api.url}/elsewhere` });
    expect(path.code).toBe(ADMIN_EXIT.unreachable);
    expect(path.stderr).toContain('no such path (is this the admin-port?)');
  });

  it('no answer within --timeout: exit 3, said with the timeout', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const started = Date.now();
    const r = await cli(['status', '--timeout', '0.3'], {
      SWITCHBOARD_URL: `http://127.0.0.1:${(silent.address() as { port: number }).port}`,
    });
    const took = Date.now() - started;
    silent.closeAllConnections();
    await new Promise<void>((r2) => silent.close(() => r2()));
    expect(r.code).toBe(ADMIN_EXIT.unreachable);
    expect(r.stderr).toMatch(/cannot reach the gateway at http:\/\/127\.0\.0\.1:\d+\/: no answer within 0\.3s\n$/);
    expect(took).toBeLessThan(3000);
  });
});

describe('switchboard admin commands, run as a user does', () => {
  it('status through main.ts: the table, exit 5; the password from --password', async () => {
    const r = await child(['status', '--url', api.url, '--password', ADMIN_PASSWORD]);
    expect(r.code).toBe(ADMIN_EXIT.linkDown);
    expect(r.stdout).toContain('LINK     SMSC-ID  ADMIN    HEALTH   BOUND  WINDOW   TPS  REASON');
    // Not a terminal: no colour.
    expect(r.stdout).not.toContain('\u001b[');
    expect(r.stderr).toBe('');
  });

  it('no password where one is needed: exit 4, saying how to give one', async () => {
    const r = await child(['links'], { SWITCHBOARD_URL: api.url });
    expect(r.code).toBe(ADMIN_EXIT.auth);
    expect(r.stderr).toBe(
      'switchboard: authentication refused (HTTP 401): a password is needed: give --password or set SWITCHBOARD_PASSWORD\n',
    );
  });

  it('nothing listening: exit 3 at once; a usage error: exit 2 before any connection', async () => {
    const port = await freePort();
    const r = await child(['queues', '--url', `http://127.0.0.1:${port}`]);
    expect(r.code).toBe(ADMIN_EXIT.unreachable);
    expect(r.stderr).toBe(
      `switchboard: cannot reach the gateway at http://127.0.0.1:${port}/: connection refused (is the gateway running, and is this its admin-port?)\n`,
    );
    const usage = await child(['queue', 'retry', '559b'], { SWITCHBOARD_URL: api.url });
    expect(usage.code).toBe(ADMIN_EXIT.usage);
    expect(usage.stderr).toContain('or --all for every failed message of the route');
    const help = await child(['queue', 'peek', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('4 authentication refused (401/403)');
  });

  it('explain: online with SWITCHBOARD_URL set, offline (the configuration) when --config is given', async () => {
    const online = await child(['explain', '--account', 'app', '--to', '46700000001'], {
      SWITCHBOARD_URL: api.url,
      SWITCHBOARD_PASSWORD: STATUS_PASSWORD,
    });
    expect(online.code).toBe(0);
    expect(online.stdout).toContain('HEALTH');
    const offline = await child(['explain', '--config', 'config/switchboard.yaml', '--account', 'nobody', '--to', '1'], {
      SWITCHBOARD_URL: api.url,
    });
    expect(offline.code).toBe(2);
    expect(offline.stderr).toContain('no account "nobody" in config/switchboard.yaml');
  });
});
