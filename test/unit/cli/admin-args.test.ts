import { describe, expect, it } from 'vitest';
import { ADMIN_USAGE, DEFAULT_ADMIN_URL, explainIsOnline, parseAdminArgs, type AdminInvocation } from '../../../src/cli/admin-args.js';

function ok(argv: string[], env: Record<string, string> = {}): AdminInvocation {
  const r = parseAdminArgs(argv, env);
  if (!r.ok) throw new Error(`expected a parse, got: ${r.message}`);
  return r.invocation;
}

function refused(argv: string[], env: Record<string, string> = {}): string {
  const r = parseAdminArgs(argv, env);
  if (r.ok) throw new Error(`expected a usage error, got ${JSON.stringify(r.invocation)}`);
  return r.message;
}

describe('parseAdminArgs', () => {
  it('the connection: flags, else the environment, else the default URL, no password and 10 s', () => {
    expect(ok(['status'])).toEqual({
      command: { kind: 'status' },
      connection: { url: DEFAULT_ADMIN_URL, password: undefined, timeoutMs: 10_000 },
      json: false,
    });
    const env = { SWITCHBOARD_URL: 'https://gw.example:13000/admin', SWITCHBOARD_PASSWORD: 'from-env' };
    expect(ok(['links'], env).connection).toEqual({ url: 'https://gw.example:13000/admin', password: 'from-env', timeoutMs: 10_000 });
    expect(ok(['links', '--url', 'http://10.0.0.5:13000', '--password', 'flag', '--timeout', '2.5', '--json'], env)).toMatchObject({
      connection: { url: 'http://10.0.0.5:13000', password: 'flag', timeoutMs: 2500 },
      json: true,
    });
    // An empty variable is as good as none.
    expect(ok(['queues'], { SWITCHBOARD_URL: '', SWITCHBOARD_PASSWORD: '' }).connection).toEqual({
      url: DEFAULT_ADMIN_URL,
      password: undefined,
      timeoutMs: 10_000,
    });
  });

  it('refuses a URL that is not http(s) or carries credentials, and a timeout that is not a positive number of seconds', () => {
    expect(refused(['status', '--url', 'ftp://x'])).toContain('--url: expected an http:// or https:// URL');
    expect(refused(['status', '--url', 'localhost:13000'])).toContain('--url');
    expect(refused(['status', '--url', 'http://admin:pw@h:1'])).toContain('not in the URL');
    for (const t of ['0', '-1', 'ten', '', '3601']) expect(refused(['status', '--timeout', t])).toContain('--timeout');
  });

  it('queue peek: a route (key or prefix, lowercased), --failed, --limit 1..500, --cursor', () => {
    expect(ok(['queue', 'peek', '559B', '--failed', '--limit', '20', '--cursor', 'c2']).command).toEqual({
      kind: 'peek',
      route: '559b',
      state: 'failed',
      limit: 20,
      cursor: 'c2',
    });
    expect(ok(['queue', 'peek', '559b6b42c4045bea']).command).toEqual({
      kind: 'peek',
      route: '559b6b42c4045bea',
      state: 'queued',
      limit: undefined,
      cursor: undefined,
    });
    for (const l of ['0', '501', '1.5', 'x'])
      expect(refused(['queue', 'peek', '559b', '--limit', l])).toContain('--limit: expected a number from 1 to 500');
    expect(refused(['queue', 'peek', 'primary'])).toContain('expected a route key (16 hex digits, or a prefix of one), got "primary"');
    expect(refused(['queue', 'peek'])).toContain('a route is missing');
    expect(refused(['queue', 'peek', '559b', 'extra'])).toContain('unexpected "extra"');
  });

  it('queue retry and remove need message ids or an explicit --all, never both', () => {
    expect(ok(['queue', 'retry', '559b', 'm-1', 'm-2']).command).toEqual({
      kind: 'failed',
      action: 'retry',
      route: '559b',
      ids: ['m-1', 'm-2'],
    });
    expect(ok(['queue', 'remove', '559b', '--all']).command).toEqual({ kind: 'failed', action: 'remove', route: '559b', ids: undefined });
    expect(refused(['queue', 'remove', '559b'])).toContain('give the ids of the failed messages to remove, or --all');
    expect(refused(['queue', 'retry', '559b', 'm-1', '--all'])).toContain('not both');
  });

  it('queue move needs --smsc; pause and resume take the route alone', () => {
    expect(ok(['queue', 'move', '559b', '--smsc', 'backup']).command).toEqual({ kind: 'move', route: '559b', smsc: 'backup' });
    expect(refused(['queue', 'move', '559b'])).toContain('--smsc ID is needed');
    expect(ok(['queue', 'pause', 'abc']).command).toEqual({ kind: 'route', action: 'pause', route: 'abc' });
    expect(ok(['queue', 'resume', 'abc']).command).toEqual({ kind: 'route', action: 'resume', route: 'abc' });
    expect(refused(['queue', 'flush', 'abc'])).toBe('queue: expected peek, retry, remove, move, pause or resume, got "flush"');
  });

  it('link stop|start|drain LINK', () => {
    expect(ok(['link', 'drain', 'primary']).command).toEqual({ kind: 'link', action: 'drain', link: 'primary' });
    expect(refused(['link', 'restart', 'primary'])).toBe('link: expected stop, start or drain, got "restart"');
    expect(refused(['link', 'stop'])).toBe('a link id is missing (usage: switchboard link stop LINK)');
  });

  it('an option a command does not take is a usage error naming it', () => {
    expect(refused(['status', '--failed'])).toMatch(/^Unknown option '--failed' \(usage: switchboard status/);
    expect(refused(['reload', 'now'])).toContain('unexpected "now"');
  });

  it('explain online: --account and --to needed, --config refused beside it', () => {
    expect(ok(['explain', '--url', 'http://h:1', '--account', 'app', '--to', '4670', '--smsc', 'R']).command).toEqual({
      kind: 'explain',
      account: 'app',
      to: '4670',
      smsc: 'R',
    });
    expect(refused(['explain', '--url', 'http://h:1', '--to', '4670'])).toContain('--account');
    expect(refused(['explain', '--url', 'http://h:1', '--config', 'x.yaml', '--account', 'a', '--to', '1'])).toContain('not both');
  });

  it('explain is online with --url, or with SWITCHBOARD_URL unless --config names a file', () => {
    expect(explainIsOnline(['--account', 'a'], {})).toBe(false);
    expect(explainIsOnline(['--url=http://h:1'], {})).toBe(true);
    expect(explainIsOnline(['--account', 'a'], { SWITCHBOARD_URL: 'http://h:1' })).toBe(true);
    expect(explainIsOnline(['-c', 'x.yaml'], { SWITCHBOARD_URL: 'http://h:1' })).toBe(false);
    expect(explainIsOnline(['--config', 'x.yaml'], { SWITCHBOARD_URL: 'http://h:1' })).toBe(false);
  });

  it('the usage text names every command and exit code', () => {
    for (const s of [
      'status',
      'links',
      'queues',
      'queue peek',
      'queue retry',
      'queue remove',
      'queue move',
      'queue pause',
      'queue resume',
      'link stop',
      'link start',
      'link drain',
      'reload',
      'explain --url',
      'smpp-sessions',
      'smpp-sessions disconnect',
    ]) {
      expect(ADMIN_USAGE).toContain(`  ${s}`);
    }
    expect(ADMIN_USAGE).toMatch(
      /0 ok, 1 refused or failed, 2 usage error, 3 gateway unreachable.*\n.*4 authentication refused \(401\/403\), 5 \(status\)/,
    );
  });
});

describe("parseAdminArgs: Kannel's reload-lists, restart, flush-dlr, remove-message", () => {
  it('parses each, with its one option or argument', () => {
    expect(ok(['reload-lists']).command).toEqual({ kind: 'reload-lists' });
    expect(ok(['restart']).command).toEqual({ kind: 'restart', graceful: false });
    expect(ok(['restart', '--graceful']).command).toEqual({ kind: 'restart', graceful: true });
    expect(ok(['flush-dlr', '--json']).command).toEqual({ kind: 'flush-dlr' });
    expect(ok(['remove-message', 'abc.1']).command).toEqual({ kind: 'remove-message', id: 'abc.1' });
  });

  it('refuses what they do not take', () => {
    expect(refused(['remove-message'])).toContain('switchboard remove-message ID');
    expect(refused(['reload-lists', 'extra'])).toContain('switchboard reload-lists');
  });
});

describe('parseAdminArgs: smpp-sessions', () => {
  it('lists with no argument; disconnects one session by id or every session of an account', () => {
    expect(ok(['smpp-sessions', '--json']).command).toEqual({ kind: 'smpp-sessions' });
    expect(ok(['smpp-sessions', 'disconnect', '--session', 'gw-a.s1']).command).toEqual({
      kind: 'smpp-disconnect',
      match: { session: 'gw-a.s1' },
    });
    expect(ok(['smpp-sessions', 'disconnect', '--account=bank']).command).toEqual({ kind: 'smpp-disconnect', match: { account: 'bank' } });
  });

  it('disconnect needs exactly one of --session and --account; the listing takes no argument', () => {
    expect(refused(['smpp-sessions', 'disconnect'])).toContain('give --session ID (from smpp-sessions) or --account NAME');
    expect(refused(['smpp-sessions', 'disconnect', '--session', 'a', '--account', 'b'])).toContain('not both');
    expect(refused(['smpp-sessions', 'disconnect', 'gw-a.s1'])).toContain('unexpected "gw-a.s1"');
    expect(refused(['smpp-sessions', 'kill'])).toContain('unexpected "kill" (usage: switchboard smpp-sessions');
  });
});
