/**
 * The admin commands against a running gateway of the same build (real Redis, the simulator, the real admin port),
 * not the fake API of admin-cli.test.ts: every command that reads the admin API, and the actions, with their
 * tables and exit codes. The CLI checks each reply against the schemas the gateway serialises it with, so a field
 * renamed on one side fails here: `explain --url` once expected a `health` the server no longer sent.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { ADMIN_EXIT } from '../../src/cli/admin-args.js';
import { runAdminCommand } from '../../src/cli/admin-command.js';
import type { SmscSimulator } from '../../src/simulator/smsc-simulator.js';
import { freePort } from '../helpers/child-gateway.js';
import { TestEsme } from '../helpers/esme.js';
import { sendsms, startGateway, testConfig } from '../helpers/gateway.js';
import { startSimulator, testLink, waitFor } from '../helpers/links.js';
import { useTestRedis } from '../helpers/redis.js';

const env = useTestRedis();

const ADMIN_PASSWORD = 'adm1n';
const STATUS_PASSWORD = 'st4tus';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Started once for the file (the tests read one gateway in turn); stopped in afterAll. */
const ours: Array<() => Promise<void>> = [];
let app: App;
let smsc: SmscSimulator;
let url: string;
let routeKey: string;

/** The CLI in-process, as main.ts runs it, with real fetch over real HTTP. */
async function cli(argv: string[], password = ADMIN_PASSWORD): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runAdminCommand(
    argv,
    { SWITCHBOARD_URL: url, SWITCHBOARD_PASSWORD: password },
    { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), now: () => Date.now(), color: false },
  );
  return { code, stdout, stderr };
}

/** The lines of a table that start with `first` (its first column). */
const rows = (text: string, first: string): string[] => text.split('\n').filter((l) => l.split(/\s+/)[0] === first);

async function send(tos: readonly string[]): Promise<void> {
  for (const to of tos) expect((await sendsms(app, { username: 'u', password: 'p', to, text: `live ${to}` })).status).toBe(202);
}

beforeAll(async () => {
  smsc = await startSimulator(ours);
  // backup points at a port nothing listens on: a link that should be up and is down.
  const nothing = await freePort();
  const adminPort = await freePort();
  const config = testConfig(
    [
      testLink(smsc.port, { id: 'main', smscId: 'gw', routing: { ...testLink(0).routing, preferredSmscId: ['gw'] } }),
      testLink(nothing, { id: 'backup', smscId: 'backup' }),
    ],
    {
      raw: {
        admin: {
          'admin-port': adminPort,
          'admin-interface': '127.0.0.1',
          'admin-password': ADMIN_PASSWORD,
          'status-password': STATUS_PASSWORD,
        },
        accounts: [{ username: 'u', password: 'p', 'default-smsc': 'gw' }],
        // Client ESMEs bind here for smpp-sessions.
        'smpp-server': { port: 0, interface: '127.0.0.1' },
      },
    },
  );
  app = await startGateway(config, env.redis, ours);
  url = `http://127.0.0.1:${adminPort}`;
  await waitFor(() => app.cluster.linkHealthy('main'), 5000, 'main bound');
  // A first message, so that the route queue exists before the commands look at it.
  await send(['4670600000']);
  await waitFor(() => smsc.received.length === 1, 5000, 'the first message delivered');
  routeKey = app.directory.routes().find((r) => r.preferred.includes('main'))!.key;
  await settled(1);
});

/** Until the figures have caught up with `mt` messages accepted and delivered (the counters are written in batches). */
async function settled(mt: number): Promise<void> {
  await waitFor(
    async () => {
      const s = await app.operations.status();
      return s.sms.received.mt === mt && s.sms.queued === 0;
    },
    5000,
    `${mt} accepted and none queued`,
  );
}

afterAll(async () => {
  for (const stop of ours.splice(0).reverse()) await stop();
});

describe('switchboard admin commands against a running gateway', () => {
  it('status: the gateway, a row per link and per route, exit 5 while backup is down; --json is the reply as sent', async () => {
    const r = await cli(['status']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(ADMIN_EXIT.linkDown);
    expect(r.stdout).toMatch(/^switchboard \d+\.\d+\.\d+\S*, running, up \S+, node \S+\n/);
    expect(r.stdout).toMatch(/\nmessages {2}received 1 MT, 0 MO; sent 1 MT, 0 MO; queued 0; failed 0\n/);
    expect(rows(r.stdout, 'main')).toEqual([expect.stringMatching(/^main +gw +running +healthy +1\/1 +0\/10 /)]);
    expect(rows(r.stdout, 'backup')).toEqual([expect.stringMatching(/^backup +backup +running +down +0\/1 /)]);
    expect(rows(r.stdout, routeKey)).toEqual([
      expect.stringMatching(new RegExp(`^${routeKey} +main \\(fallback backup\\) +0 +0 +- +running$`)),
    ]);
    expect(r.stdout).toMatch(/\n1 link down: backup\n$/);
    const json = await cli(['status', '--json']);
    expect(json.code).toBe(ADMIN_EXIT.linkDown);
    const parsed = JSON.parse(json.stdout) as { links: { id: string; healthy: boolean; admin: string }[] };
    expect(parsed.links.map((l) => [l.id, l.healthy, l.admin])).toEqual([
      ['main', true, 'running'],
      ['backup', false, 'running'],
    ]);
  });

  it('links: a row per bind with its state, window and counters; the status password reads too', async () => {
    const r = await cli(['links'], STATUS_PASSWORD);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(ADMIN_EXIT.ok);
    expect(r.stdout.split('\n')[0]).toMatch(/^LINK +ADMIN +HEALTH +BIND +STATE +SINCE +NODE +WINDOW +TPS +SUBMITTED +ACCEPTED +REFUSED/);
    // main: bound, one message submitted and accepted, none refused or unanswered.
    expect(rows(r.stdout, 'main')).toEqual([
      expect.stringMatching(/^main +running +healthy +\S+ +bound +\S+ +\S+ +0\/10 +\S+ +1 +1 +0 +0 /),
    ]);
    expect(rows(r.stdout, 'backup')).toEqual([expect.stringMatching(/^backup +running +down +\S+ +(down|connecting|binding) /)]);
  });

  it('queue pause, queues, queue peek, queue resume: the messages held, listed, then delivered', async () => {
    const prefix = routeKey.slice(0, 6);
    const pause = await cli(['queue', 'pause', prefix]);
    expect(pause).toEqual({ code: ADMIN_EXIT.ok, stdout: `route ${routeKey} paused: no link takes its messages\n`, stderr: '' });
    const tos = ['4670600101', '4670600102', '4670600103'];
    await send(tos);
    await waitFor(async () => (await app.operations.routes())[0]?.counts.queued === 3, 5000, 'three queued');

    const queues = await cli(['queues']);
    expect(queues.code).toBe(ADMIN_EXIT.ok);
    expect(rows(queues.stdout, routeKey)).toEqual([
      expect.stringMatching(new RegExp(`^${routeKey} +main \\(fallback backup\\) +main +3 +3 +0 +0 +0 +\\S+ +paused$`)),
    ]);

    const peek = await cli(['queue', 'peek', prefix]);
    expect(peek.stderr).toBe('');
    expect(peek.code).toBe(ADMIN_EXIT.ok);
    expect(peek.stdout.split('\n')[0]).toMatch(/^ID +STATE +AGE +ACCOUNT +FROM +TO +ATTEMPTS +TEXT$/);
    const listed = peek.stdout.split('\n').slice(1, -1);
    expect(listed).toHaveLength(3);
    for (const [i, to] of tos.entries()) expect(listed[i]).toMatch(new RegExp(`^\\S+ +waiting +\\S+ +u +12345 +${to} +0 +live ${to}$`));
    const failed = await cli(['queue', 'peek', prefix, '--failed']);
    expect(failed).toEqual({ code: ADMIN_EXIT.ok, stdout: `no failed messages on route ${routeKey}\n`, stderr: '' });

    const resume = await cli(['queue', 'resume', prefix]);
    expect(resume).toEqual({ code: ADMIN_EXIT.ok, stdout: `route ${routeKey} resumed\n`, stderr: '' });
    await waitFor(() => smsc.received.length === 4, 5000, 'the held three delivered');
    await settled(4);
  });

  it('explain --url: the route, and each link with its tier, live health and the queue; an unknown account is exit 2', async () => {
    const r = await cli(['explain', '--url', url, '--account', 'u', '--to', '4670600200']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(ADMIN_EXIT.ok);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe("account u, to 4670600200: smsc-id gw (the account's default-smsc)");
    expect(lines[1]).toBe(`routable: main (fallback backup) (route ${routeKey})`);
    expect(lines[3]).toMatch(/^LINK +SMSC-ID +TIER +HEALTH +QUEUED +WHY$/);
    expect(lines[4]).toMatch(/^main +gw +preferred +healthy +0 +preferred-smsc-id/);
    expect(lines[5]).toMatch(/^backup +backup +fallback +down +0 +/);
    const unknown = await cli(['explain', '--url', url, '--account', 'nobody', '--to', '1']);
    expect(unknown.code).toBe(ADMIN_EXIT.usage);
    expect(unknown.stderr).toBe('switchboard: explain: no account nobody (accounts: u)\n');
  });

  it('explain --url as a user runs it (main.ts in a child process)', async () => {
    const proc = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'explain',
        '--url',
        url,
        '--password',
        STATUS_PASSWORD,
        '--account',
        'u',
        '--to',
        '4670600300',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SWITCHBOARD_'))),
      },
    );
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => proc.once('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(ADMIN_EXIT.ok);
    expect(stdout).toMatch(/\nmain +gw +preferred +healthy +0 +preferred-smsc-id/);
  }, 30_000);

  it('link stop and start, queue retry, remove and move: the gateway says what it did, in words and counts', async () => {
    const stop = await cli(['link', 'stop', 'backup']);
    expect(stop.stderr).toBe('');
    expect(stop.code).toBe(ADMIN_EXIT.ok);
    expect(stop.stdout).toMatch(/^link backup: running → stopped: /);
    // Stopped on purpose: nothing is down that should be up.
    expect((await cli(['status'])).code).toBe(ADMIN_EXIT.ok);
    const start = await cli(['link', 'start', 'backup']);
    expect(start.stdout).toMatch(/^link backup: stopped → running: /);
    const retry = await cli(['queue', 'retry', routeKey.slice(0, 6), '--all']);
    expect(retry).toEqual({ code: ADMIN_EXIT.ok, stdout: `route ${routeKey}: 0 failed message(s) queued again\nretried 0\n`, stderr: '' });
    const remove = await cli(['queue', 'remove', routeKey.slice(0, 6), '--all']);
    expect(remove.code).toBe(ADMIN_EXIT.ok);
    expect(remove.stdout).toBe(`route ${routeKey}: 0 failed message(s) removed, each with its final report\nremoved 0\n`);
    const move = await cli(['queue', 'move', routeKey, '--smsc', 'backup']);
    expect(move).toEqual({
      code: ADMIN_EXIT.ok,
      stdout: `route ${routeKey}: 0 waiting message(s) moved to smsc-id backup\nmoved 0\n`,
      stderr: '',
    });
  });

  it('smpp-sessions lists bound client ESMEs; disconnect --session and --account unbind them', async () => {
    const bind = async (kind: 'transceiver' | 'receiver'): Promise<TestEsme> => {
      const r = await TestEsme.bind(app.smppServer!.ports.plain, kind, 'u', 'p');
      ours.push(async () => r.esme.close());
      expect(r.status).toBe(0);
      return r.esme;
    };
    const trx = await bind('transceiver');
    const rx = await bind('receiver');
    expect((await trx.submit({ short_message: Buffer.from('over smpp') })).command_status).toBe(0);
    // Each process publishes its sessions' figures every few seconds: wait for the submit to be counted.
    await waitFor(
      async () => {
        const published = await app.smppSessions!.sessions();
        return published.length === 2 && published.some((x) => x.submits === 1);
      },
      8000,
      'both sessions published, with the submit',
    );
    const listed = await cli(['smpp-sessions'], STATUS_PASSWORD);
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(ADMIN_EXIT.ok);
    const lines = listed.stdout.split('\n');
    expect(lines[0]).toMatch(/^SESSION +ACCOUNT +KIND +REMOTE +NODE +ON-LINE +WINDOW +SUBMITS +DELIVER_SM +FAILED$/);
    const { sessions } = JSON.parse((await cli(['smpp-sessions', '--json'])).stdout) as { sessions: { id: string; kind: string }[] };
    const rxId = sessions.find((x) => x.kind === 'receiver')!.id;
    const trxId = sessions.find((x) => x.kind === 'transceiver')!.id;
    expect(rows(listed.stdout, trxId)[0]).toMatch(/^\S+ +u +transceiver +127\.0\.0\.1:\d+ +\S+ +\d+s +0\/\d+ +1 +0 +0$/);
    expect(rows(listed.stdout, rxId)[0]).toMatch(/^\S+ +u +receiver +127\.0\.0\.1:\d+ /);
    expect(rows(listed.stdout, 'u')[0]).toMatch(/^u +2 +\d+$/);

    // One session by id: that client is asked to unbind and goes; the other stays.
    const one = await cli(['smpp-sessions', 'disconnect', '--session', rxId]);
    expect(one).toEqual({ code: ADMIN_EXIT.ok, stdout: `asked to unbind session ${rxId} (1 session bound)\n`, stderr: '' });
    await waitFor(() => rx.conn.closed, 5000, 'the receiver unbound');
    expect(rx.otherRequests).toContain('unbind');
    expect(trx.conn.closed).toBe(false);
    await waitFor(async () => rows((await cli(['smpp-sessions'])).stdout, rxId).length === 0, 5000, 'the receiver no longer listed');
    // The status password reads but may not disconnect; an unknown session is refused with the bound ones.
    expect((await cli(['smpp-sessions', 'disconnect', '--account', 'u'], STATUS_PASSWORD)).code).toBe(ADMIN_EXIT.auth);
    const unknown = await cli(['smpp-sessions', 'disconnect', '--session', 'nope']);
    expect(unknown.code).toBe(ADMIN_EXIT.failed);
    expect(unknown.stderr).toBe(`switchboard: smpp-sessions disconnect: no bound session has id nope (sessions bound: ${trxId})\n`);
    // Every session of the account.
    const all = await cli(['smpp-sessions', 'disconnect', '--account', 'u', '--json']);
    expect(all.code).toBe(ADMIN_EXIT.ok);
    expect(JSON.parse(all.stdout)).toEqual({ requested: { account: 'u' }, sessions: 1 });
    await waitFor(() => trx.conn.closed, 5000, "the account's last session unbound");
    await waitFor(
      async () => (await cli(['smpp-sessions'])).stdout.startsWith('no SMPP client sessions bound\n'),
      5000,
      'no session listed',
    );
  });

  it("refusals come back as the gateway's error bodies: the known ids, the configuration's problems", async () => {
    const unknown = await cli(['link', 'stop', 'nope']);
    expect(unknown.code).toBe(ADMIN_EXIT.failed);
    expect(unknown.stderr).toBe('switchboard: link stop nope: no link nope (links: main, backup)\n');
    const smsc = await cli(['queue', 'move', routeKey, '--smsc', 'nope']);
    expect(smsc.code).toBe(ADMIN_EXIT.failed);
    expect(smsc.stderr).toBe(`switchboard: queue move ${routeKey}: no link has smsc-id nope; nothing was moved (smsc-ids: backup, gw)\n`);
    // This gateway was started from a Config, not a file: a reload is refused with the problem, one a line.
    const reload = await cli(['reload']);
    expect(reload.code).toBe(ADMIN_EXIT.failed);
    expect(reload.stderr).toBe(
      'switchboard: reload: the configuration file is invalid; the running configuration is kept\n' +
        '  test: this gateway was not started from a configuration file, so there is nothing to re-read\n',
    );
    const status = await cli(['link', 'stop', 'main'], STATUS_PASSWORD);
    expect(status.code).toBe(ADMIN_EXIT.auth);
    expect(app.operator.linkState('main')).toBe('running');
  });
});
