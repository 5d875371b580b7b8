/**
 * `switchboard check-config` and `switchboard explain` as a user runs them (the CLI from the sources, in a child
 * process), on Kannel's active-passive recipe written to a temp dir with the backup's allowed-smsc-id misspelt: the
 * mistake that silently removes the failover in Kannel. `start` logs the same warnings.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startChildGateway } from '../helpers/child-gateway.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function switchboard(...args: string[]): Promise<Run> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => proc.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** Kannel's active-passive recipe; `backupAllowed` is line 19. */
function activePassive(backupAllowed: string, smscPort: number, sendsmsPort: number): string {
  return [
    'group = core', //                                      1
    'admin-port = 0',
    '',
    'group = smsbox',
    `sendsms-port = ${sendsmsPort}`, //                     5
    'sendsms-interface = 127.0.0.1',
    '',
    'group = smsc',
    'smsc = smpp',
    'smsc-id = reliable_smpp_gw', //                        10
    'allowed-smsc-id = reliable_smpp_gw',
    'preferred-smsc-id = reliable_smpp_gw',
    'host = 127.0.0.1',
    `port = ${smscPort}`,
    'smsc-username = a', //                                 15
    'smsc-password = a',
    '',
    'group = smsc',
    `allowed-smsc-id = ${backupAllowed}`, //                19
    'smsc = smpp', //                                       20
    'smsc-id = unreliable_smpp_gw',
    'preferred-smsc-id = unreliable_smpp_gw',
    'host = 127.0.0.1',
    `port = ${smscPort + 1}`,
    'smsc-username = b', //                                 25
    'smsc-password = b',
    'msg-id-type = 0x02',
    '',
    'group = sendsms-user',
    'username = app', //                                    30
    // Stored as a hash (of "pw"): a plain-text password would be a warning of its own.
    'password = $scrypt$ln=15,r=8,p=1$o+MW8UHpmHduqhXqP5o5qQ$mgH6ZVkjd4ADv0erkuP+fZWPRJjGyCYrznjZNeNeNf8',
    'default-smsc = reliable_smpp_gw',
  ].join('\n');
}

let dir: string;
let misspelt: string;
let correct: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sb-check-'));
  misspelt = join(dir, 'kannel.conf');
  correct = join(dir, 'kannel-ok.conf');
  writeFileSync(misspelt, activePassive('unreliable_smpp_gw;realiable_smpp_gw', 1, 0));
  writeFileSync(correct, activePassive('unreliable_smpp_gw;reliable_smpp_gw', 1, 0));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('switchboard check-config', () => {
  it('names the file, the line and the smsc-id meant, and exits 3 (valid, with warnings)', async () => {
    const r = await switchboard('check-config', misspelt);
    expect(r.stdout).toContain(
      `warning: ${misspelt}:19: group smsc #2 (line 18) allowed-smsc-id: "realiable_smpp_gw" is no link's smsc-id`,
    );
    expect(r.stdout).toContain('did you mean reliable_smpp_gw?');
    expect(r.stdout.trim().split('\n').at(-1)).toBe(`${misspelt}: valid, 1 warning`);
    expect(r.code).toBe(3);
  });

  it('the recipe spelt right: exit 0', async () => {
    const r = await switchboard('check-config', correct);
    expect(r.stdout).toBe(`${correct}: valid, no warnings\n`);
    expect(r.code).toBe(0);
  });

  it('an invalid file: every error with file and line, exit 1; a missing file or argument: exit 2', async () => {
    const bad = join(dir, 'bad.conf');
    writeFileSync(bad, activePassive('x', 1, 0).replace('msg-id-type = 0x02', 'msg-id-type = two'));
    const r = await switchboard('check-config', bad);
    expect(r.stdout).toBe(
      `error: ${bad}:27: group smsc #2 (line 18) msg-id-type: expected an integer, got "two"\n${bad}: invalid, 1 error\n`,
    );
    expect(r.code).toBe(1);
    expect((await switchboard('check-config', join(dir, 'none.conf'))).code).toBe(2);
    expect((await switchboard('check-config')).code).toBe(2);
  });
});

describe('switchboard explain', () => {
  it('the misspelt backup is not the fallback: exit 0 with the reason per link; the right spelling makes it fallback', async () => {
    const r = await switchboard('explain', '--config', misspelt, '--account', 'app', '--to', '46700000001');
    expect(r.code).toBe(0);
    const rows = r.stdout.split('\n');
    expect(rows[0]).toBe("account app, to 46700000001: smsc-id reliable_smpp_gw (the account's default-smsc)");
    expect(rows.find((l) => l.startsWith('unreliable_smpp_gw'))).toMatch(
      /not-eligible +allowed-smsc-id \(unreliable_smpp_gw;realiable_smpp_gw\) does not list "reliable_smpp_gw"$/,
    );
    const ok = await switchboard('explain', '--config', correct, '--account', 'app', '--to', '46700000001', '--json');
    expect(ok.code).toBe(0);
    const json = JSON.parse(ok.stdout) as { route: { preferred: string[]; fallback: string[] }; links: { link: string; tier: string }[] };
    expect(json.route).toMatchObject({ preferred: ['reliable_smpp_gw'], fallback: ['unreliable_smpp_gw'] });
    expect(json.links.map((l) => [l.link, l.tier])).toEqual([
      ['reliable_smpp_gw', 'preferred'],
      ['unreliable_smpp_gw', 'fallback'],
    ]);
  });

  it('not routable: exit 1; an unknown account or a missing option: exit 2', async () => {
    const r = await switchboard('explain', '--config', correct, '--account', 'app', '--to', '46700000001', '--smsc', 'other');
    // default-smsc gives way to the request's smsc=, which neither link allows
    expect(r.stdout).toContain('NOT ROUTABLE: no link may carry smsc-id "other" to 46700000001');
    expect(r.code).toBe(1);
    const unknown = await switchboard('explain', '--config', correct, '--account', 'nobody', '--to', '1');
    expect(unknown.stderr).toContain('no account "nobody"');
    expect(unknown.code).toBe(2);
    expect((await switchboard('explain', '--config', correct, '--account', 'app')).code).toBe(2);
  });
});

describe('switchboard start', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });

  it('logs the same warning, with file, line and key, and runs', async () => {
    const [httpPort, smscPort] = [await freePort(), await freePort()];
    const file = join(dir, 'start.conf');
    // Nothing listens on the SMSC ports: the links keep reconnecting, which is no concern here.
    writeFileSync(file, activePassive('unreliable_smpp_gw;realiable_smpp_gw', smscPort, httpPort));
    const gw = await startChildGateway(file, redis.server.socketPath, httpPort);
    try {
      const line = gw
        .output()
        .split('\n')
        .find((l) => l.includes('realiable_smpp_gw'));
      expect(line).toBeDefined();
      const entry = JSON.parse(line ?? '{}') as Record<string, unknown>;
      expect(entry).toMatchObject({ file, line: 19, key: 'group smsc #2 (line 18) allowed-smsc-id', check: 'unknown-smsc-id' });
      expect(entry.msg).toContain('did you mean reliable_smpp_gw?');
    } finally {
      await gw.crash();
    }
  });
});
